/**
 * Reads `deno bench --json` from stdin and prints, per group, how many times faster each
 * benchmark is than the group's baseline, by the median-like p75 and by the minimum as
 * well as the mean. On a shared machine the mean is dragged by a few descheduled
 * iterations (milliseconds against microseconds), so the p75 ratio is the one to read.
 *
 *   deno bench -A --json bench/protocol_bench.ts | deno run bench/bench_ratios.ts
 */

interface Stats {
  avg: number;
  min: number;
  p75: number;
}

interface Bench {
  group?: string;
  name: string;
  baseline: boolean;
  results: { ok?: Stats }[];
}

const input = await new Response(Deno.stdin.readable).text();
const benches = (JSON.parse(input) as { benches: Bench[] }).benches;
const groups = new Map<string, Bench[]>();
for (const b of benches) {
  const key = b.group ?? "(no group)";
  groups.set(key, [...(groups.get(key) ?? []), b]);
}

const us = (ns: number) => `${(ns / 1000).toFixed(2)} µs`;
console.log(
  "group".padEnd(36) + "benchmark".padEnd(30) + "p75".padStart(12) +
    "  ×base p75  ×base min  ×base avg",
);
for (const [group, members] of groups) {
  const base = members.find((b) => b.baseline)?.results[0]?.ok;
  for (const b of members) {
    const s = b.results[0]?.ok;
    if (s === undefined) {
      console.log(`${group.padEnd(36)}${b.name.padEnd(30)} failed`);
      continue;
    }
    const ratio = (k: keyof Stats) => base ? (base[k] / s[k]).toFixed(2).padStart(9) : "";
    console.log(
      group.padEnd(36) + b.name.padEnd(30) + us(s.p75).padStart(12) +
        (b.baseline ? "   baseline" : `  ${ratio("p75")}  ${ratio("min")}  ${ratio("avg")}`),
    );
  }
}

/**
 * Summarises a V8 `.cpuprofile` (from `deno run --cpu-prof`): self time and total time per
 * function, the heaviest first, so a profile can be read in a terminal next to the
 * benchmark that produced it (see BENCHMARKS.md, "Profiling").
 *
 *   deno run -A bench/profile_summary.ts PROFILE.cpuprofile [--top 30]
 */

import { parseArgs } from "node:util";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Self and inclusive sample counts per function (name + file + line). */
export function summarise(profile: Profile): { name: string; self: number; total: number }[] {
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const n of profile.nodes) {
    byId.set(n.id, n);
    for (const c of n.children ?? []) parent.set(c, n.id);
  }
  const label = (n: ProfileNode) => {
    const f = n.callFrame;
    const file = f.url.replace(/^.*\//, "");
    return `${f.functionName || "(anonymous)"} ${file}${file ? ":" + (f.lineNumber + 1) : ""}`;
  };
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  for (const id of profile.samples) {
    const node = byId.get(id)!;
    const name = label(node);
    self.set(name, (self.get(name) ?? 0) + 1);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const l = label(byId.get(cur)!);
      if (seen.has(l)) continue;
      seen.add(l);
      total.set(l, (total.get(l) ?? 0) + 1);
    }
  }
  return [...total.keys()].map((name) => ({
    name,
    self: self.get(name) ?? 0,
    total: total.get(name)!,
  }));
}

if (import.meta.main) {
  const { values, positionals } = parseArgs({
    args: Deno.args,
    options: { top: { type: "string", default: "30" } },
    allowPositionals: true,
  });
  if (positionals.length !== 1) {
    console.error("usage: profile_summary.ts PROFILE.cpuprofile [--top N]");
    Deno.exit(2);
  }
  const profile = JSON.parse(await Deno.readTextFile(positionals[0])) as Profile;
  const rows = summarise(profile);
  const n = profile.samples.length;
  const top = Number(values.top);
  const pct = (x: number) => (100 * x / n).toFixed(1).padStart(5) + "%";
  console.log(`${n} samples\n-- self --`);
  for (const r of [...rows].sort((a, b) => b.self - a.self).slice(0, top)) {
    console.log(`${pct(r.self)} ${pct(r.total)}  ${r.name}`);
  }
  console.log("-- total --");
  for (const r of [...rows].sort((a, b) => b.total - a.total).slice(0, top)) {
    console.log(`${pct(r.self)} ${pct(r.total)}  ${r.name}`);
  }
}

/**
 * respd as a gateway (`--upstream`) against twemproxy (`nutcracker`, Debian's package) and
 * against no proxy at all, in front of the same redis-server, on this machine, now:
 * redis-benchmark GET, SET and a 10-key MGET at P=1 and P=16, interleaved (direct,
 * nutcracker, respd, direct, …) so background load hits all three alike. Prints the
 * median ops/s of each and the CPU each proxy process spent per request (all threads,
 * from /proc): the figure the issue asks to compare (respd's added CPU per request ≤
 * twemproxy's), steadier than ops/s on a loaded machine.
 *
 * `--proxies` names the Deno proxies measured, side by side in the same run: `gateway`
 * (respd --upstream, the default), `floor` and `floor-mux` (bench/floor_proxy.ts in its
 * `pipe` and `mux` modes: the runtime's floor for a proxy that forwards bytes unparsed
 * over a connection per client, and for one that shares an upstream connection as the
 * gateway does, both reading through BYOB readers).
 *
 * `gateway=DIR` is the gateway of the checkout in DIR (two builds compared in one run).
 *
 *   deno task bench:gateway [--runs 3] [--n 100000] [--clients 50] [--pipes 1,16]
 *     [--tests SET,GET,MGET] [--proxies gateway,floor,floor-mux,gateway=/work/main]
 */

import { parseArgs } from "node:util";
import { cpuOf, freePort, redisCli, waitForPing } from "./processes.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    runs: { type: "string", default: "3" },
    n: { type: "string", default: "100000" },
    clients: { type: "string", default: "50" },
    proxies: { type: "string", default: "gateway" },
    pipes: { type: "string", default: "1,16" },
    tests: { type: "string", default: "SET,GET,MGET" },
  },
});
/** bench/floor_proxy.ts's mode for each floor proxy's name. */
const FLOOR_MODES: Record<string, string> = { floor: "pipe", "floor-mux": "mux" };
const PROXIES = values.proxies.split(",");
for (const p of PROXIES) {
  if (!p.startsWith("gateway") && !(p in FLOOR_MODES)) throw new Error(`unknown proxy ${p}`);
}
const TEST_NAMES = values.tests.split(",");
const PIPES = values.pipes.split(",").map(Number);
const RUNS = Number(values.runs);
const MGET_KEYS = Array.from({ length: 10 }, (_, i) => `key:${i}`);
const ALL_TESTS: [string, string[]][] = [
  ["SET", ["-t", "set"]],
  ["GET", ["-t", "get"]],
  ["MGET (10 keys)", ["MGET", ...MGET_KEYS]],
];
const TESTS = ALL_TESTS.filter(([name]) => TEST_NAMES.includes(name.split(" ")[0]));

async function bench(port: number, pipe: number, args: string[], n = values.n): Promise<number> {
  const out = await new Deno.Command("redis-benchmark", {
    args: [
      ..."-h 127.0.0.1 --csv -q".split(" "),
      ...["-p", String(port), "-n", n, "-c", values.clients, "-P", String(pipe)],
      ...args,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  const line = text.split("\n").find((l) => /^"[^"]+","[\d.]+"/.test(l) && !l.startsWith('"test"'));
  if (!out.success || line === undefined) throw new Error(`redis-benchmark failed: ${text}`);
  return Number(line.split('","')[1].replace(/"/g, ""));
}

const redisPort = freePort();
const dir = Deno.makeTempDirSync();
const redis = new Deno.Command("redis-server", {
  args: ["--port", String(redisPort), "--bind", "127.0.0.1", "--save", "", "--dir", dir],
  stdout: "null",
  stderr: "null",
}).spawn();
/** The Deno proxies measured, each started on a port of its own. */
function startProxy(kind: string): [string, number, Deno.ChildProcess] {
  const port = freePort();
  const upstream = `127.0.0.1:${redisPort}`;
  // `gateway=DIR`: the gateway of another checkout (an A/B of two builds in one run)
  const checkout = kind.startsWith("gateway=") ? `${kind.slice("gateway=".length)}/` : "";
  const args = kind.startsWith("gateway")
    ? ["run", "-A", `${checkout}main.ts`, "--ws-port", "off", "--save", ""]
      .concat(["--upstream", `redis://${upstream}`])
    : ["run", "-A", "bench/floor_proxy.ts", "--upstream", upstream, "--mode", FLOOR_MODES[kind]];
  const child = new Deno.Command("deno", {
    args: [...args, "--port", String(port)],
    stdout: "null",
    stderr: "null",
  }).spawn();
  const label = kind === "gateway"
    ? "respd gateway"
    : checkout !== ""
    ? `respd gateway (${checkout})`
    : `${kind} proxy`;
  return [label, port, child];
}
const denoProxies = PROXIES.map(startProxy);
const twemPort = freePort();
Deno.writeTextFileSync(
  `${dir}/nutcracker.yml`,
  `bench:\n  listen: 127.0.0.1:${twemPort}\n  redis: true\n  hash: fnv1a_64\n` +
    `  distribution: ketama\n  servers:\n   - 127.0.0.1:${redisPort}:1\n`,
);
const twem = new Deno.Command("nutcracker", {
  args: ["-c", `${dir}/nutcracker.yml`, "-s", String(freePort())],
  stdout: "null",
  stderr: "null",
}).spawn();
try {
  await waitForPing(redisPort, redis, "redis-server");
  for (const [label, port, child] of denoProxies) await waitForPing(port, child, label);
  await redisCli(redisPort, "MSET", ...MGET_KEYS.flatMap((k) => [k, "v"]));
  const targets: [string, number, Deno.ChildProcess][] = [
    ["redis (direct)", redisPort, redis],
    ["nutcracker", twemPort, twem],
    ...denoProxies,
  ];
  const proxies = targets.slice(1).map(([l]) => l);
  // untimed: every proxy's code is warm (respd's JIT) before the first measured run
  for (const [, port] of targets) {
    for (const [, args] of TESTS) await bench(port, 1, args, "10000");
  }
  console.log(`load average: ${Deno.readTextFileSync("/proc/loadavg").trim()}`);
  console.log(
    `test | P | direct ops/s | ${proxies.map((l) => `${l} ops/s`).join(" | ")} | ` +
      `${proxies.map((l) => `${l} µs CPU/req`).join(" | ")} | ` +
      denoProxies.map(([l]) => `${l} / nutcracker`).join(" | "),
  );
  for (const pipe of PIPES) {
    for (const [name, args] of TESTS) {
      const ops = new Map<string, number[]>();
      const cpu = new Map<string, number[]>();
      for (let r = 0; r < RUNS; r++) {
        for (const [label, port, child] of targets) {
          const before = cpuOf(child.pid).total;
          const rate = await bench(port, pipe, args);
          const used = cpuOf(child.pid).total - before;
          (ops.get(label) ?? ops.set(label, []).get(label)!).push(rate);
          (cpu.get(label) ?? cpu.set(label, []).get(label)!).push(used / Number(values.n) / 1000);
        }
      }
      const med = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
      const o = targets.map(([l]) => Math.round(med(ops.get(l)!)));
      const c = proxies.map((l) => med(cpu.get(l)!));
      const ratios = c.slice(1).map((x) => (x / c[0]).toFixed(2));
      console.log(
        `${name} | ${pipe} | ${o.join(" | ")} | ${c.map((x) => x.toFixed(1)).join(" | ")} | ` +
          ratios.join(" | "),
      );
    }
  }
  console.log(`load average: ${Deno.readTextFileSync("/proc/loadavg").trim()}`);
} finally {
  for (const child of [...denoProxies.map(([, , c]) => c), twem, redis]) {
    try {
      child.kill("SIGKILL");
    } catch {
      // gone already
    }
    await child.status;
  }
  Deno.removeSync(dir, { recursive: true });
}

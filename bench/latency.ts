/**
 * Latency under many clients (issue #20): redis-benchmark against a real redis-server and
 * respd in one run, interleaved (the order alternates per round), at each client count,
 * test and pipeline depth. Prints p50 / p99 / p99.9 / max in ms for both and respd's p99
 * ratio, and flags any request that waited 1 s or more. redis-benchmark's histogram stops
 * at 3 s, so a max of 3000.3 ms means "3 s or more".
 *
 *   deno task bench:latency [--clients 50,500,1000] [--tests get,set] [--pipelines 1,16]
 *       [--requests 100000] [--rounds 1]
 *       [--server "deno run -A main.ts --port {port} --ws-port off --save ''"]
 *       [--baseline "deno run -A /tmp/old/main.ts --port {port} --ws-port off --save ''"]
 *
 * `--baseline` adds a second respd (another build, other flags) to the same interleaved
 * run, for before/after figures from one host state.
 *
 * TCP only: redis-benchmark has no WebSocket mode (bench:ws measures WebSocket load).
 */

import { parseArgs } from "node:util";
import { freePort, waitForPing } from "./processes.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    clients: { type: "string", default: "50,500,1000" },
    tests: { type: "string", default: "get,set" },
    pipelines: { type: "string", default: "1,16" },
    requests: { type: "string", default: "100000" },
    rounds: { type: "string", default: "1" },
    server: { type: "string", default: "deno run -A main.ts --port {port} --ws-port off --save" },
    baseline: { type: "string" },
  },
});
const list = (s: string) => s.split(",").map((x) => x.trim()).filter((x) => x !== "");

interface Latency {
  rps: number;
  p50: number;
  p99: number;
  p999: number;
  max: number;
}

/** Parses redis-benchmark's percentile distribution and summary (non-CSV output). */
function parse(out: string): Latency {
  const text = out.replaceAll("\r", "\n");
  const summary =
    /avg\s+min\s+p50\s+p95\s+p99\s+max\s*\n\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)/
      .exec(text);
  const rps = /throughput summary: ([\d.]+) requests per second/.exec(text);
  if (!summary || !rps) throw new Error(`unexpected redis-benchmark output:\n${text.slice(-2000)}`);
  let p999 = Number(summary[6]);
  for (const m of text.matchAll(/^([\d.]+)% <= ([\d.]+) milliseconds/gm)) {
    if (Number(m[1]) >= 99.9) {
      p999 = Number(m[2]);
      break;
    }
  }
  return {
    rps: Number(rps[1]),
    p50: Number(summary[3]),
    p99: Number(summary[5]),
    p999,
    max: Number(summary[6]),
  };
}

async function benchmark(
  port: number,
  test: string,
  clients: number,
  pipeline: number,
): Promise<Latency> {
  const out = await new Deno.Command("redis-benchmark", {
    args: [
      "-p",
      String(port),
      "-c",
      String(clients),
      "-n",
      values.requests,
      "-t",
      test,
      "-r",
      "100000",
      "-d",
      "100",
      "-P",
      String(pipeline),
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  return parse(new TextDecoder().decode(out.stdout));
}

function start(command: string[], port: number, name: string) {
  const child = new Deno.Command(command[0], {
    args: command.slice(1),
    stdout: "null",
    stderr: "null",
  }).spawn();
  return { child, port, name, ready: waitForPing(port, child, name) };
}

const redisPort = freePort();
const redis = start(
  [
    "redis-server",
    "--port",
    String(redisPort),
    "--save",
    "",
    "--appendonly",
    "no",
  ],
  redisPort,
  "redis-server",
);
/** A respd command line with its port filled in (a trailing `--save` gets its empty value). */
function respdCommand(template: string, port: number): string[] {
  const command = template.replace("{port}", String(port)).split(" ");
  if (command.at(-1) === "--save") command.push("");
  return command;
}
const respdPort = freePort();
const respd = start(respdCommand(values.server, respdPort), respdPort, "respd");
const baselinePort = freePort();
const baseline = values.baseline === undefined
  ? null
  : start(respdCommand(values.baseline, baselinePort), baselinePort, "baseline");
const servers = baseline === null ? [redis, respd] : [redis, respd, baseline];
try {
  await Promise.all(servers.map((s) => s.ready));
  const f = (x: number) => x.toFixed(2).padStart(8);
  console.log(`# ${values.requests} requests per run, -r 100000 -d 100; latency in ms`);
  const head = (name: string) => ` | ${name.padStart(9)} p50      p99    p99.9      max`;
  console.log(
    `clients test  P${
      servers.map((s) => head(s.name === "redis-server" ? "redis" : s.name)).join("")
    }` +
      ` | p99 ratio${baseline === null ? "" : " (respd, baseline)"}`,
  );
  for (let round = 0; round < Number(values.rounds); round++) {
    for (const clients of list(values.clients).map(Number)) {
      for (const test of list(values.tests)) {
        for (const pipeline of list(values.pipelines).map(Number)) {
          // The order alternates per round, so neither server always runs on a warmer host.
          const order = round % 2 === 0 ? servers : [...servers].reverse();
          const got = new Map<string, Latency>();
          for (const server of order) {
            got.set(server.name, await benchmark(server.port, test, clients, pipeline));
          }
          const r = got.get("redis-server")!;
          const cells = servers.map((server) => {
            const l = got.get(server.name)!;
            return ` | ${f(l.p50)} ${f(l.p99)} ${f(l.p999)} ${f(l.max)}`;
          });
          const ratios = servers.slice(1).map((server) =>
            (got.get(server.name)!.p99 / r.p99).toFixed(2).padStart(6)
          );
          const waited = servers.slice(1).filter((server) => got.get(server.name)!.max >= 1000)
            .map((server) => server.name);
          console.log(
            `${String(clients).padStart(7)} ${test.padEnd(4)} ${String(pipeline).padStart(2)}` +
              `${cells.join("")} | ${ratios.join(" ")}${
                waited.length ? `  waited ≥ 1 s: ${waited.join(", ")}` : ""
              }`,
          );
        }
      }
    }
  }
} finally {
  for (const s of servers) {
    try {
      s.child.kill("SIGKILL");
    } catch {
      // already exited
    }
    await s.child.status;
  }
}

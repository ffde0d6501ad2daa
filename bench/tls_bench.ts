/**
 * TLS throughput, respd against a real redis-server, in one run: both get the same
 * certificate (made with openssl by tests/support/tls_certs.ts) on a TLS port, plaintext
 * ports off, and redis-benchmark --tls runs SET and GET against them interleaved (redis,
 * respd, redis, … so background load hits both alike). Prints the median ops/s of each per
 * test and pipeline depth, their ratio, the CPU each server spent per request, the host's
 * load average before and after, and a last line `ratio-min: X` (over TLS).
 *
 *   deno task bench:tls [--runs 3] [--n 100000] [--clients 50] [--tests set,get]
 *                       [--pipes 1,16] [--auth no|yes] [--plain yes]
 *
 * `--auth yes` makes both servers require client certificates (tls-auth-clients yes) and
 * redis-benchmark present one. `--plain yes` gives both servers a plaintext port too and
 * measures it in the same rounds, so the cost TLS adds to each server shows apart from the
 * cost of serving the commands.
 */

import { parseArgs } from "node:util";
import { cpuOf, freePort, median, redisBenchmarkCsv } from "./processes.ts";
import { makeTestCerts } from "../tests/support/tls_certs.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    runs: { type: "string", default: "3" },
    n: { type: "string", default: "100000" },
    clients: { type: "string", default: "50" },
    tests: { type: "string", default: "set,get" },
    pipes: { type: "string", default: "1,16" },
    auth: { type: "string", default: "no" },
    plain: { type: "string", default: "no" },
  },
});
const RUNS = Number(values.runs);
const PIPES = values.pipes.split(",").map(Number);
const AUTH = values.auth === "yes";
const PLAIN = values.plain === "yes";

await using certs = await makeTestCerts();
const tlsArgs = [
  "--tls-cert-file",
  certs.serverCert,
  "--tls-key-file",
  certs.serverKey,
  "--tls-ca-cert-file",
  certs.caCert,
  "--tls-auth-clients",
  AUTH ? "yes" : "no",
];
const clientTls = [
  "--tls",
  "--cacert",
  certs.caCert,
  ...(AUTH ? ["--cert", certs.clientCert, "--key", certs.clientKey] : []),
];

function loadAverage(): string {
  return Deno.readTextFileSync("/proc/loadavg").split(" ").slice(0, 3).join(" ");
}

async function cli(port: number, ...args: string[]): Promise<string> {
  const out = await new Deno.Command("redis-cli", {
    args: ["-p", String(port), ...clientTls, ...args],
    stdout: "piped",
    stderr: "null",
  }).output();
  return new TextDecoder().decode(out.stdout).trim();
}

async function waitForTlsPing(port: number, child: Deno.ChildProcess, what: string) {
  let exited = false;
  child.status.then(() => exited = true);
  for (let i = 0; i < 150; i++) {
    if (await cli(port, "ping") === "PONG") return;
    if (exited) throw new Error(`${what} exited before answering PING over TLS on ${port}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} did not answer PING over TLS on ${port} within 30s`);
}

function benchmark(port: number, pipe: number, tls: boolean): Promise<Map<string, number>> {
  return redisBenchmarkCsv([
    ...["-r", "100000", "-p", String(port), ...(tls ? clientTls : [])],
    ...["-t", values.tests, "-n", values.n, "-c", values.clients, "-P", String(pipe)],
  ]);
}

interface Target {
  label: string;
  port: number;
  /** The plaintext port (with --plain yes). */
  plainPort: number;
  child: Deno.ChildProcess;
  ops: Map<string, number[]>;
  cpu: Map<string, number[]>;
}

/** One redis-benchmark run: its ops/s per test and the server's CPU per request, keyed
 * by pipeline depth (and " plain" for the plaintext port). */
async function measure(target: Target, pipe: number, tls = true): Promise<void> {
  const before = cpuOf(target.child.pid).total;
  const rows = await benchmark(tls ? target.port : target.plainPort, pipe, tls);
  const after = cpuOf(target.child.pid).total;
  const suffix = tls ? "" : " plain";
  for (const [test, ops] of rows) {
    const key = `${test} P=${pipe}${suffix}`;
    target.ops.set(key, [...(target.ops.get(key) ?? []), ops]);
  }
  const perRequest = (after - before) / (rows.size * Number(values.n));
  const key = `P=${pipe}${suffix}`;
  target.cpu.set(key, [...(target.cpu.get(key) ?? []), perRequest]);
}

const redisPort = freePort();
const respdPort = freePort();
const redisPlain = PLAIN ? freePort() : 0;
const respdPlain = PLAIN ? freePort() : 0;
const root = new URL("..", import.meta.url).pathname;
const redisChild = new Deno.Command("redis-server", {
  args: [
    ...["--port", String(redisPlain), "--tls-port", String(redisPort), "--bind", "127.0.0.1"],
    ...["--save", "", "--appendonly", "no", ...tlsArgs],
  ],
  stdout: "null",
  stderr: "null",
}).spawn();
const respdChild = new Deno.Command(Deno.execPath(), {
  args: [
    ...["run", "-A", `${root}main.ts`, "--port", String(respdPlain)],
    ...["--tls-port", String(respdPort)],
    ...["--ws-port", "off", "--save", "", ...tlsArgs],
  ],
  cwd: root,
  env: { MALLOC_MMAP_THRESHOLD_: "131072" },
  stdout: "null",
  stderr: "null",
}).spawn();

try {
  await waitForTlsPing(redisPort, redisChild, "redis-server");
  await waitForTlsPing(respdPort, respdChild, "respd");
  const redis: Target = {
    label: "redis",
    port: redisPort,
    plainPort: redisPlain,
    child: redisChild,
    ops: new Map(),
    cpu: new Map(),
  };
  const respd: Target = {
    label: "respd",
    port: respdPort,
    plainPort: respdPlain,
    child: respdChild,
    ops: new Map(),
    cpu: new Map(),
  };
  console.log(
    `# TLS: redis-server --tls-port ${redisPort}, respd --tls-port ${respdPort}, ` +
      `tls-auth-clients ${AUTH ? "yes" : "no"}, P-256 certificate`,
  );
  console.log(
    `# runs=${RUNS} n=${values.n} c=${values.clients} tests=${values.tests} ` +
      `load average before: ${loadAverage()}`,
  );
  for (let run = 1; run <= RUNS; run++) {
    for (const pipe of PIPES) {
      await measure(redis, pipe);
      await measure(respd, pipe);
      if (PLAIN) {
        await measure(redis, pipe, false);
        await measure(respd, pipe, false);
      }
    }
  }
  console.log("test\tredis ops/s\trespd ops/s\tratio");
  let ratioMin = Infinity;
  for (const [key, runs] of respd.ops) {
    const tls = !key.endsWith(" plain");
    const r = median(redis.ops.get(key) ?? [0]);
    const d = median(runs);
    const ratio = d / r;
    if (tls) ratioMin = Math.min(ratioMin, ratio);
    console.log(`${key}\t${Math.round(r)}\t${Math.round(d)}\t${ratio.toFixed(2)}`);
  }
  for (const key of respd.cpu.keys()) {
    const r = median(redis.cpu.get(key)!) / 1000;
    const d = median(respd.cpu.get(key)!) / 1000;
    console.log(
      `# CPU per request ${key}: redis ${r.toFixed(2)} µs, respd ${d.toFixed(2)} µs ` +
        `(${(d / r).toFixed(2)}×)`,
    );
  }
  console.log(`# load average after: ${loadAverage()}`);
  console.log(`ratio-min: ${ratioMin.toFixed(2)}`);
} finally {
  for (const child of [redisChild, respdChild]) {
    try {
      child.kill("SIGKILL");
    } catch {
      // already exited
    }
    await child.status;
  }
}

/**
 * TLS throughput, respd against a real redis-server, in one run: both get the same
 * certificate (made with openssl by tests/support/tls_certs.ts) on a TLS port, plaintext
 * ports off, and redis-benchmark --tls runs SET and GET against them interleaved (redis,
 * respd, redis, … so background load hits both alike). Prints the median ops/s of each per
 * test and pipeline depth, their ratio, the CPU each server spent per request, the host's
 * load average before and after, and a last line `ratio-min: X` (over TLS).
 *
 *   deno task bench:tls [--runs 3] [--n 100000] [--clients 50] [--tests set,get]
 *                       [--pipes 1,16] [--auth no|yes] [--plain yes] [--server respd|floor]
 *                       [--ciphersuites TLS_AES_128_GCM_SHA256] [--keys 100000]
 *                       [--also-checkout DIR]
 *
 * `--also-checkout DIR` measures a second respd, DIR's main.ts (another checkout of respd, e.g.
 * `git worktree add /tmp/old <commit>`), in the same rounds: a change's before and after on
 * the same host in the same minutes, each as a ratio to the same Redis.
 *
 * `--auth yes` makes both servers require client certificates (tls-auth-clients yes) and
 * redis-benchmark present one. `--plain yes` gives both servers a plaintext port too and
 * measures it in the same rounds, so the cost TLS adds to each server shows apart from the
 * cost of serving the commands.
 *
 * `--server floor` measures bench/floor_server.ts (Deno's own TLS, `+PONG` to every `*`, no
 * parsing, no store) in respd's place: the runtime's TLS floor, what no Deno server can beat. It
 * answers every request alike, so give it `--tests ping_mbulk,get` (not `ping`: PING_INLINE has no
 * `*`); with `--plain yes` a second floor server serves plaintext. `--keys` is redis-benchmark's -r
 * (how many keys; 1: every request the same key). `--ciphersuites` is what the clients offer
 * (redis-benchmark's --tls-ciphersuites, TLS 1.3); both servers take the client's first choice
 * (TLS_AES_256_GCM_SHA384 by default, with an X25519 key exchange, on both). The CPU lines split
 * each server's CPU per request into user and system time.
 */

import { parseArgs } from "node:util";
import { cpuOf, freePort, median, redisBenchmarkCsv, waitForPing } from "./processes.ts";
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
    server: { type: "string", default: "respd" },
    ciphersuites: { type: "string" },
    keys: { type: "string", default: "100000" },
    "also-checkout": { type: "string" },
  },
});
const RUNS = Number(values.runs);
const PIPES = values.pipes.split(",").map(Number);
const AUTH = values.auth === "yes";
const PLAIN = values.plain === "yes";
const FLOOR = values.server === "floor";
if (!FLOOR && values.server !== "respd") throw new Error("--server is respd or floor");
if (FLOOR && AUTH) throw new Error("the floor server asks for no client certificates");

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
  ...(values.ciphersuites === undefined ? [] : ["--tls-ciphersuites", values.ciphersuites]),
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
    ...(values.keys === "1" ? [] : ["-r", values.keys]),
    ...["-p", String(port), ...(tls ? clientTls : [])],
    ...["-t", values.tests, "-n", values.n, "-c", values.clients, "-P", String(pipe)],
  ]);
}

interface Target {
  label: string;
  port: number;
  /** The plaintext port (with --plain yes). */
  plainPort: number;
  child: Deno.ChildProcess;
  /** The process serving the plaintext port (the same one, but for the floor). */
  plainChild: Deno.ChildProcess;
  ops: Map<string, number[]>;
  /** CPU per request in ns: total, user and system. */
  cpu: Map<string, { total: number; user: number; sys: number }[]>;
}

/** One redis-benchmark run: its ops/s per test and the server's CPU per request, keyed
 * by pipeline depth (and " plain" for the plaintext port). */
async function measure(target: Target, pipe: number, tls = true): Promise<void> {
  const pid = (tls ? target.child : target.plainChild).pid;
  const before = cpuOf(pid);
  const rows = await benchmark(tls ? target.port : target.plainPort, pipe, tls);
  const after = cpuOf(pid);
  const suffix = tls ? "" : " plain";
  for (const [test, ops] of rows) {
    const key = `${test} P=${pipe}${suffix}`;
    target.ops.set(key, [...(target.ops.get(key) ?? []), ops]);
  }
  const requests = rows.size * Number(values.n);
  const perRequest = {
    total: (after.total - before.total) / requests,
    user: (after.user - before.user) / requests,
    sys: (after.sys - before.sys) / requests,
  };
  const key = `P=${pipe}${suffix}`;
  target.cpu.set(key, [...(target.cpu.get(key) ?? []), perRequest]);
}

const ALSO = values["also-checkout"];
if (ALSO !== undefined && FLOOR) throw new Error("--also-checkout compares respd with respd");
const redisPort = freePort();
const respdPort = freePort();
const alsoPort = ALSO === undefined ? 0 : freePort();
const alsoPlain = ALSO !== undefined && PLAIN ? freePort() : 0;
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
function spawnDeno(args: string[]): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", ...args],
    cwd: root,
    env: { MALLOC_MMAP_THRESHOLD_: "131072" },
    stdout: "null",
    stderr: "null",
  }).spawn();
}
const floorServer = `${root}bench/floor_server.ts`;
/** respd from the checkout at `dir` on TLS port `port` (and `plain`: 0, none). */
function spawnRespd(dir: string, port: number, plain: number): Deno.ChildProcess {
  return spawnDeno([
    ...[`${dir}/main.ts`, "--port", String(plain), "--tls-port", String(port)],
    ...["--ws-port", "off", "--save", "", ...tlsArgs],
  ]);
}
const respdChild = FLOOR
  ? spawnDeno([
    ...[floorServer, "--port", String(respdPort)],
    ...["--tls-cert", certs.serverCert, "--tls-key", certs.serverKey],
  ])
  : spawnRespd(root, respdPort, respdPlain);
const alsoChild = ALSO === undefined ? null : spawnRespd(ALSO, alsoPort, alsoPlain);
const respdPlainChild = FLOOR && PLAIN
  ? spawnDeno([floorServer, "--port", String(respdPlain)])
  : respdChild;
const LABEL = FLOOR ? "floor" : "respd";

try {
  await waitForTlsPing(redisPort, redisChild, "redis-server");
  await waitForTlsPing(respdPort, respdChild, LABEL);
  if (respdPlainChild !== respdChild) await waitForPing(respdPlain, respdPlainChild, "floor");
  const redis: Target = {
    label: "redis",
    port: redisPort,
    plainPort: redisPlain,
    child: redisChild,
    plainChild: redisChild,
    ops: new Map(),
    cpu: new Map(),
  };
  const respd: Target = {
    label: LABEL,
    port: respdPort,
    plainPort: respdPlain,
    child: respdChild,
    plainChild: respdPlainChild,
    ops: new Map(),
    cpu: new Map(),
  };
  const targets = [respd];
  if (alsoChild !== null) {
    await waitForTlsPing(alsoPort, alsoChild, `respd of ${ALSO}`);
    targets.push({
      label: "also",
      port: alsoPort,
      plainPort: alsoPlain,
      child: alsoChild,
      plainChild: alsoChild,
      ops: new Map(),
      cpu: new Map(),
    });
  }
  console.log(
    `# TLS: redis-server --tls-port ${redisPort}, ${LABEL} on TLS port ${respdPort}, ` +
      (alsoChild === null ? "" : `also (${ALSO}) on ${alsoPort}, `) +
      `tls-auth-clients ${AUTH ? "yes" : "no"}, P-256 certificate`,
  );
  console.log(
    `# runs=${RUNS} n=${values.n} c=${values.clients} keys=${values.keys} tests=${values.tests} ` +
      `load average before: ${loadAverage()}`,
  );
  for (let run = 1; run <= RUNS; run++) {
    for (const pipe of PIPES) {
      await measure(redis, pipe);
      for (const t of targets) await measure(t, pipe);
      if (PLAIN) {
        await measure(redis, pipe, false);
        for (const t of targets) await measure(t, pipe, false);
      }
    }
  }
  let ratioMin = Infinity;
  const us = (
    runs: { total: number; user: number; sys: number }[],
    part: "total" | "user" | "sys",
  ) => median(runs.map((c) => c[part])) / 1000;
  for (const target of targets) {
    console.log(`test\tredis ops/s\t${target.label} ops/s\tratio`);
    for (const [key, runs] of target.ops) {
      const tls = !key.endsWith(" plain");
      const r = median(redis.ops.get(key) ?? [0]);
      const d = median(runs);
      const ratio = d / r;
      if (tls && target === respd) ratioMin = Math.min(ratioMin, ratio);
      console.log(`${key}\t${Math.round(r)}\t${Math.round(d)}\t${ratio.toFixed(2)}`);
    }
    for (const key of target.cpu.keys()) {
      const r = redis.cpu.get(key)!;
      const d = target.cpu.get(key)!;
      const split = (runs: typeof r) =>
        `(user ${us(runs, "user").toFixed(2)}, sys ${us(runs, "sys").toFixed(2)})`;
      console.log(
        `# CPU per request ${key}: redis ${us(r, "total").toFixed(2)} µs ${split(r)}, ` +
          `${target.label} ${us(d, "total").toFixed(2)} µs ${split(d)} ` +
          `(${(us(d, "total") / us(r, "total")).toFixed(2)}×)`,
      );
    }
  }
  console.log(`# load average after: ${loadAverage()}`);
  console.log(`ratio-min: ${ratioMin.toFixed(2)}`);
} finally {
  for (const child of new Set([redisChild, respdChild, respdPlainChild, alsoChild])) {
    if (child === null) continue;
    try {
      child.kill("SIGKILL");
    } catch {
      // already exited
    }
    await child.status;
  }
}

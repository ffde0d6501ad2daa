/**
 * What the ACL check costs: redis-benchmark GET and SET at P=16 against one respd, run as
 * the default user (allowed everything: the check is skipped) and as a restricted user
 * (`~key:*` among other patterns, a few categories: every command's name, key and access
 * are checked), interleaved over RUNS runs. Reports ops/s and the server's CPU per request
 * (all threads, from /proc) for both, and the restricted/default ratio; the same for
 * redis-server, for scale (its own ACL cost).
 *
 *   deno task bench:acl [--runs 5] [--requests 200000] [--clients 50]
 */

import { parseArgs } from "node:util";
import { cpuOf, median, redisCli, startRedisAndRespd } from "./processes.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    runs: { type: "string", default: "5" },
    requests: { type: "string", default: "200000" },
    clients: { type: "string", default: "50" },
  },
});
const RUNS = Number(values.runs);
const N = Number(values.requests);
const CLIENTS = Number(values.clients);

/** The restricted user: several key patterns (the match is the last), a few categories. */
const RULES = [
  "on",
  ">pw",
  "~session:*",
  "~user:*",
  "%R~config:*",
  "~key:*",
  "resetchannels",
  "&news",
  "-@all",
  "+@read",
  "+@write",
  "+@connection",
  "-@dangerous",
];

interface Result {
  ops: number;
  cpuNs: number;
}

async function benchmark(port: number, pid: number, test: string, user: boolean): Promise<Result> {
  const args = ["-p", String(port), "-t", test, "-P", "16", "-n", String(N), "-c", String(CLIENTS)];
  args.push("-r", "100000", "-q", "--csv");
  if (user) args.push("--user", "bench", "-a", "pw");
  const before = cpuOf(pid).total;
  const out = await new Deno.Command("redis-benchmark", { args, stdout: "piped", stderr: "null" })
    .output();
  const cpu = cpuOf(pid).total - before;
  const text = new TextDecoder().decode(out.stdout);
  const line = text.split("\n").find((l) => l.startsWith(`"${test.toUpperCase()}"`));
  if (line === undefined) throw new Error(`no ${test} line in: ${text}`);
  return { ops: Number(line.split(",")[1].replaceAll('"', "")), cpuNs: cpu / N };
}

async function measure(name: string, port: number, pid: number): Promise<void> {
  await redisCli(port, "ACL", "SETUSER", "bench", ...RULES);
  for (const test of ["get", "set"]) {
    await benchmark(port, pid, test, false); // warm-up (JIT)
    await benchmark(port, pid, test, true);
    const plain: Result[] = [], acl: Result[] = [];
    for (let i = 0; i < RUNS; i++) {
      plain.push(await benchmark(port, pid, test, false));
      acl.push(await benchmark(port, pid, test, true));
    }
    const ops = (rs: Result[]) => median(rs.map((r) => r.ops));
    const cpu = (rs: Result[]) => median(rs.map((r) => r.cpuNs));
    console.log(
      `${name} ${test.toUpperCase()} P=16: default ${ops(plain).toFixed(0)} ops/s ` +
        `${cpu(plain).toFixed(0)} ns CPU/req; restricted ${ops(acl).toFixed(0)} ops/s ` +
        `${cpu(acl).toFixed(0)} ns CPU/req; ratio ops ${(ops(acl) / ops(plain)).toFixed(3)}, ` +
        `CPU ${(cpu(acl) / cpu(plain)).toFixed(3)}`,
    );
  }
}

await using servers = await startRedisAndRespd();
const { redis, respd } = servers;
console.log(`${RUNS} runs, ${N} requests, ${CLIENTS} clients, medians`);
await measure("respd       ", respd.port, respd.pid);
await measure("redis-server", redis.port, redis.pid);

/**
 * What the benchmark scripts that start servers share: a free loopback port, redis-cli, a
 * wait until a started server answers PING, and the CPU a process has used (all threads,
 * from /proc). One copy, so every script measures and waits the same way.
 */

const TICK_NS = 1e9 / 100; // USER_HZ is 100 on Linux

/** A port nothing listens on right now. */
export function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/** `redis-cli -p port args...`, its output trimmed ("" when nothing answered). */
export async function redisCli(port: number, ...args: string[]): Promise<string> {
  const out = await new Deno.Command("redis-cli", {
    args: ["-p", String(port), ...args],
    stdout: "piped",
    stderr: "null",
  }).output();
  return new TextDecoder().decode(out.stdout).trim();
}

/** Waits (up to `seconds`) until `child`, named `what`, answers PING on `port`; throws if it exits. */
export async function waitForPing(
  port: number,
  child: Deno.ChildProcess,
  what: string,
  seconds = 30,
): Promise<void> {
  let exited = false;
  child.status.then(() => exited = true);
  for (let i = 0; i < seconds * 5; i++) {
    if (await redisCli(port, "ping") === "PONG") return;
    if (exited) throw new Error(`${what} exited before answering PING on port ${port}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} did not answer PING on port ${port} within ${seconds}s`);
}

/** CPU used so far by a process and all its threads, in ns: total (schedstat), user and system. */
export function cpuOf(pid: number): { total: number; user: number; sys: number } {
  let total = 0, user = 0, sys = 0;
  for (const task of Deno.readDirSync(`/proc/${pid}/task`)) {
    const dir = `/proc/${pid}/task/${task.name}`;
    try {
      total += Number(Deno.readTextFileSync(`${dir}/schedstat`).split(" ")[0]);
      // fields after "pid (comm) ": utime is the 12th, stime the 13th
      const stat = Deno.readTextFileSync(`${dir}/stat`);
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      user += Number(f[11]) * TICK_NS;
      sys += Number(f[12]) * TICK_NS;
    } catch {
      // the thread ended between listing and reading
    }
  }
  return { total, user, sys };
}

/**
 * One redis-benchmark run against 127.0.0.1 with `--csv` and `args` (port, tests, -n, -c,
 * -P, …): ops/s per test, by the test's name without a parenthesised note ("MSET (10
 * keys)" → "MSET"). Throws with the end of its error output when it fails.
 */
export async function redisBenchmarkCsv(args: string[]): Promise<Map<string, number>> {
  const out = await new Deno.Command("redis-benchmark", {
    args: ["-h", "127.0.0.1", "--csv", ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    throw new Error(`redis-benchmark failed: ${new TextDecoder().decode(out.stderr).slice(-300)}`);
  }
  const rows = new Map<string, number>();
  for (const line of new TextDecoder().decode(out.stdout).split("\n").slice(1)) {
    const cells = line.split('","');
    if (cells.length < 2) continue;
    rows.set(cells[0].replace(/^"/, "").replace(/ \(.*/, ""), Number(cells[1]));
  }
  return rows;
}

/** The middle value (the mean of the two middle ones for an even count). */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export interface Started {
  readonly port: number;
  readonly pid: number;
}

/** Starts `command` (run by bash, `{port}` replaced by `port`); its pid is the server's own. */
function spawnServer(command: string, port: number): Deno.ChildProcess {
  return new Deno.Command("bash", {
    args: ["-c", `exec ${command.replaceAll("{port}", String(port))}`],
    stdout: "null",
    stderr: "null",
  }).spawn();
}

/**
 * A redis-server and a respd (`main.ts`, no WebSocket port, no save points) on free ports,
 * each answering PING; disposing of them kills them all. `server`, when given, is another
 * command to run in respd's place (run by bash; `{port}` is replaced by its port), e.g. a
 * floor server (bench/floor_server.ts) or another build; `others` are more such commands,
 * started beside them (`others` in the result, in that order), so one run can measure them
 * interleaved with the first two.
 */
export async function startRedisAndRespd(server?: string, others: string[] = []): Promise<
  { redis: Started; respd: Started; others: Started[] } & AsyncDisposable
> {
  const redisPort = freePort();
  const redis = new Deno.Command("redis-server", {
    args: ["--port", String(redisPort), "--save", "", "--appendonly", "no"],
    stdout: "null",
    stderr: "null",
  }).spawn();
  const respdPort = freePort();
  const respd = server === undefined
    ? new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        new URL("../main.ts", import.meta.url).pathname,
        "--port",
        String(respdPort),
        "--ws-port",
        "off",
        "--save",
        "",
      ],
      stdout: "null",
      stderr: "null",
    }).spawn()
    : spawnServer(server, respdPort);
  const extra = others.map((command) => {
    const port = freePort();
    return { port, child: spawnServer(command, port) };
  });
  const children = [redis, respd, ...extra.map((e) => e.child)];
  const stop = async () => {
    for (const child of children) {
      try {
        child.kill("SIGKILL");
      } catch { /* already gone */ }
    }
    await Promise.all(children.map((c) => c.status));
  };
  try {
    await waitForPing(redisPort, redis, "redis-server");
    await waitForPing(respdPort, respd, "respd");
    for (const [i, e] of extra.entries()) await waitForPing(e.port, e.child, others[i]);
  } catch (e: unknown) {
    await stop();
    throw e;
  }
  return {
    redis: { port: redisPort, pid: redis.pid },
    respd: { port: respdPort, pid: respd.pid },
    others: extra.map((e) => ({ port: e.port, pid: e.child.pid })),
    [Symbol.asyncDispose]: stop,
  };
}

/** A server a bench measures beside redis-server. */
export interface BenchTarget extends Started {
  readonly label: string;
  /** The command it was started with (`--server`, `--also`); undefined for respd itself. */
  readonly cmd?: string;
}

/**
 * What `startRedisAndRespd(server, also)` started besides redis-server, as targets: respd
 * (or `server`), then each of `also`; their pids are printed (for a profiler to attach).
 */
export function benchTargets(
  servers: { redis: Started; respd: Started; others: Started[] },
  server: string | undefined,
  also: string[],
): BenchTarget[] {
  const targets: BenchTarget[] = [
    { label: "respd", cmd: server, ...servers.respd },
    ...servers.others.map((o, i) => ({ label: `also ${i + 1}`, cmd: also[i], ...o })),
  ];
  console.log(`# redis-server pid ${servers.redis.pid}`);
  for (const t of targets) console.log(`# ${t.label} pid ${t.pid}${t.cmd ? ` (${t.cmd})` : ""}`);
  return targets;
}

/**
 * Measures `load` (a server's CPU ns per operation) on redis-server and each target in
 * `runs` interleaved rounds, after one unmeasured round per target (JIT warm-up), and
 * prints each one's median in µs per `unit` and its ratio to redis-server's.
 */
export async function compareInterleaved(
  redis: Started,
  targets: BenchTarget[],
  runs: number,
  unit: string,
  load: (server: Started) => Promise<number>,
): Promise<void> {
  for (const t of targets) await load(t);
  const r: number[] = [];
  const d = targets.map(() => [] as number[]);
  for (let i = 0; i < runs; i++) {
    r.push(await load(redis));
    for (const [k, t] of targets.entries()) d[k].push(await load(t));
  }
  const mr = median(r);
  const us = (xs: number[]) => xs.map((x) => (x / 1000).toFixed(1)).join(", ");
  console.log(`  redis-server: ${(mr / 1000).toFixed(1)} µs CPU per ${unit} (runs: ${us(r)})`);
  for (const [k, t] of targets.entries()) {
    const md = median(d[k]);
    console.log(
      `  ${(t.label + ":").padEnd(13)} ${(md / 1000).toFixed(1)} µs CPU per ${unit} ` +
        `(runs: ${us(d[k])}), ratio to redis ${(md / mr).toFixed(2)}`,
    );
  }
}

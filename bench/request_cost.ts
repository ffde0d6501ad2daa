/**
 * respd's own JavaScript cost per request, without sockets: redis-benchmark's exact request
 * bytes for each test, 16 per batch as with `-P 16`, parsed by a session's RequestParser and
 * run through `Session.execute`, then the replies cleared; timed in this process's CPU time
 * (user + system), so other work on the machine adds little. Over loopback this work hides
 * under the runtime's and the kernel's, and the machine's noise swamps it; in one process it
 * is steady to a few percent, so it tells which test pays more and why (profile it with
 * `--cpu-prof`). Prints, per test, the best round and the mean of all rounds (the mean
 * includes GC and, for LPUSH, the list's growth). `set-r` and `get-r` draw every key from
 * 100,000 (as `-r 100000`), where the cache of recent arguments cannot help; `sadd-r`,
 * `sismember-r`, `hset-r` and `hget-r` do the same to one set and one hash (their large forms).
 *
 * `evalsha` and `evalsha5` are bench:scripting's EVALSHA of one `redis.call('INCR')` and of
 * five calls.
 *
 * With `--appendonly always|everysec` the writes also go to an AOF in a temporary directory,
 * and after every 32 batches the AOF buffer is written and (always) fdatasynced, as the
 * server does once per event-loop turn for every client served in it (~30-40 batches of 16
 * with 50 clients at -P 16, counted with strace): the AOF's own cost per request.
 *
 *   deno run -A bench/request_cost.ts [--tests set,get,incr,lpush,mset,set-r,get-r] [--rounds 15]
 *                                     [--appendonly no|everysec|always] [--prefetch yes|no]
 *
 * Each batch's keys are prefetched first, as the session does (store/key_prefetch.ts);
 * `--prefetch no` leaves that out, to see what it saves or costs.
 */

import process from "node:process";
import { parseArgs } from "node:util";
import { createHash } from "node:crypto";
import { Server } from "../src/server.ts";
import { Session } from "../src/session.ts";
import type { Transport } from "../src/transport/transport.ts";
import { prefetchRequestKeys } from "../src/store/key_prefetch.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    tests: { type: "string", default: "set,get,incr,lpush,mset,set-r,get-r" },
    rounds: { type: "string", default: "15" },
    batches: { type: "string", default: "20000" },
    appendonly: { type: "string", default: "no" },
    prefetch: { type: "string", default: "yes" },
  },
});

function frame(...args: string[]): string {
  return `*${args.length}\r\n` + args.map((s) => `$${s.length}\r\n${s}\r\n`).join("");
}

/** The scripts of `deno task bench:scripting`, loaded before the tests (SCRIPT LOAD). */
const SCRIPTS = {
  incr: "return redis.call('INCR', KEYS[1])",
  five: "redis.call('INCR', KEYS[1]) redis.call('GET', KEYS[1]) " +
    "redis.call('SET', KEYS[2], ARGV[1]) redis.call('GET', KEYS[2]) " +
    "return redis.call('INCR', KEYS[1])",
};

function sha1(s: string): string {
  return createHash("sha1").update(s).digest("hex");
}

/** redis-benchmark's commands (without -r, its keys are literally `__rand_int__`). */
const REQUESTS: Record<string, string | (() => string)> = {
  ping: frame("PING"),
  set: frame("SET", "key:__rand_int__", "xxx"),
  get: frame("GET", "key:__rand_int__"),
  incr: frame("INCR", "counter:__rand_int__"),
  lpush: frame("LPUSH", "mylist", "xxx"),
  hset: frame("HSET", "myhash", "element:__rand_int__", "xxx"),
  sadd: frame("SADD", "myset", "element:__rand_int__"),
  spop: frame("SPOP", "myset"),
  zadd: frame("ZADD", "myzset", "0", "element:__rand_int__"),
  zpopmin: frame("ZPOPMIN", "myzset"),
  xadd: frame("XADD", "s", "*", "f", "v"),
  xrange: frame("XRANGE", "s", "-", "+", "COUNT", "100"),
  // one "request" = a transaction of three commands (five requests), or the same without one
  multi: frame("MULTI") + frame("SET", "key:1", "xxx") + frame("INCR", "counter:1") +
    frame("GET", "key:1") + frame("EXEC"),
  "no-multi": frame("PING") + frame("SET", "key:1", "xxx") + frame("INCR", "counter:1") +
    frame("GET", "key:1") + frame("PING"),
  evalsha: frame("EVALSHA", sha1(SCRIPTS.incr), "1", "counter"),
  evalsha5: frame("EVALSHA", sha1(SCRIPTS.five), "2", "counter", "other", "value"),
  mset: frame("MSET", ...Array.from({ length: 10 }, () => ["key:__rand_int__", "xxx"]).flat()),
  // As `-r 100000`: every request a key of 100,000 (redis-benchmark's 12-digit form).
  "set-r": () => frame("SET", `key:${randomDigits()}`, "xxx"),
  "get-r": () => frame("GET", `key:${randomDigits()}`),
  // The large forms (hashtable): one set and one hash growing to 100,000 members/fields.
  "sadd-r": () => frame("SADD", "myset-r", `element:${randomDigits()}`),
  "sismember-r": () => frame("SISMEMBER", "myset-r", `element:${randomDigits()}`),
  "hset-r": () => frame("HSET", "myhash-r", `element:${randomDigits()}`, "xxx"),
  "hget-r": () => frame("HGET", "myhash-r", `element:${randomDigits()}`),
};

function randomDigits(): string {
  return String(Math.floor(Math.random() * 100_000)).padStart(12, "0");
}

/** The batches a test cycles through: one for a fixed request, 4096 for random keys. */
function batchesOf(request: string | (() => string)): Uint8Array[] {
  const encoder = new TextEncoder();
  if (typeof request === "string") return [encoder.encode(request.repeat(16))];
  return Array.from(
    { length: 4096 },
    () => encoder.encode(Array.from({ length: 16 }, request).join("")),
  );
}

/** A connection that is never read or written: only `execute` is driven. */
const idle: Transport = {
  kind: "tcp",
  readable: new ReadableStream(),
  write: () => Promise.resolve(),
  close() {},
  abort() {},
  closed: Promise.resolve(),
  remoteAddress: "127.0.0.1:0",
  localAddress: "127.0.0.1:0",
};

/** This process's CPU time so far, in µs: unlike the wall clock, other processes on a busy
 * machine do not add to it. */
function cpuMicros(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

const fsync = values.appendonly;
if (!["no", "everysec", "always"].includes(fsync)) throw new Error(`--appendonly ${fsync}?`);
const dir = await Deno.makeTempDir();
const server = new Server({
  port: 0,
  dir,
  save: [],
  appendonly: fsync !== "no",
  appendfsync: fsync === "always" ? "always" : "everysec",
});
if (fsync !== "no") server.aof.start();
const session = new Session(server, idle, 1);
/** Batches served per event-loop turn, as measured at -P 16 with 50 clients. */
const BATCHES_PER_TURN = 32;
// as a listening server does: the access clock (LRU/LFU) read from a 100 ms cache
server.keyspace.access.start();
for (const body of Object.values(SCRIPTS)) session.execute(["SCRIPT", "LOAD", body]);
session.reply.clear();
const rounds = Number(values.rounds), batches = Number(values.batches);
const PREFETCH = values.prefetch !== "no";

for (const test of values.tests.split(",")) {
  const request = REQUESTS[test];
  if (request === undefined) throw new Error(`unknown test ${test}`);
  const inputs = batchesOf(request);
  server.keyspace.dbs[0].clear();
  let best = Infinity, total = 0;
  for (let r = 0; r < rounds; r++) {
    const t0 = cpuMicros();
    for (let b = 0; b < batches; b++) {
      const bytes = inputs[b % inputs.length];
      let pos = 0;
      // as the session serves one read: its keys prefetched, one clock reading starts it
      if (PREFETCH) prefetchRequestKeys(bytes, 0, bytes.length, session.db);
      server.pipeline.beginBatch(performance.now());
      while (pos < bytes.length) {
        const start = pos;
        pos = session.parser.parse(bytes, pos, bytes.length);
        session.executeRequest(bytes, start, pos);
      }
      server.pipeline.endBatch();
      session.reply.clear();
      if (fsync !== "no" && b % BATCHES_PER_TURN === BATCHES_PER_TURN - 1) {
        await server.persistenceObserver.replyBarrier(session);
      }
    }
    const ns = (cpuMicros() - t0) * 1e3 / (batches * 16);
    best = Math.min(best, ns);
    total += ns;
  }
  console.log(
    `${test.padEnd(6)} best ${best.toFixed(0)} ns/request, mean ${(total / rounds).toFixed(0)}`,
  );
}
server.keyspace.access.stop();
await server.aof.stop();
await Deno.remove(dir, { recursive: true });

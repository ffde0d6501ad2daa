/**
 * Libraries built on Lua scripts, unmodified, against respd on port 0: ioredis's
 * `defineCommand` (EVALSHA, falling back to EVAL on NOSCRIPT), node-redis's scripts and
 * functions, rate-limiter-flexible's `RateLimiterRedis` (consuming until it rejects) and
 * redlock (acquire, extend, release, and a second lock refused while the first is held).
 * BullMQ: its queue side (add, delayed and prioritized jobs, counts, pause, obliterate: its
 * Lua scripts), a Worker (waiting with BZPOPMIN) and the whole scenario with QueueEvents
 * (XREAD BLOCK), checked against redis-server too; the last one names what respd lacks and
 * skips should a command it needs go missing.
 */

import { Redis } from "ioredis";
import { createClient } from "redis";
import { RateLimiterRedis } from "rate-limiter-flexible";
import Redlock from "redlock";
import { assert, assertEquals } from "./support/assert.ts";
import { startRedis, startTestServer } from "./support/servers.ts";
import { RawClient } from "./support/raw_client.ts";
import { lookupCommand } from "../src/commands/registry.ts";

Deno.test("ioredis defineCommand runs a script by EVALSHA, loading it with EVAL first", async () => {
  await using server = startTestServer();
  const redis = new Redis({ port: server.port, host: "127.0.0.1", lazyConnect: true });
  await redis.connect();
  try {
    redis.defineCommand("incrCapped", {
      numberOfKeys: 1,
      lua: `
        local v = tonumber(redis.call('GET', KEYS[1]) or '0')
        if v >= tonumber(ARGV[1]) then return redis.error_reply('CAPPED at ' .. ARGV[1]) end
        return redis.call('INCR', KEYS[1])`,
    });
    // deno-lint-ignore no-explicit-any
    const r = redis as any;
    assertEquals(await r.incrCapped("n", 3), 1);
    assertEquals(await r.incrCapped("n", 3), 2);
    assertEquals(await r.incrCapped("n", 3), 3);
    let error = "";
    await r.incrCapped("n", 3).catch((e: Error) => (error = e.message));
    assertEquals(error, "CAPPED at 3");
    // A flushed cache: ioredis sees NOSCRIPT and resends the body with EVAL.
    await redis.script("FLUSH");
    assertEquals(await r.incrCapped("m", 5), 1);
    // Pipelined script calls.
    // deno-lint-ignore no-explicit-any
    const pipeline = redis.pipeline() as any;
    const results: [Error | null, unknown][] = await pipeline.incrCapped("p", 10)
      .incrCapped("p", 10).exec();
    assertEquals(results.map(([, v]) => v), [1, 2]);
    // Replies of every shape come back as ioredis decodes Redis's.
    assertEquals(
      await redis.eval("return {1, 'two', {3, {ok='four'}}, false}", 0),
      [1, "two", [3, "four"], null],
    );
  } finally {
    redis.disconnect();
  }
});

Deno.test("node-redis scripts and functions", async () => {
  await using server = startTestServer();
  const { defineScript } = await import("redis");
  const client = createClient({
    socket: { port: server.port, host: "127.0.0.1" },
    scripts: {
      add: defineScript({
        NUMBER_OF_KEYS: 1,
        SCRIPT: "return redis.call('INCRBY', KEYS[1], ARGV[1])",
        parseCommand(
          parser: { pushKey(k: string): void; push(...a: string[]): void },
          key: string,
          n: number,
        ) {
          parser.pushKey(key);
          parser.push(String(n));
        },
        transformReply: (reply: unknown) => reply as number,
      }),
    },
  });
  await client.connect();
  try {
    assertEquals(await client.add("counter", 5), 5);
    assertEquals(await client.add("counter", 7), 12);
    assertEquals(
      await client.eval("return ARGV[1] .. KEYS[1]", { keys: ["k"], arguments: ["a"] }),
      "ak",
    );
    await client.sendCommand([
      "FUNCTION",
      "LOAD",
      "#!lua name=mylib\nredis.register_function{function_name='hi', callback=function(keys, args) return 'hi ' .. args[1] end, flags={'no-writes'}}",
    ]);
    assertEquals(await client.fCall("hi", { keys: [], arguments: ["there"] }), "hi there");
    assertEquals(await client.fCallRo("hi", { keys: [], arguments: ["ro"] }), "hi ro");
  } finally {
    await client.close();
  }
});

Deno.test("rate-limiter-flexible RateLimiterRedis consumes points until it rejects", async () => {
  await using server = startTestServer();
  const redis = new Redis({ port: server.port, host: "127.0.0.1", enableOfflineQueue: false });
  await new Promise((resolve) => redis.once("ready", resolve));
  try {
    const limiter = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: "rl",
      points: 3,
      duration: 60,
    });
    const first = await limiter.consume("user-1");
    assertEquals(first.remainingPoints, 2);
    await limiter.consume("user-1");
    const third = await limiter.consume("user-1");
    assertEquals(third.remainingPoints, 0);
    let rejected: { remainingPoints: number; msBeforeNext: number } | null = null;
    await limiter.consume("user-1").catch((r) => (rejected = r));
    assert(rejected !== null, "the fourth point must be rejected");
    const res = rejected as { remainingPoints: number; msBeforeNext: number };
    assertEquals(res.remainingPoints, 0);
    assert(res.msBeforeNext > 0 && res.msBeforeNext <= 60_000, `msBeforeNext ${res.msBeforeNext}`);
    // Another key has its own budget; the store holds the counter with a TTL.
    assertEquals((await limiter.consume("user-2")).remainingPoints, 2);
    assert((await redis.pttl("rl:user-1")) > 0);
  } finally {
    redis.disconnect();
  }
});

Deno.test("redlock acquires, extends and releases a lock; a second acquire waits its turn", async () => {
  await using server = startTestServer();
  const redis = new Redis({ port: server.port, host: "127.0.0.1" });
  try {
    const redlock = new Redlock([redis], { retryCount: 0 });
    const lock = await redlock.acquire(["orders:42"], 5000);
    assertEquals(await redis.get("orders:42"), lock.value);
    let refused = false;
    await redlock.acquire(["orders:42"], 5000).catch(() => (refused = true));
    assert(refused, "a held lock must not be acquired twice");
    const extended = await lock.extend(10_000);
    const ttl = await redis.pttl("orders:42");
    assert(ttl > 5000 && ttl <= 10_000, `ttl after extend: ${ttl}`);
    await extended.release();
    assertEquals(await redis.exists("orders:42"), 0);
    const again = await redlock.acquire(["orders:42"], 1000);
    await again.release();
  } finally {
    redis.disconnect();
  }
});

/**
 * The commands BullMQ 6's Lua scripts call (read from its scripts), plus BZPOPMIN, which its
 * workers wait on: the test runs once respd has them all.
 */
const BULLMQ_NEEDS = (
  "zrem zadd xadd hget exists del hset zscore set hmget llen zrange get srem scard incr " +
  "zrangebylex pexpireat lrem hmset unlink lrange pttl sadd pexpire hincrby hdel " +
  "zrangebyscore time lpush hgetall zrevrangebyscore zcard xtrim ltrim zremrangebyscore " +
  "zcount smembers hexists rpoplpush persist lpos lindex zrevrange zpopmin xrange xlen rpop " +
  "type sismember rpush hlen zremrangebyrank zlexcount xread xdel rename lset lpop incrby " +
  "bzpopmin"
).split(" ");
const bullmqMissing = BULLMQ_NEEDS.filter((name) => lookupCommand(name) === undefined)
  .map((name) => name.toUpperCase());

/** Whether XREAD BLOCK waits (QueueEvents reads its events stream with it). */
async function xreadBlocks(): Promise<boolean> {
  await using server = startTestServer();
  using c = await RawClient.connect(server.port);
  const started = performance.now();
  await c.call("XREAD", "BLOCK", "200", "STREAMS", "probe", "$");
  return performance.now() - started >= 150;
}
if (!(await xreadBlocks())) bullmqMissing.push("XREAD BLOCK (it answers at once)");

/**
 * A queue, a worker, a delayed job, a job that fails twice and succeeds on its third attempt
 * (fixed backoff), and `completed` events through QueueEvents, against the server on `port`.
 */
async function bullmqScenario(port: number, queueEvents = true): Promise<void> {
  const { Queue, Worker, QueueEvents } = await import("bullmq");
  const connection = { host: "127.0.0.1", port, maxRetriesPerRequest: null };
  const queue = new Queue("jobs", { connection });
  const events = queueEvents ? new QueueEvents("jobs", { connection }) : null;
  await events?.waitUntilReady();
  const attempts = new Map<string, number>();
  const worker = new Worker(
    "jobs",
    (job) => {
      const n = (attempts.get(job.name) ?? 0) + 1;
      attempts.set(job.name, n);
      if (job.name === "flaky" && n < 3) return Promise.reject(new Error(`attempt ${n} fails`));
      return Promise.resolve(`${job.name}:${job.data.x * 2}`);
    },
    { connection },
  );
  try {
    const completed = new Map<string, string>();
    const allDone = new Promise<void>((resolve) => {
      const done = (jobId: string, returnvalue: unknown) => {
        completed.set(jobId, String(returnvalue));
        if (completed.size === 3) resolve();
      };
      if (events !== null) {
        events.on("completed", ({ jobId, returnvalue }) => done(jobId, returnvalue));
      } else worker.on("completed", (job) => done(job.id!, job.returnvalue));
    });
    const plain = await queue.add("plain", { x: 1 });
    const delayed = await queue.add("delayed", { x: 2 }, { delay: 300 });
    const flaky = await queue.add("flaky", { x: 3 }, {
      attempts: 3,
      backoff: { type: "fixed", delay: 50 },
    });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`only ${completed.size} of 3 completed events in 20 s`)),
        20_000,
      );
    });
    await Promise.race([allDone, late]).finally(() => clearTimeout(timer));
    assertEquals(completed.get(plain.id!), "plain:2");
    assertEquals(completed.get(delayed.id!), "delayed:4");
    assertEquals(completed.get(flaky.id!), "flaky:6");
    assertEquals(attempts.get("flaky"), 3);
    const finished = await queue.getJob(delayed.id!);
    assert(finished !== undefined && finished.processedOn! - finished.timestamp >= 300);
  } finally {
    await worker.close();
    await events?.close();
    await queue.close();
  }
}

Deno.test("BullMQ's queue side (its Lua scripts) runs against respd: add, delay, priority, counts, pause, obliterate", async () => {
  const { Queue } = await import("bullmq");
  await using server = startTestServer();
  const queue = new Queue("jobs", {
    connection: { host: "127.0.0.1", port: server.port, maxRetriesPerRequest: null },
  });
  try {
    const plain = await queue.add("plain", { x: 1 });
    await queue.add("delayed", { x: 2 }, { delay: 60_000 });
    await queue.add("urgent", { x: 3 }, {
      priority: 5,
      attempts: 3,
      backoff: { type: "fixed", delay: 50 },
    });
    assertEquals(await queue.getJobCounts("waiting", "delayed", "prioritized", "active"), {
      waiting: 1,
      delayed: 1,
      prioritized: 1,
      active: 0,
    });
    const job = await queue.getJob(plain.id!);
    assertEquals([job?.name, job?.data], ["plain", { x: 1 }]);
    await queue.pause();
    assert(await queue.isPaused());
    await queue.resume();
    assert(!(await queue.isPaused()));
    assertEquals((await queue.getWaiting()).map((j) => j.name), ["plain"]);
    await queue.obliterate({ force: true });
    assertEquals(await queue.getJobCounts("waiting", "delayed", "prioritized"), {
      waiting: 0,
      delayed: 0,
      prioritized: 0,
    });
  } finally {
    await queue.close();
  }
});

Deno.test("BullMQ: a worker runs plain, delayed and retried jobs (its own completed events)", async () => {
  await using server = startTestServer();
  await bullmqScenario(server.port, false);
});

Deno.test("the BullMQ scenario passes against redis-server (so its respd twin can)", async () => {
  await using redis = await startRedis();
  await bullmqScenario(redis.port);
});

Deno.test({
  name: "BullMQ: a queue, a worker, delayed jobs, retries with backoff, completed events" +
    (bullmqMissing.length > 0 ? ` (skipped: respd lacks ${bullmqMissing.join(", ")})` : ""),
  ignore: bullmqMissing.length > 0,
  async fn() {
    await using server = startTestServer();
    await bullmqScenario(server.port);
  },
});

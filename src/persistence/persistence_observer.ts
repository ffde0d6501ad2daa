/**
 * Persistence's view of the command pipeline: before a write runs, a running snapshot
 * (BGSAVE, AOF rewrite) keeps the old state of the keys it is about to change; after a
 * command runs, what it changed is appended to the AOF (propagation.ts). Commands that
 * run others (EXEC, scripts) record their inner commands as one MULTI/EXEC unit, so a
 * replay applies all of it or, when a crash cut the unit short, none of it.
 */

import type { CommandSpec } from "../commands/command.ts";
import type { ClientState, CommandContext } from "../commands/context.ts";
import type { Keyspace } from "../store/keyspace.ts";
import type { AppendOnlyFile } from "./aof_service.ts";
import { propagate, type Propagated, recordedAsSent, type Touch } from "./propagation.ts";
import type { KeyspaceSnapshot } from "./snapshot.ts";

/** Commands whose effect is the commands they run. */
const CONTAINERS = new Set([
  "exec",
  "eval",
  "evalsha",
  "eval_ro",
  "evalsha_ro",
  "fcall",
  "fcall_ro",
]);

/**
 * Writes whose key positions (spec.keys) name every key they change, in the client's
 * database: a snapshot keeps just those keys. Any other write makes a running snapshot
 * finish at once (never wrong, only slower).
 */
const KEYED_WRITES = new Set([
  "set",
  "setnx",
  "setex",
  "psetex",
  "getset",
  "getdel",
  "getex",
  "append",
  "setrange",
  "incr",
  "decr",
  "incrby",
  "decrby",
  "incrbyfloat",
  "mset",
  "msetnx",
  "del",
  "unlink",
  "expire",
  "pexpire",
  "expireat",
  "pexpireat",
  "persist",
  "rename",
  "renamenx",
  "restore",
  "lpush",
  "rpush",
  "lpushx",
  "rpushx",
  "lpop",
  "rpop",
  "linsert",
  "lset",
  "lrem",
  "ltrim",
  "lmove",
  "rpoplpush",
  "hset",
  "hsetnx",
  "hmset",
  "hdel",
  "hincrby",
  "hincrbyfloat",
  "sadd",
  "srem",
  "spop",
  "smove",
  "sinterstore",
  "sunionstore",
  "sdiffstore",
  "zadd",
  "zincrby",
  "zrem",
  "zremrangebyscore",
  "zremrangebyrank",
  "zremrangebylex",
  "zpopmin",
  "zpopmax",
  "zrangestore",
  "setbit",
  "bitfield",
  "bitop",
  "xadd",
  "xdel",
  "xtrim",
  "xack",
  "xclaim",
  "xautoclaim",
  "xsetid",
  "xgroup|create",
  "xgroup|destroy",
  "xgroup|setid",
  "xgroup|createconsumer",
  "xgroup|delconsumer",
]);

/** One command running (commands run others: EXEC, scripts), with what it changed so far. */
interface Frame {
  touches: Touch[];
  out: Propagated[];
}

/** The keys `spec` may write, from its key positions; null when they are not known. */
function writtenKeys(spec: CommandSpec, argv: readonly string[]): string[] | null {
  if (!KEYED_WRITES.has(spec.name) || spec.keys === undefined) return null;
  const [first, lastSpec, step] = spec.keys;
  const last = lastSpec < 0 ? argv.length + lastSpec : lastSpec;
  const keys: string[] = [];
  for (let i = first; i <= last && i < argv.length; i += step) keys.push(argv[i]);
  return keys;
}

export class PersistenceObserver {
  /**
   * The frames of the commands running now, outermost first: `#depth` of them are in use.
   * Kept and cleared rather than allocated per command: this runs around every write.
   */
  readonly #frames: Frame[] = [];
  #depth = 0;
  readonly #stop: () => void;

  constructor(
    keyspace: Keyspace,
    readonly aof: AppendOnlyFile,
    readonly rdb: { readonly snapshot: KeyspaceSnapshot | null },
  ) {
    this.#stop = keyspace.events.subscribe((db, key, event) => {
      if (this.#depth !== 0) this.#frames[this.#depth - 1].touches.push({ db, key, event });
      else if (this.aof.active && key !== null && (event === "expired" || event === "evicted")) {
        // Outside any command: the expiry sweep or eviction. Redis propagates a DEL.
        this.aof.append([{ db: db.id, argv: ["DEL", key] }]);
      }
    });
  }

  /** Before `spec` runs: snapshots keep what it is about to change. */
  before(spec: CommandSpec, argv: readonly string[], ctx: CommandContext): void {
    const bgsave = this.rdb.snapshot;
    const rewrite = this.aof.snapshot;
    if ((bgsave !== null || rewrite !== null) && spec.flags.includes("write")) {
      const keys = writtenKeys(spec, argv);
      for (const snapshot of [bgsave, rewrite]) {
        if (snapshot === null) continue;
        if (keys === null) snapshot.completeNow();
        else snapshot.beforeWrite(ctx.client.dbIndex, keys);
      }
    }
    if (!this.aof.active) return;
    const frame = this.#frames[this.#depth];
    if (frame === undefined) this.#frames.push({ touches: [], out: [] });
    else {
      // Fresh arrays rather than `length = 0`, which V8 runs in its runtime (slow).
      if (frame.touches.length !== 0) frame.touches = [];
      if (frame.out.length !== 0) frame.out = [];
    }
    this.#depth++;
  }

  /** After `spec` ran (and any blocked clients it readied were served). */
  after(
    spec: CommandSpec,
    argv: readonly string[],
    ctx: CommandContext,
    servedBlocked: boolean,
  ): void {
    if (this.#depth === 0) return;
    const frame = this.#frames[--this.#depth];
    // A read-only command changed nothing (an expired key it met was deleted: a DEL).
    if (frame.touches.length === 0 && frame.out.length === 0) return;
    const request = ctx.client.request;
    if (
      this.#depth === 0 && request.argv === argv && frame.out.length === 0 &&
      recordedAsSent(spec.name, argv, frame.touches, servedBlocked)
    ) {
      // Recorded as sent: the client's own bytes, not encoded again.
      this.aof.appendRequest(ctx.db.id, request.buf, request.start, request.end);
      ctx.client.aofOffset = this.aof.appendedOffset;
      return;
    }
    let produced: Propagated[];
    if (CONTAINERS.has(spec.name)) {
      const inner = propagate("", [], ctx.db, frame.touches, false, frame.out);
      produced = inner.length === 0
        ? inner
        : [{ db: null, argv: ["MULTI"] }, ...inner, { db: null, argv: ["EXEC"] }];
    } else {
      produced = propagate(spec.name, argv, ctx.db, frame.touches, servedBlocked, frame.out);
    }
    if (this.#depth !== 0) {
      this.#frames[this.#depth - 1].out.push(...produced);
      return;
    }
    if (produced.length === 0) return;
    this.aof.append(produced);
    ctx.client.aofOffset = this.aof.appendedOffset;
  }

  /**
   * What a client's replies wait for: its writes durable as `appendfsync` promises (null:
   * nothing to wait for). Called just before the replies are written.
   */
  replyBarrier(client: ClientState): Promise<void> | null {
    if (!this.aof.active) return null;
    return this.aof.durable(client.aofOffset);
  }

  /** The session's batch is served: requests recorded as sent are copied out of its buffer. */
  endBatch(): void {
    this.aof.endBatch();
  }

  stop(): void {
    this.#stop();
  }
}

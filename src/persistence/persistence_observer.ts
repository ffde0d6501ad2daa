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
import { propagate, type Propagated, type Touch } from "./propagation.ts";
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
  #frames: Frame[] = [];
  #offsets = new WeakMap<ClientState, number>();
  readonly #stop: () => void;

  constructor(
    keyspace: Keyspace,
    readonly aof: AppendOnlyFile,
    readonly rdb: { readonly snapshot: KeyspaceSnapshot | null },
  ) {
    this.#stop = keyspace.events.subscribe((db, key, event) => {
      const top = this.#frames.length !== 0 ? this.#frames[this.#frames.length - 1] : undefined;
      if (top !== undefined) top.touches.push({ db, key, event });
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
    if (this.aof.active) this.#frames.push({ touches: [], out: [] });
  }

  /** After `spec` ran (and any blocked clients it readied were served). */
  after(
    spec: CommandSpec,
    argv: readonly string[],
    ctx: CommandContext,
    servedBlocked: boolean,
  ): void {
    const frame = this.#frames.pop();
    if (frame === undefined) return;
    let produced: Propagated[];
    if (CONTAINERS.has(spec.name)) {
      const inner = propagate("", [], ctx.db, frame.touches, false, frame.out);
      produced = inner.length === 0
        ? inner
        : [{ db: null, argv: ["MULTI"] }, ...inner, { db: null, argv: ["EXEC"] }];
    } else {
      produced = propagate(spec.name, argv, ctx.db, frame.touches, servedBlocked, frame.out);
    }
    const parent = this.#frames.length !== 0 ? this.#frames[this.#frames.length - 1] : undefined;
    if (parent !== undefined) {
      parent.out.push(...produced);
      return;
    }
    if (produced.length === 0) return;
    this.aof.append(produced);
    this.#offsets.set(ctx.client, this.aof.appendedOffset);
  }

  /**
   * What a client's replies wait for: its writes durable as `appendfsync` promises (null:
   * nothing to wait for). Called just before the replies are written.
   */
  replyBarrier(client: ClientState): Promise<void> | null {
    if (!this.aof.active) return null;
    return this.aof.durable(this.#offsets.get(client) ?? 0);
  }

  stop(): void {
    this.#stop();
  }
}

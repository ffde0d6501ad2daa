/**
 * Every write command signals the keyspace-change hook (store/keyspace_events.ts): each
 * command flagged `write` in the command table is run here, after a setup that gives it
 * something to change, and must report at least one `(db, key, event)` for a key it names
 * (or a whole-database event, for FLUSHDB/FLUSHALL/SWAPDB). WATCH, blocked clients,
 * keyspace notifications and tracking all rely on it. A write command added without a
 * case below fails the last test: add its case (and make it signal).
 */

import { assert, assertEquals } from "./support/assert.ts";
import { Server } from "../src/server.ts";
import { Session } from "../src/session.ts";
import type { Transport } from "../src/transport/transport.ts";
import { allCommands } from "../src/commands/registry.ts";

/** A connection that is never read or written: commands are driven through `execute`. */
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

/** Setup commands (their replies ignored), then the write command itself. */
type Case = [setup: string[][], command: string[]];

const c = (setup: string, command: string): Case => [
  setup === "" ? [] : setup.split(" ; ").map((s) => s.split(" ")),
  command.split(" "),
];

const STREAM = "XADD s 1-1 f v ; XGROUP CREATE s g 0";

const CASES: Record<string, Case> = {
  set: c("", "SET k v"),
  setnx: c("", "SETNX k v"),
  setex: c("", "SETEX k 10 v"),
  psetex: c("", "PSETEX k 10000 v"),
  getset: c("", "GETSET k v"),
  getdel: c("SET k v", "GETDEL k"),
  getex: c("SET k v", "GETEX k EX 10"),
  incr: c("", "INCR k"),
  decr: c("", "DECR k"),
  incrby: c("", "INCRBY k 2"),
  decrby: c("", "DECRBY k 2"),
  incrbyfloat: c("", "INCRBYFLOAT k 1.5"),
  mset: c("", "MSET k v k2 v"),
  msetnx: c("", "MSETNX k v k2 v"),
  append: c("", "APPEND k v"),
  setrange: c("", "SETRANGE k 2 v"),
  del: c("SET k v", "DEL k"),
  unlink: c("SET k v", "UNLINK k"),
  rename: c("SET k v", "RENAME k k2"),
  renamenx: c("SET k v", "RENAMENX k k2"),
  copy: c("SET k v", "COPY k k2"),
  expire: c("SET k v", "EXPIRE k 10"),
  pexpire: c("SET k v", "PEXPIRE k 10000"),
  expireat: c("SET k v", "EXPIREAT k 99999999999"),
  pexpireat: c("SET k v", "PEXPIREAT k 99999999999999"),
  persist: c("SET k v ; EXPIRE k 10", "PERSIST k"),
  flushdb: c("SET k v", "FLUSHDB"),
  flushall: c("SET k v", "FLUSHALL"),
  swapdb: c("SET k v", "SWAPDB 0 1"),
  move: c("SET k v", "MOVE k 1"),
  lpush: c("", "LPUSH k a"),
  rpush: c("", "RPUSH k a"),
  lpop: c("RPUSH k a b", "LPOP k"),
  rpop: c("RPUSH k a b", "RPOP k"),
  blpop: c("RPUSH k a b", "BLPOP k 0"),
  brpop: c("RPUSH k a b", "BRPOP k 0"),
  linsert: c("RPUSH k a", "LINSERT k BEFORE a b"),
  lset: c("RPUSH k a", "LSET k 0 b"),
  lrem: c("RPUSH k a b", "LREM k 0 a"),
  ltrim: c("RPUSH k a b c", "LTRIM k 0 0"),
  lpushx: c("RPUSH k a", "LPUSHX k b"),
  rpushx: c("RPUSH k a", "RPUSHX k b"),
  lmove: c("RPUSH k a", "LMOVE k k2 LEFT RIGHT"),
  rpoplpush: c("RPUSH k a", "RPOPLPUSH k k2"),
  lmpop: c("RPUSH k a", "LMPOP 1 k LEFT"),
  blmove: c("RPUSH k a", "BLMOVE k k2 LEFT RIGHT 0"),
  brpoplpush: c("RPUSH k a", "BRPOPLPUSH k k2 0"),
  blmpop: c("RPUSH k a", "BLMPOP 0 1 k LEFT"),
  setbit: c("", "SETBIT k 7 1"),
  bitop: c("SET a x", "BITOP NOT k a"),
  bitfield: c("", "BITFIELD k SET u8 0 255"),
  hset: c("", "HSET k f v"),
  hmset: c("", "HMSET k f v"),
  hsetnx: c("", "HSETNX k f v"),
  hdel: c("HSET k f v g w", "HDEL k f"),
  hincrby: c("", "HINCRBY k f 1"),
  hincrbyfloat: c("", "HINCRBYFLOAT k f 1.5"),
  sadd: c("", "SADD k a"),
  srem: c("SADD k a b", "SREM k a"),
  spop: c("SADD k a b", "SPOP k"),
  smove: c("SADD k a", "SMOVE k k2 a"),
  sinterstore: c("SADD a x", "SINTERSTORE k a"),
  sunionstore: c("SADD a x", "SUNIONSTORE k a"),
  sdiffstore: c("SADD a x", "SDIFFSTORE k a"),
  zadd: c("", "ZADD k 1 a"),
  zincrby: c("", "ZINCRBY k 1 a"),
  zrem: c("ZADD k 1 a 2 b", "ZREM k a"),
  zrangestore: c("ZADD a 1 x", "ZRANGESTORE k a 0 -1"),
  zremrangebyrank: c("ZADD k 1 a 2 b", "ZREMRANGEBYRANK k 0 0"),
  zremrangebyscore: c("ZADD k 1 a 2 b", "ZREMRANGEBYSCORE k 1 1"),
  zremrangebylex: c("ZADD k 0 a 0 b", "ZREMRANGEBYLEX k [a [a"),
  zpopmin: c("ZADD k 1 a 2 b", "ZPOPMIN k"),
  zpopmax: c("ZADD k 1 a 2 b", "ZPOPMAX k"),
  zmpop: c("ZADD k 1 a 2 b", "ZMPOP 1 k MIN"),
  bzpopmin: c("ZADD k 1 a 2 b", "BZPOPMIN k 0"),
  bzmpop: c("ZADD k 1 a 2 b", "BZMPOP 0 1 k MIN"),
  bzpopmax: c("ZADD k 1 a 2 b", "BZPOPMAX k 0"),
  zunionstore: c("ZADD a 1 x", "ZUNIONSTORE k 1 a"),
  zinterstore: c("ZADD a 1 x", "ZINTERSTORE k 1 a"),
  zdiffstore: c("ZADD a 1 x", "ZDIFFSTORE k 1 a"),
  sort: c("RPUSH a 2 1", "SORT a STORE k"),
  xadd: c("", "XADD k * f v"),
  xdel: c("XADD k 1-1 f v ; XADD k 2-1 f v", "XDEL k 1-1"),
  xtrim: c("XADD k 1-1 f v ; XADD k 2-1 f v", "XTRIM k MAXLEN 1"),
  xsetid: c("XADD k 1-1 f v", "XSETID k 5-0"),
  "xgroup|create": c("XADD k 1-1 f v", "XGROUP CREATE k g 0"),
  "xgroup|createconsumer": c(STREAM.replaceAll(" s ", " k "), "XGROUP CREATECONSUMER k g c"),
  "xgroup|delconsumer": c(
    STREAM.replaceAll(" s ", " k ") + " ; XGROUP CREATECONSUMER k g c",
    "XGROUP DELCONSUMER k g c",
  ),
  "xgroup|destroy": c(STREAM.replaceAll(" s ", " k "), "XGROUP DESTROY k g"),
  "xgroup|setid": c(STREAM.replaceAll(" s ", " k "), "XGROUP SETID k g 0"),
  xreadgroup: c(STREAM.replaceAll(" s ", " k "), "XREADGROUP GROUP g c STREAMS k >"),
  xclaim: c(
    STREAM.replaceAll(" s ", " k ") + " ; XREADGROUP GROUP g c STREAMS k >",
    "XCLAIM k g d 0 1-1",
  ),
  xautoclaim: c(
    STREAM.replaceAll(" s ", " k ") + " ; XREADGROUP GROUP g c STREAMS k >",
    "XAUTOCLAIM k g d 0 0",
  ),
};

/**
 * Write commands that change no key, so they have nothing to signal (as in Redis): the
 * function library commands; and XACK, which Redis 7.0 does not signal either (it changes
 * only a group's pending list). RESTORE is checked on its own below (its payload comes
 * from DUMP).
 */
const KEYLESS_WRITES = new Set([
  "xack",
  "function|load",
  "function|delete",
  "function|flush",
  "function|restore",
  "restore",
]);

function writeCommands(): string[] {
  const names: string[] = [];
  for (const spec of allCommands) {
    for (const s of spec.subcommands?.values() ?? [spec]) {
      if (s.flags.includes("write")) names.push(s.name);
    }
  }
  return names;
}

/** Reply bytes as a byte string (one char per byte, as respd's values). */
function byteString(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
}

/** A server nothing connects to, a session driven directly, and the events it signals. */
function harness() {
  const server = new Server({ port: 0 });
  const session = new Session(server, idle, 1);
  const events: string[] = [];
  server.keyspace.events.subscribe((db, key, event) => events.push(`${db.id}:${key}:${event}`));
  const run = (argv: string[]) => {
    session.execute(argv);
    const text = byteString(session.reply.bytes());
    session.reply.clear();
    return text;
  };
  return { server, session, events, run };
}

for (const [name, [setup, command]] of Object.entries(CASES)) {
  Deno.test(`${name.toUpperCase()} signals the keyspace-change hook`, () => {
    const { events, run } = harness();
    for (const argv of setup) {
      const reply = run(argv);
      assert(!reply.startsWith("-"), `setup ${argv.join(" ")}: ${reply}`);
    }
    events.length = 0;
    const reply = run(command);
    assert(!reply.startsWith("-"), `${command.join(" ")} failed: ${reply}`);
    const named = new Set(command.slice(1));
    const relevant = events.filter((e) => {
      const [, key] = e.split(":");
      return key === "null" || named.has(key);
    });
    assert(relevant.length > 0, `${command.join(" ")} signalled nothing (saw: ${events})`);
  });
}

Deno.test("RESTORE signals the keyspace-change hook", () => {
  const { events, run } = harness();
  run(["SET", "src", "v"]);
  const dump = run(["DUMP", "src"]);
  const payload = dump.slice(dump.indexOf("\r\n") + 2, -2);
  events.length = 0;
  assertEquals(run(["RESTORE", "k", "0", payload]), "+OK\r\n");
  assert(events.some((e) => e.startsWith("0:k:")), `RESTORE signalled nothing (saw: ${events})`);
});

Deno.test("every write command has a case here", () => {
  const missing = writeCommands().filter((n) => !(n in CASES) && !KEYLESS_WRITES.has(n));
  assertEquals(missing, [], "add a case for each (and make sure it signals)");
});

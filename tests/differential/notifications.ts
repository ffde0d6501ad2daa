/**
 * Differential sequences for keyspace notifications: `notify-keyspace-events` read back,
 * the exact messages (keyspace channel, then keyevent channel) each command emits in Redis
 * 7.0, received by another connection in RESP2 or as RESP3 pushes, the `x` (expired), `m`
 * (key miss) and `n` (new key) classes, and m and n left out of `A`. Each sequence sets the
 * classes it needs and restores them to none afterwards.
 */

import { read, seq, type Sequence, type Step } from "../support/differential.ts";

const OFF = ["CONFIG", "SET", "notify-keyspace-events", ""];

/** A sequence run with `classes` on; A subscribes to every notification in database 0-1. */
export function notify(name: string, classes: string, ...steps: Step[]): Sequence {
  return {
    ...seq(name, { cmd: "A: PSUBSCRIBE __key*@*__:*" }, ...steps),
    before: [["CONFIG", "SET", "notify-keyspace-events", classes]],
    after: [OFF],
  };
}

/** B runs `cmd`; A then reads `messages` notifications. */
export function emits(cmd: string, messages: number): Step[] {
  return messages > 0 ? [`B: ${cmd}`, read("A", messages)] : [`B: ${cmd}`];
}

export const sequences: Sequence[] = [
  {
    ...seq(
      "notify-keyspace-events read back",
      ["CONFIG", "SET", "notify-keyspace-events", "KEA"],
      "CONFIG GET notify-keyspace-events",
      ["CONFIG", "SET", "notify-keyspace-events", "An"],
      "CONFIG GET notify-keyspace-events",
      ["CONFIG", "SET", "notify-keyspace-events", "Ezm$"],
      "CONFIG GET notify-keyspace-events",
      ["CONFIG", "SET", "notify-keyspace-events", "KEQ"],
      "CONFIG GET notify-keyspace-events",
      OFF,
      "CONFIG GET notify-keyspace-events",
    ),
    after: [OFF],
  },
  notify("SET: keyspace then keyevent", "KEA", ...emits("SET k v", 2)),
  notify("keyevent only", "E$", ...emits("SET k v", 1), ...emits("LPUSH l x", 0), "B: PING"),
  notify("keyspace only", "Kl", ...emits("SET k v", 0), ...emits("RPUSH l x y", 1)),
  notify(
    "string commands' events",
    "KEA",
    ...emits("SET k 1", 2),
    ...emits("INCR k", 2),
    ...emits("DECRBY k 2", 2),
    ...emits("INCRBYFLOAT k 1.5", 2),
    ...emits("DECRBY k 2", 0),
    ...emits("APPEND k x", 2),
    ...emits("SETRANGE k 0 ab", 2),
    ...emits("MSET a 1 b 2", 4),
    ...emits("SETNX a 1", 0),
    ...emits("SET k v EX 100", 4),
    ...emits("GETDEL k", 2),
    ...emits("GETSET a 3", 2),
    ...emits("GETEX a EX 100", 2),
    ...emits("GETEX a PERSIST", 2),
    ...emits("SETEX s 100 v", 4),
  ),
  notify(
    "keyspace commands' events",
    "KEA",
    ...emits("SET k v", 2),
    ...emits("EXPIRE k 100", 2),
    ...emits("PERSIST k", 2),
    ...emits("RENAME k j", 4),
    ...emits("COPY j c", 2),
    ...emits("MOVE c 1", 4),
    ...emits("DEL j nothing", 2),
    ...emits("DEL nothing", 0),
    ...emits("SET t v", 2),
    ...emits("EXPIRE t 0", 2),
    ...emits("SET u v", 2),
    ...emits("UNLINK u", 2),
    ...emits("SET w v", 2),
    ...emits("PEXPIREAT w 1", 2),
    "B: PING",
  ),
  notify(
    "list commands' events",
    "KEA",
    ...emits("LPUSH l a b", 2),
    ...emits("RPUSH l c", 2),
    ...emits("LPOP l", 2),
    ...emits("RPOP l 2", 4),
    ...emits("LPOP l", 0),
  ),
  notify(
    "stream commands' events",
    "KEA",
    ...emits("XADD s 1-0 f v", 2),
    ...emits("XADD s MAXLEN 1 2-0 f v", 4),
    ...emits("XADD s MAXLEN 5 3-0 f v", 2),
    ...emits("XADD s 3-0 f v", 0),
    ...emits("XDEL s 2-0 9-0", 2),
    ...emits("XDEL s 9-0", 0),
    ...emits("XTRIM s MAXLEN 0", 2),
    ...emits("XTRIM s MAXLEN 0", 0),
    ...emits("XSETID s 10-0", 2),
    ...emits("XGROUP CREATE s g $", 2),
    ...emits("XGROUP CREATE s g $", 0),
    ...emits("XGROUP CREATE t g $ MKSTREAM", 2),
    ...emits("XGROUP CREATECONSUMER s g c", 2),
    ...emits("XGROUP CREATECONSUMER s g c", 0),
    ...emits("XADD s 11-0 f v", 2),
    ...emits("XREADGROUP GROUP g d STREAMS s >", 2),
    ...emits("XREADGROUP GROUP g d STREAMS s >", 0),
    ...emits("XCLAIM s g e 0 11-0", 2),
    ...emits("XACK s g 11-0", 0),
    ...emits("XAUTOCLAIM s g f 0 0", 0),
    ...emits("XGROUP SETID s g 0", 2),
    ...emits("XGROUP DELCONSUMER s g c", 2),
    ...emits("XGROUP DELCONSUMER s g c", 0),
    ...emits("XGROUP DESTROY s g", 2),
    ...emits("XGROUP DESTROY s g", 0),
    ...emits("XADD s NOMKSTREAM 12-0 f v", 2),
    ...emits("XADD nos NOMKSTREAM 12-0 f v", 0),
    ...emits("DEL s t", 4),
  ),
  notify(
    "a new stream with n",
    "KEAn",
    ...emits("XADD s 1-0 f v", 4),
    ...emits("XGROUP CREATE t g $ MKSTREAM", 4),
  ),
  notify(
    "FLUSHALL, FLUSHDB and SWAPDB emit nothing",
    "KEA",
    ...emits("SET k v", 2),
    ...emits("FLUSHDB", 0),
    ...emits("SET k v", 2),
    ...emits("SWAPDB 0 1", 0),
    ...emits("FLUSHALL", 0),
    ...emits("PING", 0),
  ),
  notify("database 1", "KEA", "B: SELECT 1", ...emits("SET k v", 2)),
  notify(
    "events inside MULTI/EXEC arrive with EXEC",
    "KEA",
    "B: MULTI",
    "B: SET k v",
    "B: INCR n",
    "B: EXEC",
    read("A", 4),
  ),
  notify("an expired key", "Ex", "B: SET k v PX 10", { wait: 50 }, "B: GET k", read("A")),
  notify(
    "new keys only with n, never in A",
    "KEA",
    ...emits("SET k v", 2),
    { cmd: ["CONFIG", "SET", "notify-keyspace-events", "KEAn"], conn: "B" },
    ...emits("SET j v", 4),
    ...emits("SET j w", 2),
    ...emits("RPUSH l x", 4),
    ...emits("RENAME l m", 6),
    ...emits("MOVE m 1", 6),
    ...emits("COPY j c", 4),
    ...emits("COPY j c REPLACE", 2),
    ...emits("INCR n", 4),
    ...emits("SETEX e 100 v", 6),
  ),
  {
    ...seq(
      "RESP3: a client's own write's notification comes before its reply",
      "SUBSCRIBE __keyevent@0__:set",
      { cmd: "SET k v", replies: 2 },
      "GET k",
    ),
    protocols: [3],
    before: [["CONFIG", "SET", "notify-keyspace-events", "E$"]],
    after: [OFF],
  },
];

/** The key-miss class (m): read commands report the keys they did not find. */
export const keyMisses: Sequence[] = [
  notify(
    "key misses only with m, never in A",
    "KEA",
    ...emits("GET missing", 0),
    { cmd: ["CONFIG", "SET", "notify-keyspace-events", "Em"], conn: "B" },
    ...emits("GET missing", 1),
    ...emits("SET k v", 0),
    ...emits("GET k", 0),
    ...emits("MGET a k b", 2),
    ...emits("EXISTS k nope", 1),
    ...emits("LRANGE nolist 0 -1", 1),
    ...emits("SET e v PX 1", 0),
    { wait: 20 },
    ...emits("GET e", 1),
    "B: PING",
  ),
  {
    ...seq(
      "RESP3: a client's own key miss comes before its reply",
      "PSUBSCRIBE __keyevent@0__:*",
      { cmd: "GET nothing", replies: 2 },
    ),
    protocols: [3],
    before: [["CONFIG", "SET", "notify-keyspace-events", "Em"]],
    after: [OFF],
  },
];

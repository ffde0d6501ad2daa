/**
 * Differential sequences for blocking commands with several connections: a client blocks,
 * another one writes, the blocked reply arrives later (read with `read`). FIFO among
 * waiters, one push serving as many waiters as it made elements, timeouts as Redis parses
 * them, a key made ready inside MULTI/EXEC, CLIENT UNBLOCK, CLIENT PAUSE, the zset and
 * move forms. Families are split by what respd needs (lists first, zsets later).
 */

import { blocked, read, seq, type Sequence } from "../support/differential.ts";

/** BLPOP/BRPOP: the ground work's proof, and the shape of every blocking command. */
export const listPops: Sequence[] = [
  seq(
    "blocking pops inside MULTI do not block",
    "MULTI",
    "BLPOP empty 0",
    "BRPOP empty 1",
    "RPUSH l a b",
    "BLPOP l 0",
    "EXEC",
  ),
  seq("BLPOP returns at once when a list has elements", "RPUSH l a b", "BLPOP l 0", "BRPOP l 0"),
  seq("BLPOP takes the first non-empty key", "RPUSH l2 x", "BLPOP l1 l2 0"),
  seq(
    "BLPOP timeouts as Redis parses them",
    "BLPOP l -1",
    "BLPOP l abc",
    "BLPOP l 0x",
    "BLPOP l 0x1p-12",
    "BLPOP l 1e400",
    "BLPOP l inf",
    "BLPOP l",
    "BLPOP l 0.01",
    "BRPOP l 0.001",
  ),
  seq("BLPOP on a wrong type", "SET s v", "BLPOP s 0", "BLPOP nothing s 0"),
  seq(
    "BLPOP served by another connection's push",
    blocked("A: BLPOP q 0"),
    "B: RPUSH q x",
    read("A"),
    "B: LLEN q",
  ),
  seq(
    "BRPOP served by LPUSH of many",
    blocked("A: BRPOP q 0"),
    "B: LPUSH q a b c",
    read("A"),
    "B: LRANGE q 0 -1",
  ),
  seq(
    "waiters are served first come, first served",
    blocked("A: BLPOP q 0"),
    blocked("C: BLPOP q 0"),
    "B: RPUSH q 1",
    read("A"),
    "B: RPUSH q 2",
    read("C"),
  ),
  seq(
    "one push serves as many waiters as it made elements",
    blocked("A: BLPOP q 0"),
    blocked("C: BRPOP q 0"),
    blocked("D: BLPOP q 0"),
    "B: RPUSH q 1 2",
    read("A"),
    read("C"),
    "B: LRANGE q 0 -1",
    "B: RPUSH q 3",
    read("D"),
  ),
  seq(
    "a waiter on several keys is served by the first pushed",
    blocked("A: BLPOP k1 k2 k3 0"),
    "B: RPUSH k3 z",
    read("A"),
  ),
  seq(
    "a key made ready inside MULTI serves waiters after EXEC",
    blocked("A: BLPOP q 0"),
    "B: MULTI",
    "B: RPUSH q 1",
    "B: RPUSH q 2",
    "B: LPOP q",
    "B: EXEC",
    read("A"),
    "B: LRANGE q 0 -1",
  ),
  seq(
    "a key pushed and emptied inside MULTI serves nobody",
    blocked("A: BLPOP q 0"),
    "B: MULTI",
    "B: RPUSH q 1",
    "B: DEL q",
    "B: EXEC",
    "B: RPUSH q 2",
    read("A"),
  ),
  seq(
    "a blocked pop times out with a null",
    blocked("A: BLPOP q 0.05"),
    read("A"),
  ),
  seq(
    "a waiter whose key becomes the wrong type stays blocked",
    blocked("A: BLPOP q 0"),
    "B: SET q text",
    "B: DEL q",
    "B: RPUSH q x",
    read("A"),
  ),
  seq(
    "blocked in database 1",
    "A: SELECT 1",
    blocked("A: BLPOP q 0"),
    "B: RPUSH q zero",
    "B: SELECT 1",
    "B: RPUSH q one",
    read("A"),
    "B: SELECT 0",
    "B: LRANGE q 0 -1",
  ),
  seq(
    "SWAPDB serves a waiter",
    blocked("A: BLPOP q 0"),
    "B: SELECT 1",
    "B: RPUSH q x",
    "B: SWAPDB 0 1",
    read("A"),
  ),
  seq(
    "RENAME onto a waited key serves the waiter",
    blocked("A: BLPOP q 0"),
    "B: RPUSH src x",
    "B: RENAME src q",
    read("A"),
  ),
];

/** CLIENT UNBLOCK [TIMEOUT|ERROR]. */
export const unblocking: Sequence[] = [
  seq(
    "CLIENT UNBLOCK ends a wait with a null, or an error",
    blocked("A: BLPOP q 0"),
    "B: CLIENT UNBLOCK $A",
    read("A"),
    blocked("A: BRPOP q 0"),
    "B: CLIENT UNBLOCK $A ERROR",
    read("A"),
    "B: CLIENT UNBLOCK $A",
    blocked("A: BLPOP q 0"),
    "B: CLIENT UNBLOCK $A TIMEOUT",
    read("A"),
  ),
  seq(
    "CLIENT UNBLOCK errors",
    "CLIENT UNBLOCK abc",
    "CLIENT UNBLOCK 99999 NOPE",
    "CLIENT UNBLOCK 99999",
  ),
];

/** CLIENT PAUSE [WRITE|ALL] and CLIENT UNPAUSE. */
export const pausing: Sequence[] = [
  {
    ...seq(
      "CLIENT PAUSE WRITE holds writes until UNPAUSE",
      "A: SET k v",
      "A: CLIENT PAUSE 100000 WRITE",
      blocked("B: SET k w"),
      "C: GET k",
      "A: CLIENT UNPAUSE",
      read("B"),
      "C: GET k",
    ),
    after: ["CLIENT UNPAUSE"],
  },
  {
    ...seq(
      "CLIENT PAUSE errors",
      "CLIENT PAUSE",
      "CLIENT PAUSE abc",
      "CLIENT PAUSE -1",
      "CLIENT PAUSE 10 NOPE",
      "CLIENT UNPAUSE x",
    ),
    after: ["CLIENT UNPAUSE"],
  },
  {
    ...seq(
      "CLIENT PAUSE ends by itself",
      "A: SET k v",
      "A: CLIENT PAUSE 50 WRITE",
      blocked("B: DEL k"),
      read("B"),
      "C: EXISTS k",
    ),
    after: ["CLIENT UNPAUSE"],
  },
];

/** BLMOVE, BRPOPLPUSH and BLMPOP: need LMOVE and LMPOP. */
export const listMoves: Sequence[] = [
  seq("BLMOVE at once", "RPUSH src a b", "BLMOVE src dst LEFT RIGHT 0", "LRANGE dst 0 -1"),
  seq(
    "BLMOVE errors",
    "BLMOVE a b UP LEFT 0",
    "BLMOVE a b LEFT LEFT -1",
    "BLMOVE a b",
    "SET s v",
    "BLMOVE s b LEFT LEFT 0",
  ),
  seq(
    "BLMOVE served later",
    blocked("A: BLMOVE src dst RIGHT LEFT 0"),
    "B: RPUSH src 1 2",
    read("A"),
    "B: LRANGE src 0 -1",
    "B: LRANGE dst 0 -1",
  ),
  seq(
    "BRPOPLPUSH served later, its target serving another waiter",
    blocked("A: BRPOPLPUSH src dst 0"),
    blocked("C: BLPOP dst 0"),
    "B: RPUSH src x",
    read("A"),
    read("C"),
    "B: EXISTS src dst",
  ),
  seq(
    "BRPOPLPUSH at once and errors",
    "RPUSH src a",
    "BRPOPLPUSH src dst 0",
    "BRPOPLPUSH src dst x",
    "BRPOPLPUSH src",
  ),
  seq(
    "BLMPOP at once",
    "RPUSH l a b c",
    "BLMPOP 0 2 x l LEFT COUNT 2",
    "BLMPOP 0 1 l RIGHT",
    "BLMPOP 0 0 l LEFT",
    "BLMPOP 0 1 l UP",
    "BLMPOP 0 1 l LEFT COUNT 0",
  ),
  seq(
    "BLMPOP served later with a count",
    blocked("A: BLMPOP 0 2 a b RIGHT COUNT 5"),
    "B: RPUSH b 1 2 3",
    read("A"),
  ),
  seq(
    "blocked moves time out with a null array",
    blocked("A: BLMOVE src dst LEFT LEFT 0.05"),
    read("A"),
    blocked("A: BRPOPLPUSH src dst 0.05"),
    read("A"),
    blocked("A: BLMPOP 0.05 1 src LEFT"),
    read("A"),
  ),
  seq(
    "CLIENT UNBLOCK ends a BLMOVE",
    blocked("A: BLMOVE src dst LEFT LEFT 0"),
    "B: CLIENT UNBLOCK $A",
    read("A"),
  ),
  seq("BLMPOP inside MULTI", "MULTI", "BLMPOP 0 1 l LEFT", "BLMOVE x y LEFT LEFT 0", "EXEC"),
];

/** BZPOPMIN, BZPOPMAX, BZMPOP: need sorted sets. */
export const zsetPops: Sequence[] = [
  seq("BZPOPMIN and BZPOPMAX at once", "ZADD z 1 a 2 b 3 c", "BZPOPMIN z 0", "BZPOPMAX z 0"),
  seq("BZPOPMIN errors", "BZPOPMIN z -1", "BZPOPMIN z x", "BZPOPMIN z", "SET s v", "BZPOPMIN s 0"),
  seq(
    "BZPOPMIN served later",
    blocked("A: BZPOPMIN z 0"),
    "B: ZADD z 2 b 1 a",
    read("A"),
    "B: ZRANGE z 0 -1",
  ),
  seq("BZPOPMAX served later", blocked("A: BZPOPMAX z1 z2 0"), "B: ZADD z2 2 b 1 a", read("A")),
  seq(
    "BZMPOP at once and served later",
    "ZADD z 1 a 2 b 3 c",
    "BZMPOP 0 1 z MIN COUNT 2",
    "BZMPOP 0 1 z MAX",
    blocked("A: BZMPOP 0 1 z MAX COUNT 3"),
    "B: ZADD z 1 x 2 y",
    read("A"),
  ),
  seq(
    "BZMPOP errors",
    "BZMPOP 0 0 z MIN",
    "BZMPOP 0 1 z UP",
    "BZMPOP -1 1 z MIN",
    "BZMPOP 0 1 z MIN COUNT 0",
  ),
  seq(
    "blocked zset pops time out with a null array",
    blocked("A: BZPOPMAX z 0.05"),
    read("A"),
    blocked("A: BZMPOP 0.05 1 z MAX"),
    read("A"),
  ),
  seq("BZPOPMIN inside MULTI", "MULTI", "BZPOPMIN z 0", "BZMPOP 0 1 z MIN", "EXEC"),
  seq(
    "a zset waiter and a list waiter on one key name",
    blocked("A: BZPOPMIN k 0"),
    "B: RPUSH k x",
    "B: DEL k",
    "B: ZADD k 1 m",
    read("A"),
  ),
];

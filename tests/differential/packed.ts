/**
 * Differential sequences for the packed (listpack/intset) forms themselves: scores of
 * every kind inside a small sorted set (small and large integers, negative ones, -0,
 * fractions, infinities) in order and through moves and pops; values longer than 127
 * bytes inside a small hash (a length past one header char) with the threshold raised;
 * binary bytes in fields and members; intsets holding integers past 2^53 and int64's
 * extremes; and the replies after each converts to its large form.
 */

import { bin, seq, type Sequence } from "../support/differential.ts";

const u = (cmd: string) => ({ cmd, unordered: true });
const long = "v".repeat(200);

export const sequences: Sequence[] = [
  seq(
    "packed zset: scores of every kind keep their order and their digits",
    "ZADD z 0 zero 127 a 128 b -1 c -129 d 999 e 140737488355327 f 140737488355328 g",
    "ZADD z -140737488355328 h 1e300 i -inf j +inf k 0.5 l -0.25 m 3.0000000000000004 n",
    "ZADD z 9007199254740993 o -0 p",
    "OBJECT ENCODING z",
    "ZRANGE z 0 -1 WITHSCORES",
    "ZSCORE z p",
    "ZSCORE z g",
    "ZRANGEBYSCORE z (0 1000 WITHSCORES",
    "ZRANGEBYSCORE z -inf (-1",
    "ZREVRANGE z 0 3 WITHSCORES",
    "ZRANK z e",
    "ZREVRANK z e",
    "ZINCRBY z 1 a",
    "ZINCRBY z -1000 e",
    "ZADD z INCR 0.5 l",
    "ZRANGE z 0 -1 WITHSCORES",
    "ZPOPMIN z 2",
    "ZPOPMAX z 2",
    "ZCARD z",
    "ZRANGE z 0 -1 WITHSCORES",
  ),
  seq(
    "packed zset: binary members, same scores ordered byte by byte",
    ["ZADD", "z", "1", bin("\x00a"), "1", bin("\xffb"), "1", "a", "1", bin("a\x00"), "2", "x"],
    "ZRANGE z 0 -1",
    "ZRANGEBYLEX z - +",
    "ZRANGEBYLEX z [a +",
    ["ZSCORE", "z", bin("\xffb")],
    ["ZREM", "z", bin("\x00a")],
    "ZRANGE z 0 -1 WITHSCORES",
  ),
  {
    ...seq(
      "packed hash: values past 127 bytes with the threshold raised, then converted",
      "CONFIG SET hash-max-listpack-value 300",
      `HSET h a ${long} b 1 ${"k".repeat(150)} 2`,
      "OBJECT ENCODING h",
      "HGETALL h",
      "HGET h a",
      `HSTRLEN h ${"k".repeat(150)}`,
      `HSET h b ${long}`,
      "HDEL h a",
      "HGETALL h",
      `HSET h c ${"w".repeat(301)}`,
      "OBJECT ENCODING h",
      u("HGETALL h"),
    ),
    after: ["CONFIG SET hash-max-listpack-value 64"],
  },
  seq(
    "packed hash: binary fields, a field set twice in one HSET, an update in place",
    ["HSET", "h", bin("\x00"), "1", bin("\xff\x80"), "2", "f", "3", "f", "4"],
    "HGETALL h",
    "HSET h f 5 g 6",
    "HSETNX h f 7",
    "HINCRBY h g 10",
    "HGETALL h",
    ["HDEL", "h", bin("\x00")],
    "HKEYS h",
    "HLEN h",
  ),
  seq(
    "intset: integers past 2^53 and int64's extremes in numeric order",
    "SADD s 5 -3 9007199254740993 9007199254740992 -9223372036854775808 9223372036854775807 0",
    "OBJECT ENCODING s",
    "SMEMBERS s",
    "SISMEMBER s 9007199254740993",
    "SISMEMBER s 9007199254740994",
    "SMISMEMBER s 5 6 -9223372036854775808",
    "SREM s 9007199254740992 -3",
    "SMEMBERS s",
    "SADD s 9223372036854775808",
    "OBJECT ENCODING s",
    u("SMEMBERS s"),
    "SADD t 1 2 3",
    "SADD t 01",
    "OBJECT ENCODING t",
  ),
];

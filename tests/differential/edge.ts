/**
 * Differential sequences for edge cases that cross families: case-insensitive names,
 * overwriting across types, numeric text forms, many keys, large argument counts.
 */

import { seq, type Sequence } from "../support/differential.ts";

const many = Array.from({ length: 200 }, (_, i) => `k${i}`);

export const sequences: Sequence[] = [
  seq("command names in any case", "set k v", "GeT k", "DEL k", "exists k"),
  seq("options in any case", "set k v ex 100 nx", "SET k v Xx GeT", "ttl k"),
  seq("SET overwrites a list", "RPUSH k a", "SET k v", "TYPE k", "GET k"),
  seq("DEL then recreate as another type", "SET k v", "DEL k", "RPUSH k a", "TYPE k"),
  seq(
    "MSET and MGET of 200 keys",
    ["MSET", ...many.flatMap((k) => [k, k])],
    ["MGET", ...many],
    "DBSIZE",
  ),
  seq(
    "DEL of 200 keys",
    ["MSET", ...many.flatMap((k) => [k, "v"])],
    ["DEL", ...many, "missing"],
    "DBSIZE",
  ),
  seq("EXISTS of 200 keys", ["MSET", ...many.flatMap((k) => [k, "v"])], ["EXISTS", ...many]),
  seq(
    "integers in every text form",
    "SET a 10",
    "INCRBY a -10",
    "INCRBY a 00",
    "INCRBY a -0",
    "INCRBY a 1e2",
    "GET a",
  ),
  seq(
    "INCR after INCRBYFLOAT",
    "SET f 1",
    "INCRBYFLOAT f 1",
    "INCR f",
    "INCRBYFLOAT f 0.5",
    "INCR f",
  ),
  seq("a float that is an integer", "SET f 2.0", "INCRBYFLOAT f 0", "INCR f"),
  seq("GETRANGE on an integer", "SET n 12345", "INCR n", "GETRANGE n 1 2", "STRLEN n"),
  seq("APPEND to a counter then INCR", "INCR n", "APPEND n 0", "INCR n", "GET n"),
  seq("KEYS after deletes and expiry", "MSET a 1 b 2 c 3", "DEL b", "PEXPIREAT c 1", {
    cmd: "KEYS *",
    unordered: true,
  }),
  seq("DBSIZE after expiry", "SET a 1", "SET b 2 PXAT 1", "DBSIZE"),
  seq("TYPE after RENAME of a list", "RPUSH l a", "RENAME l s", "TYPE s", "TYPE l"),
  seq("negative zero is not an integer", "SET n 5", "INCRBY n -0", "DECRBY n -0"),
  seq("a key named like a command", "SET GET SET", "GET GET", "GET SET"),
  seq(
    "pipelined-like long sequence",
    ...Array.from({ length: 40 }, (_, i) => i % 2 ? `INCR c${i % 5}` : `GET c${i % 5}`),
  ),
  seq("SETNX on a list", "RPUSH k a", "SETNX k v", "TYPE k"),
  seq("MSETNX on a list key", "RPUSH k a", "MSETNX k v j w", "TYPE k", "EXISTS j"),
  seq(
    "SET with every flag order",
    "SET k v GET EX 100 NX",
    "SET k w XX KEEPTTL GET",
    "GET k",
    "TTL k",
  ),
  seq("STRLEN of a big integer", "SET n 9223372036854775807", "STRLEN n", "INCR n"),
  seq(
    "INCRBYFLOAT to a huge value",
    "SET f 1.7976931348623157e308",
    "INCRBYFLOAT f 1.7976931348623157e308",
    "GET f",
  ),
  seq(
    "INCRBYFLOAT with exponents",
    "SET f 1",
    "INCRBYFLOAT f 1e1",
    "INCRBYFLOAT f 2.5E-1",
    "INCRBYFLOAT f -1e-20",
    "GET f",
  ),
];

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

/** Options given more than once, which Redis accepts when they do not conflict. */
export const repeatedOptions: Sequence[] = [
  seq("SET EX given twice: the last wins", "SET k v EX 10 EX 200", "TTL k"),
  seq("SET NX given twice", "SET k v NX NX", "GET k"),
  seq("SET GET given twice", "SET k v", "SET k w GET GET", "GET k"),
  seq("SET PX given twice", "SET k v PX 10 PX 300000", "TTL k"),
  seq("SET KEEPTTL given twice", "SET k v EX 100", "SET k w KEEPTTL KEEPTTL", "TTL k"),
  seq("GETEX EX given twice", "SET k v", "GETEX k EX 10 EX 300", "TTL k"),
  seq("GETEX PERSIST given twice", "SET k v EX 100", "GETEX k PERSIST PERSIST", "TTL k"),
  seq("EXPIRE NX given twice", "SET k v", "EXPIRE k 100 NX NX", "TTL k"),
  seq("COPY REPLACE given twice", "MSET a 1 b 2", "COPY a b REPLACE REPLACE", "GET b"),
  seq(
    "COPY DB given twice",
    "SET a 1",
    "COPY a a DB 1 DB 2",
    "SELECT 2",
    "GET a",
    "SELECT 1",
    "GET a",
  ),
  seq("SCAN COUNT given twice", "MSET a 1 b 2", {
    cmd: "SCAN 0 COUNT 1 COUNT 100",
    unordered: true,
  }),
  seq("SCAN MATCH given twice", "MSET a 1 b 2", {
    cmd: "SCAN 0 MATCH a MATCH b COUNT 100",
    unordered: true,
  }),
  seq("FLUSHDB SYNC given twice", "SET a 1", "FLUSHDB SYNC SYNC", "DBSIZE"),
];

/** Numbers in forms that Redis's parsers refuse or accept. */
export const numberForms: Sequence[] = [
  seq(
    "LINDEX and GETRANGE with -0 and leading zeros",
    "RPUSH l a b",
    "SET s abc",
    "LINDEX l -0",
    "LINDEX l 01",
    "GETRANGE s -0 1",
    "GETRANGE s 00 1",
  ),
  seq("EXPIRE with a leading plus", "SET k v", "EXPIRE k +10", "TTL k"),
  seq(
    "INCRBYFLOAT with large results",
    "SET f 1e20",
    "INCRBYFLOAT f 1e20",
    "INCRBYFLOAT f 1e-5",
    "GET f",
  ),
  seq(
    "INCRBYFLOAT with tiny results",
    "SET f 0",
    "INCRBYFLOAT f 1e-17",
    "INCRBYFLOAT f 5e-300",
    "GET f",
  ),
  seq("INCRBYFLOAT of an integer string with spaces", ["SET", "f", " 1"], "INCRBYFLOAT f 1"),
  seq(
    "INCRBYFLOAT of hex and special forms",
    "SET f 0x1p3",
    "INCRBYFLOAT f 1",
    "SET g 1",
    "INCRBYFLOAT g 1e",
    "INCRBYFLOAT g .5",
    "INCRBYFLOAT g 5.",
    "GET g",
  ),
  seq("SETEX and PSETEX with leading zeros", "SETEX k 010 v", "PSETEX k 0100 v", "EXISTS k"),
  seq(
    "LPOP with count forms",
    "RPUSH l a b c",
    "LPOP l 01",
    "LPOP l +1",
    "LPOP l 1",
    "LRANGE l 0 -1",
  ),
  seq("SETRANGE with forms", "SET s abc", "SETRANGE s -0 x", "SETRANGE s 01 x", "GET s"),
];

/** Client state, in RESP3 too. */
export const clientState: Sequence[] = [
  seq(
    "CLIENT GETNAME without a name is null",
    "CLIENT GETNAME",
    { cmd: "HELLO 3", ignore: true },
    "CLIENT GETNAME",
  ),
  seq("HELLO with AUTH and SETNAME together", {
    cmd: "HELLO 3 AUTH default pw SETNAME both",
    ignore: true,
  }, "CLIENT GETNAME"),
  seq("HELLO without a version keeps the protocol", { cmd: "HELLO", ignore: true }, "GET nokey"),
  seq("HELLO SETNAME without a name", "HELLO 3 SETNAME", "GET nokey"),
  seq("CLIENT SETNAME with a NUL byte", ["CLIENT", "SETNAME", "a\x00b"], "CLIENT GETNAME"),
  seq("CLIENT SETNAME with punctuation", "CLIENT SETNAME a!~", "CLIENT GETNAME"),
  seq("PING and ECHO in RESP3", { cmd: "HELLO 3", ignore: true }, "PING", "PING x", "ECHO y"),
];

/**
 * Differential sequences for the keyspace commands: DEL, EXISTS, TYPE, RENAME, COPY,
 * KEYS and SCAN with Redis's glob patterns, RANDOMKEY, TOUCH.
 */

import { seq, type Sequence } from "../support/differential.ts";

const globKeys = [
  "hello",
  "hallo",
  "hxllo",
  "hllo",
  "heeeello",
  "h*llo",
  "h?llo",
  "h[a]llo",
  "a\\b",
  "-",
  "]",
  "x^y",
  "user:1",
  "user:22",
  "User:3",
];
const patterns = [
  "*",
  "h?llo",
  "h*llo",
  "h[ae]llo",
  "h[^e]llo",
  "h[a-b]llo",
  "h[b-a]llo",
  "h\\*llo",
  "h\\?llo",
  "h\\[a]llo",
  "user:?",
  "user:*",
  "*:*",
  "[uU]ser:*",
  "[",
  "[a",
  "h[",
  "*[",
  "\\",
  "a\\\\b",
  "[]]",
  "[\\]]",
  "[-]",
  "[x^]^y",
  "[^]",
  "**o",
  "h*l*o",
  "?",
  "???????",
  "nomatch",
  "h[a-]llo",
  "h[!a]llo",
];

function globGrid(): Sequence[] {
  const setup = ["MSET", ...globKeys.flatMap((k) => [k, "v"])];
  return patterns.flatMap((p) => [
    seq(`KEYS ${p}`, setup, { cmd: ["KEYS", p], unordered: true }),
    seq(`SCAN MATCH ${p}`, setup, {
      cmd: ["SCAN", "0", "MATCH", p, "COUNT", "1000"],
      unordered: true,
    }),
  ]);
}

function scanCases(): Sequence[] {
  const many = ["MSET", ...Array.from({ length: 30 }, (_, i) => [`key:${i}`, `${i}`]).flat()];
  return [
    seq("SCAN of an empty database", "SCAN 0"),
    seq("SCAN returns every key with a large COUNT", many, {
      cmd: "SCAN 0 COUNT 1000",
      unordered: true,
    }),
    seq("SCAN TYPE string", "MSET a 1 b 2", "RPUSH l x", {
      cmd: "SCAN 0 TYPE string COUNT 100",
      unordered: true,
    }),
    seq("SCAN TYPE list", "MSET a 1 b 2", "RPUSH l x", {
      cmd: "SCAN 0 TYPE list COUNT 100",
      unordered: true,
    }),
    seq("SCAN TYPE with an unknown type", "MSET a 1", {
      cmd: "SCAN 0 TYPE nosuch COUNT 100",
      unordered: true,
    }),
    seq("SCAN with a bad cursor", "SCAN x", "SCAN -1", "SCAN 1.5"),
    seq("SCAN with a bad COUNT", "SCAN 0 COUNT 0", "SCAN 0 COUNT -1", "SCAN 0 COUNT x"),
    seq("SCAN with a bad option", "SCAN 0 FOO", "SCAN 0 MATCH", "SCAN 0 COUNT"),
    seq("SCAN MATCH and TYPE together", many, "RPUSH key:list a", {
      cmd: "SCAN 0 MATCH key:1* TYPE string COUNT 1000",
      unordered: true,
    }),
  ];
}

function basics(): Sequence[] {
  return [
    seq("DEL counts only existing keys", "MSET a 1 b 2", "DEL a b c a", "EXISTS a b"),
    seq("DEL of a list", "RPUSH l a", "DEL l", "TYPE l"),
    seq("UNLINK like DEL", "MSET a 1 b 2", "UNLINK a c", "EXISTS a b"),
    seq("EXISTS counts repeats", "SET a 1", "EXISTS a a a nokey"),
    seq("TYPE of each kind", "SET s 1", "RPUSH l a", "TYPE s", "TYPE l", "TYPE nokey"),
    seq("RENAME moves value and TTL", "SET a 1 EX 100", "RENAME a b", "GET b", "TTL b", "EXISTS a"),
    seq("RENAME of a missing key", "RENAME nokey b"),
    seq("RENAME onto itself", "SET a 1", "RENAME a a", "GET a"),
    seq("RENAME a missing key onto itself", "RENAME nokey nokey"),
    seq(
      "RENAME overwrites the target and its TTL",
      "SET a 1",
      "SET b 2 EX 100",
      "RENAME a b",
      "GET b",
      "TTL b",
    ),
    seq("RENAME a list", "RPUSH l a b", "RENAME l m", "LRANGE m 0 -1"),
    seq("RENAMENX refuses an existing target", "MSET a 1 b 2", "RENAMENX a b", "MGET a b"),
    seq("RENAMENX to a new name", "SET a 1", "RENAMENX a c", "MGET a c"),
    seq("RENAMENX of a missing key", "RENAMENX nokey c"),
    seq("RENAMENX onto itself", "SET a 1", "RENAMENX a a"),
    seq("COPY to a new key", "SET a 1 EX 100", "COPY a b", "GET b", "TTL b"),
    seq("COPY refuses an existing target", "MSET a 1 b 2", "COPY a b", "GET b"),
    seq("COPY REPLACE", "MSET a 1 b 2", "COPY a b REPLACE", "GET b"),
    seq("COPY of a missing key", "COPY nokey b"),
    seq("COPY onto itself", "SET a 1", "COPY a a", "COPY a a REPLACE"),
    seq("COPY to another database", "SET a 1", "COPY a a DB 1", "SELECT 1", "GET a"),
    seq("COPY DB with bad indexes", "SET a 1", "COPY a b DB 16", "COPY a b DB -1", "COPY a b DB x"),
    seq("COPY with a bad option", "SET a 1", "COPY a b FOO", "COPY a b DB"),
    seq(
      "COPY a list is a deep copy",
      "RPUSH l a b",
      "COPY l m",
      "RPUSH m c",
      "LRANGE l 0 -1",
      "LRANGE m 0 -1",
    ),
    seq("RANDOMKEY of an empty database", "RANDOMKEY"),
    seq("RANDOMKEY with one key", "SET only 1", "RANDOMKEY"),
    seq("TOUCH counts existing keys", "MSET a 1 b 2", "TOUCH a b c a"),
    seq("KEYS of an empty database", "KEYS *"),
    seq("DBSIZE counts keys", "MSET a 1 b 2", "RPUSH l a", "DBSIZE", "DEL a", "DBSIZE"),
  ];
}

/** Whole SCAN iterations, cursor by cursor: every key exactly as Redis returns them. */
function fullScans(): Sequence[] {
  const keys = (
    n: number,
    prefix = "key:",
  ) => ["MSET", ...Array.from({ length: n }, (_, i) => [`${prefix}${i}`, `${i}`]).flat()];
  return [
    seq("a full SCAN of 1 key", keys(1), { cmd: "SCAN 0", scanAll: true }),
    seq("a full SCAN of 100 keys", keys(100), { cmd: "SCAN 0", scanAll: true }),
    seq("a full SCAN with COUNT 1", keys(40), { cmd: "SCAN 0 COUNT 1", scanAll: true }),
    seq("a full SCAN with COUNT 7", keys(300), { cmd: "SCAN 0 COUNT 7", scanAll: true }),
    seq("a full SCAN with MATCH", keys(200), keys(50, "other:"), {
      cmd: "SCAN 0 MATCH other:* COUNT 5",
      scanAll: true,
    }),
    seq("a full SCAN with TYPE", keys(60), "RPUSH l1 a", "RPUSH l2 b", {
      cmd: "SCAN 0 TYPE list COUNT 3",
      scanAll: true,
    }),
    seq("a full SCAN after deletes", keys(120), "DEL key:1 key:50 key:119", {
      cmd: "SCAN 0 COUNT 10",
      scanAll: true,
    }),
    seq("a full SCAN skips expired keys", keys(30), "PEXPIREAT key:3 1", "SET gone 1 PXAT 1", {
      cmd: "SCAN 0 COUNT 4",
      scanAll: true,
    }),
    seq("a full SCAN of another database", "SELECT 3", keys(50), {
      cmd: "SCAN 0 COUNT 8",
      scanAll: true,
    }),
  ];
}

export const sequences: Sequence[] = [...globGrid(), ...scanCases(), ...basics(), ...fullScans()];

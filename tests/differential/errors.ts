/**
 * Differential sequences for command errors: wrong arity for every command of issue 2,
 * unknown commands (Redis quotes the first arguments), wrong types, syntax errors.
 */

import { seq, type Sequence } from "../support/differential.ts";

/** Each command with an argument count Redis refuses (name included). */
const arity: [string, number][] = [
  ["GET", 1],
  ["GET", 3],
  ["SET", 2],
  ["SETNX", 2],
  ["SETEX", 3],
  ["PSETEX", 3],
  ["GETSET", 2],
  ["GETDEL", 1],
  ["GETEX", 1],
  ["MGET", 1],
  ["MSET", 1],
  ["MSET", 2],
  ["MSETNX", 1],
  ["APPEND", 2],
  ["STRLEN", 1],
  ["GETRANGE", 3],
  ["SETRANGE", 3],
  ["INCR", 1],
  ["INCR", 3],
  ["DECR", 1],
  ["INCRBY", 2],
  ["DECRBY", 4],
  ["INCRBYFLOAT", 2],
  ["DEL", 1],
  ["UNLINK", 1],
  ["EXISTS", 1],
  ["TYPE", 1],
  ["RENAME", 2],
  ["RENAMENX", 4],
  ["COPY", 2],
  ["KEYS", 1],
  ["KEYS", 3],
  ["SCAN", 1],
  ["RANDOMKEY", 2],
  ["EXPIRE", 2],
  ["PEXPIRE", 2],
  ["EXPIREAT", 2],
  ["PEXPIREAT", 2],
  ["TTL", 1],
  ["PTTL", 3],
  ["EXPIRETIME", 1],
  ["PEXPIRETIME", 1],
  ["PERSIST", 1],
  ["TOUCH", 1],
  ["SELECT", 1],
  ["MOVE", 2],
  ["SWAPDB", 2],
  ["LPUSH", 2],
  ["RPUSH", 1],
  ["LPOP", 1],
  ["RPOP", 4],
  ["LLEN", 1],
  ["LRANGE", 3],
  ["LINDEX", 2],
];

function arityCases(): Sequence[] {
  const out: Sequence[] = [];
  for (const [name, argc] of arity) {
    const argv = [name, ...Array.from({ length: argc - 1 }, (_, i) => `a${i}`)];
    out.push(seq(`${name} with ${argc - 1} arguments is refused`, argv));
  }
  out.push(seq("arity errors name the command in lower case", "gEt", "SeT a"));
  return out;
}

function unknownCommands(): Sequence[] {
  return [
    seq("an unknown command", "FOO"),
    seq("an unknown command with arguments", "FOO a b c"),
    seq("an unknown command keeps the case it was sent in", "fOo Bar"),
    seq("an unknown command with a long argument", ["NOPE", "x".repeat(200), "y"]),
    seq("an unknown command with many arguments", [
      "NOPE",
      ...Array.from({ length: 40 }, (_, i) => `arg${i}`),
    ]),
    seq("an unknown command with a long name", ["N".repeat(300)]),
    seq("an unknown command with an empty name", [""]),
    seq("an unknown command with spaces and newlines", ["a b", "c\r\nd"]),
    seq("an unknown command does not stop the next", "FOO", "PING"),
    seq("a command name with trailing bytes", "GETX k", "GET\x00 k"),
  ];
}

function wrongType(): Sequence[] {
  const onList = [
    "GET k",
    "GETSET k v",
    "GETDEL k",
    "GETEX k",
    "APPEND k v",
    "STRLEN k",
    "GETRANGE k 0 1",
    "SETRANGE k 0 v",
    "INCR k",
    "DECR k",
    "INCRBY k 1",
    "DECRBY k 1",
    "INCRBYFLOAT k 1",
    "SETNX k v",
  ];
  const onString = [
    "LPUSH k a",
    "RPUSH k a",
    "LPOP k",
    "RPOP k",
    "LLEN k",
    "LRANGE k 0 -1",
    "LINDEX k 0",
    "LPOP k 2",
  ];
  return [
    ...onList.map((c) => seq(`${c} on a list is WRONGTYPE`, "RPUSH k x", c, "LRANGE k 0 -1")),
    ...onString.map((c) => seq(`${c} on a string is WRONGTYPE`, "SET k x", c, "GET k")),
  ];
}

function syntax(): Sequence[] {
  return [
    seq("SET with a trailing word", "SET k v EX 10 extra"),
    seq("GETEX with a trailing word", "SET k v", "GETEX k PERSIST extra"),
    seq("COPY with a trailing word", "SET k v", "COPY k j REPLACE extra"),
    seq("EXPIRE with a trailing word", "SET k v", "EXPIRE k 10 NX extra"),
    seq("SCAN with a trailing word", "SCAN 0 MATCH * extra"),
    seq("LPOP with a bad count", "RPUSH l a", "LPOP l x", "LPOP l -1", "LPOP l 0"),
    seq("errors do not change state", "SET k 1", "INCRBY k x", "SET k 2 NX XX", "GET k"),
  ];
}

export const sequences: Sequence[] = [
  ...arityCases(),
  ...unknownCommands(),
  ...wrongType(),
  ...syntax(),
];

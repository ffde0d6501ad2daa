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
    seq("an unknown subcommand with a NUL byte", ["CLIENT", "x\x00y"], ["CONFIG", "\x00"]),
    seq("an unknown command with NUL bytes in its arguments", ["NOPE", "a\x00b", "\x00", "c"]),
    ...[
      ["EXPIRE", "k", "10", "a\x00b"],
      ["HELLO", "3", "a\x00b"],
      ["HELLO", "a\x00"],
      ["SET", "k", "v", "a\x00b"],
      ["COPY", "k", "j", "a\x00b"],
      ["SCAN", "0", "a\x00b"],
      ["CLIENT", "SETNAME", "a\x00b"],
      ["CLIENT", "KILL", "a\x00b"],
      ["CONFIG", "GET", "a\x00b"],
      ["CLIENT", "LIST", "TYPE", "a\x00b"],
      ["CLIENT", "KILL", "USER", "a\x00b"],
      ["CONFIG", "SET", "a\x00b", "1"],
    ].map((cmd) =>
      seq(
        `${cmd.filter((w) => !w.includes("\x00")).join(" ")} quoting an argument with a NUL`,
        "SET k v",
        cmd,
      )
    ),
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

/** A valid call of each command, to which extra arguments are then added. */
const validCalls = [
  "GET k",
  "SET k v",
  "SETNX k v",
  "SETEX k 10 v",
  "PSETEX k 10000 v",
  "GETSET k v",
  "GETDEL k",
  "GETEX k",
  "GETEX k PERSIST",
  "MGET k",
  "MSET k v",
  "MSETNX k v",
  "APPEND k v",
  "STRLEN k",
  "GETRANGE k 0 1",
  "SETRANGE k 0 v",
  "INCR n",
  "DECR n",
  "INCRBY n 1",
  "DECRBY n 1",
  "INCRBYFLOAT n 1",
  "DEL k",
  "UNLINK k",
  "EXISTS k",
  "TYPE k",
  "RENAME k j",
  "RENAMENX k j",
  "COPY k j",
  "COPY k j REPLACE",
  "KEYS *",
  "SCAN 0",
  "RANDOMKEY",
  "EXPIRE k 10",
  "PEXPIRE k 10000",
  "EXPIREAT k 4102444800",
  "PEXPIREAT k 4102444800000",
  "TTL k",
  "PTTL k",
  "EXPIRETIME k",
  "PEXPIRETIME k",
  "PERSIST k",
  "TOUCH k",
  "SELECT 0",
  "MOVE k 1",
  "SWAPDB 0 1",
  "DBSIZE",
  "FLUSHDB",
  "LPUSH l a",
  "RPUSH l a",
  "LPOP l",
  "RPOP l 1",
  "LLEN l",
  "LRANGE l 0 -1",
  "LINDEX l 0",
  "PING",
  "ECHO x",
  "CLIENT GETNAME",
  "CLIENT SETNAME x",
];

/** Each command with one and then two extra arguments, and the state afterwards. */
function trailingArgs(): Sequence[] {
  return validCalls.map((call) =>
    seq(
      `${call} with extra arguments`,
      "SET k v",
      "SET n 1",
      "RPUSH l a b",
      `${call} extra`,
      `${call} extra 1`,
      { cmd: "KEYS *", unordered: true },
      "MGET k j n",
    )
  );
}

export const sequences: Sequence[] = [
  ...trailingArgs(),
  ...arityCases(),
  ...unknownCommands(),
  ...wrongType(),
  ...syntax(),
];

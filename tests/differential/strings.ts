/**
 * Differential sequences for the string commands: SET and its options, the GET family,
 * counters, ranges and APPEND, each with its edge cases and errors.
 */

import { seq, type Sequence } from "../support/differential.ts";

const setOptions = [
  "NX",
  "XX",
  "GET",
  "NX GET",
  "XX GET",
  "EX 100",
  "PX 100000",
  "EXAT 4102444800",
  "PXAT 4102444800000",
  "KEEPTTL",
  "EX 100 NX",
  "EX 100 XX GET",
  "KEEPTTL GET",
  "nx",
  "ex 100",
];
const badSetOptions = [
  "NX XX",
  "EX 10 PX 10",
  "EX 10 KEEPTTL",
  "PX 10 EXAT 10",
  "EX",
  "EX 0",
  "EX -1",
  "PX 0",
  "EX abc",
  "EX 1.5",
  "EX 9223372036854775807",
  "PX 9223372036854775807",
  "EXAT 0",
  "FOO",
  "GET GET XX NX",
];

/** SET with each option, on a missing key and on an existing one with a TTL. */
function setGrid(): Sequence[] {
  const out: Sequence[] = [];
  for (const opt of setOptions) {
    out.push(seq(`SET ${opt} on a missing key`, `SET k v ${opt}`, "GET k", "TTL k"));
    out.push(
      seq(`SET ${opt} on a key with a TTL`, "SET k old EX 500", `SET k v ${opt}`, "GET k", "TTL k"),
    );
  }
  for (const opt of badSetOptions) {
    out.push(seq(`SET ${opt} is refused`, `SET k v ${opt}`, "GET k"));
  }
  out.push(seq("SET GET on a list is WRONGTYPE", "RPUSH k a", "SET k v GET", "TYPE k"));
  out.push(seq("SET NX GET on a list", "RPUSH k a", "SET k v NX GET", "TYPE k"));
  return out;
}

const counterValues = [
  "0",
  "-1",
  "9223372036854775807",
  "-9223372036854775808",
  "9223372036854775806",
  "12abc",
  "",
  " 1",
  "1 ",
  "+1",
  "01",
  "1.0",
  "-0",
  "99999999999999999999",
];

function counterGrid(): Sequence[] {
  const out: Sequence[] = [];
  for (const v of counterValues) {
    out.push(seq(`INCR of ${JSON.stringify(v)}`, ["SET", "n", v], "INCR n", "GET n"));
    out.push(seq(`DECR of ${JSON.stringify(v)}`, ["SET", "n", v], "DECR n", "GET n"));
  }
  const increments = [
    "1",
    "-1",
    "0",
    "9223372036854775807",
    "-9223372036854775808",
    "x",
    "1.5",
    "",
  ];
  for (const by of increments) {
    out.push(seq(`INCRBY ${JSON.stringify(by)}`, "SET n 10", ["INCRBY", "n", by], "GET n"));
    out.push(seq(`DECRBY ${JSON.stringify(by)}`, "SET n -10", ["DECRBY", "n", by], "GET n"));
  }
  out.push(seq("INCR on a missing key starts at 0", "INCR n", "INCR n", "GET n"));
  out.push(seq("INCRBY on a missing key", "INCRBY n 42", "DECRBY m 42", "MGET n m"));
  out.push(seq("INCR on a list is WRONGTYPE", "LPUSH n 1", "INCR n", "DECRBY n 3"));
  out.push(seq("INCR keeps the TTL", "SET n 1 EX 100", "INCR n", "TTL n"));
  out.push(seq("DECRBY of the minimum overflows", "SET n 0", "DECRBY n -9223372036854775808"));
  out.push(
    seq(
      "INCRBY overflow leaves the value",
      "SET n 9223372036854775800",
      "INCRBY n 8",
      "INCRBY n 7",
      "GET n",
    ),
  );
  out.push(seq("DECR below the minimum", "SET n -9223372036854775808", "DECR n", "GET n"));
  return out;
}

function floatGrid(): Sequence[] {
  const cases: [string, string][] = [
    ["10.5", "0.1"],
    ["3.0e3", "200"],
    ["5", "-5"],
    ["0", "1e-5"],
    ["1", "1e20"],
    ["1", "inf"],
    ["1", "-inf"],
    ["1", "nan"],
    ["abc", "1"],
    ["1", "abc"],
    ["1", ""],
    ["1", " 1"],
    ["10", "1.5e1"],
    ["1.1", "2.2"],
    ["0.1", "0.2"],
    ["-1", "0.5"],
    ["17179869184", "1.5"],
    ["5.0000000000000001", "0"],
    ["1", "0x10"],
    ["1.5", "-1.5"],
  ];
  const out = cases.map(([v, by]) =>
    seq(`INCRBYFLOAT ${JSON.stringify(v)} by ${JSON.stringify(by)}`, ["SET", "f", v], [
      "INCRBYFLOAT",
      "f",
      by,
    ], "GET f")
  );
  out.push(seq("INCRBYFLOAT on a missing key", "INCRBYFLOAT f 2.5", "GET f"));
  out.push(seq("INCRBYFLOAT on a list is WRONGTYPE", "RPUSH f 1", "INCRBYFLOAT f 1"));
  out.push(seq("INCRBYFLOAT keeps the TTL", "SET f 1 EX 100", "INCRBYFLOAT f 1", "TTL f"));
  return out;
}

const ranges: [string, string][] = [
  ["0", "-1"],
  ["0", "0"],
  ["2", "4"],
  ["-3", "-1"],
  ["5", "3"],
  ["-100", "100"],
  ["100", "200"],
  ["-1", "-100"],
  ["0", "9223372036854775807"],
  ["-9223372036854775808", "2"],
  ["a", "1"],
  ["1", "1.5"],
];

function rangeGrid(): Sequence[] {
  const out = ranges.map(([a, b]) =>
    seq(`GETRANGE ${a} ${b}`, "SET s Hello,World", `GETRANGE s ${a} ${b}`)
  );
  out.push(seq("GETRANGE of a missing key", "GETRANGE nokey 0 -1"));
  out.push(seq("GETRANGE of an empty string", ["SET", "s", ""], "GETRANGE s 0 -1"));
  out.push(seq("GETRANGE of a list", "RPUSH s a", "GETRANGE s 0 1"));
  const offsets = ["0", "3", "11", "20", "-1", "x", "536870911", "536870912"];
  for (const off of offsets) {
    out.push(
      seq(`SETRANGE at ${off}`, "SET s Hello,World", `SETRANGE s ${off} XY`, "GET s", "STRLEN s"),
    );
  }
  out.push(
    seq("SETRANGE on a missing key pads with zeros", "SETRANGE s 5 ab", "GET s", "STRLEN s"),
  );
  out.push(
    seq("SETRANGE with an empty value on a missing key", ["SETRANGE", "s", "5", ""], "EXISTS s"),
  );
  out.push(
    seq(
      "SETRANGE with an empty value keeps the string",
      "SET s abc",
      ["SETRANGE", "s", "10", ""],
      "GET s",
    ),
  );
  out.push(seq("SETRANGE on a list", "RPUSH s a", "SETRANGE s 0 b"));
  return out;
}

function getFamily(): Sequence[] {
  return [
    seq("GET of a missing key", "GET nokey"),
    seq("GET of a list is WRONGTYPE", "RPUSH l a", "GET l"),
    seq("SETNX only once", "SETNX k a", "SETNX k b", "GET k"),
    seq("SETEX sets a TTL", "SETEX k 100 v", "GET k", "TTL k"),
    seq(
      "SETEX refuses zero and negative",
      "SETEX k 0 v",
      "SETEX k -5 v",
      "SETEX k x v",
      "EXISTS k",
    ),
    seq("PSETEX sets a TTL", "PSETEX k 100000 v", "GET k", "TTL k"),
    seq("PSETEX refuses zero", "PSETEX k 0 v", "EXISTS k"),
    seq("GETSET returns the old value", "GETSET k a", "GETSET k b", "GET k"),
    seq("GETSET drops the TTL", "SET k a EX 100", "GETSET k b", "TTL k"),
    seq("GETSET on a list", "RPUSH k a", "GETSET k b"),
    seq("GETDEL removes the key", "SET k v", "GETDEL k", "GETDEL k", "EXISTS k"),
    seq("GETDEL on a list", "RPUSH k a", "GETDEL k", "TYPE k"),
    seq("GETEX without options", "SET k v EX 100", "GETEX k", "TTL k"),
    seq("GETEX EX", "SET k v", "GETEX k EX 200", "TTL k"),
    seq("GETEX PX", "SET k v", "GETEX k PX 200000", "TTL k"),
    seq("GETEX EXAT", "SET k v", "GETEX k EXAT 4102444800", "EXPIRETIME k"),
    seq("GETEX PXAT", "SET k v", "GETEX k PXAT 4102444800123", "PEXPIRETIME k"),
    seq("GETEX PERSIST", "SET k v EX 100", "GETEX k PERSIST", "TTL k"),
    seq("GETEX of a missing key", "GETEX nokey EX 10"),
    seq(
      "GETEX bad options",
      "SET k v",
      "GETEX k EX",
      "GETEX k EX 0",
      "GETEX k EX 10 PX 10",
      "GETEX k FOO",
      "GETEX k PERSIST EX 10",
      "GETEX k EX -1",
      "TTL k",
    ),
    seq("GETEX EXAT in the past deletes", "SET k v", "GETEX k EXAT 1", "EXISTS k"),
    seq(
      "MGET mixes values, missing keys and other types",
      "SET a 1",
      "RPUSH l x",
      "MGET a nokey l a",
    ),
    seq("MSET sets all", "MSET a 1 b 2 c 3", "MGET a b c"),
    seq("MSET with an odd count", "MSET a 1 b", "EXISTS a"),
    seq(
      "MSET overwrites other types and TTLs",
      "RPUSH a x",
      "SET b y EX 100",
      "MSET a 1 b 2",
      "TYPE a",
      "TTL b",
    ),
    seq(
      "MSETNX all or nothing",
      "SET b x",
      "MSETNX a 1 b 2",
      "MGET a b",
      "MSETNX c 1 d 2",
      "MGET c d",
    ),
    seq("MSETNX with an odd count", "MSETNX a 1 b"),
    seq("MSETNX with a repeated key", "MSETNX a 1 a 2", "GET a"),
    seq("APPEND creates and extends", "APPEND k Hello", "APPEND k World", "GET k", "STRLEN k"),
    seq("APPEND an empty string", ["APPEND", "k", ""], "EXISTS k", "GET k"),
    seq("APPEND to an integer", "SET k 12", "APPEND k 34", "INCR k"),
    seq("APPEND to a list", "RPUSH k a", "APPEND k b"),
    seq(
      "STRLEN of missing, string and list",
      "STRLEN nokey",
      "SET k abc",
      "STRLEN k",
      "RPUSH l a",
      "STRLEN l",
    ),
    seq(
      "SET then GET of a number keeps its text",
      "SET k 007",
      "GET k",
      "INCR k",
      "SET k 1e3",
      "INCR k",
    ),
    seq(
      "SET KEEPTTL keeps the TTL",
      "SET k a EX 100",
      "SET k b KEEPTTL",
      "TTL k",
      "SET k c",
      "TTL k",
    ),
    seq("SET EXAT in the past deletes", "SET k a", "SET k b EXAT 1", "EXISTS k"),
    seq(
      "SET PXAT in the past with GET returns the old value",
      "SET k a",
      "SET k b PXAT 1 GET",
      "GET k",
    ),
  ];
}

export const sequences: Sequence[] = [
  ...setGrid(),
  ...counterGrid(),
  ...floatGrid(),
  ...rangeGrid(),
  ...getFamily(),
];

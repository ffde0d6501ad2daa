/**
 * Differential sequences for LCS (LEN, IDX, MINMATCHLEN, WITHMATCHLEN: the match list's
 * shape in RESP2 and RESP3, ties between equally long subsequences, empty and missing
 * strings) and for SUBSTR, GETRANGE's old name.
 */

import { bin, seq, type Sequence } from "../support/differential.ts";

const pairs: [string, string, string][] = [
  ["the docs example", "ohmytext", "mynewtext"],
  ["no common byte", "abc", "xyz"],
  ["identical", "hello", "hello"],
  ["one is empty", "", "abc"],
  ["ties", "abcd", "badc"],
  ["repeats", "aaaa", "aa"],
  ["reversed", "abcdef", "fedcba"],
  ["interleaved", "a1b2c3d4", "abcd1234"],
  ["long runs", "xxxxhelloyyyyworldzz", "helloQQworldRRhello"],
];

const options = [
  "",
  "LEN",
  "IDX",
  "IDX WITHMATCHLEN",
  "IDX MINMATCHLEN 2",
  "IDX MINMATCHLEN 4 WITHMATCHLEN",
  "IDX MINMATCHLEN 0",
  "IDX MINMATCHLEN -5",
  "LEN IDX",
  "len",
  "idx withmatchlen minmatchlen 1",
  "WITHMATCHLEN",
  "MINMATCHLEN 2",
  "IDX MINMATCHLEN x",
  "IDX MINMATCHLEN",
  "FOO",
  "IDX IDX",
];

function grid(): Sequence[] {
  const out: Sequence[] = [];
  for (const [name, a, b] of pairs) {
    for (const opt of options) {
      out.push(
        seq(
          `LCS ${name} ${opt}`.trimEnd(),
          ["SET", "a", a],
          ["SET", "b", b],
          `LCS a b ${opt}`.trimEnd(),
        ),
      );
    }
  }
  return out;
}

export const sequences: Sequence[] = [
  ...grid(),
  seq(
    "LCS missing keys",
    "LCS a b",
    "LCS a b LEN",
    "LCS a b IDX",
    "SET a x",
    "LCS a b IDX WITHMATCHLEN",
  ),
  seq("LCS on a list", "RPUSH a x", "SET b x", "LCS a b", "LCS b a", "LCS b a LEN"),
  seq("LCS with itself", "SET a abcabc", "LCS a a IDX WITHMATCHLEN"),
  seq(
    "LCS binary bytes",
    ["SET", "a", bin("\x00\xff\x80a\x00")],
    ["SET", "b", bin("\xff\x00a\x80\x00")],
    "LCS a b",
    "LCS a b IDX WITHMATCHLEN",
  ),
  seq("LCS of integers", "SET a 12345", "SET b 2a4", "LCS a b IDX"),
  seq("LCS arity", "LCS a"),
  seq(
    "LCS longer strings",
    ["SET", "a", "The quick brown fox jumps over the lazy dog ".repeat(4)],
    ["SET", "b", "A quick brown dog jumps over the lazy fox ".repeat(4)],
    "LCS a b",
    "LCS a b LEN",
    "LCS a b IDX MINMATCHLEN 5 WITHMATCHLEN",
  ),
  seq(
    "SUBSTR",
    "SET k hello",
    "SUBSTR k 1 3",
    "SUBSTR k -3 -1",
    "SUBSTR k 5 10",
    "SUBSTR nokey 0 1",
  ),
  seq("SUBSTR errors", "SET k hello", "SUBSTR k x 1", "SUBSTR k 0", "RPUSH l a", "SUBSTR l 0 1"),
];

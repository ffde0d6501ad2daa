/**
 * Differential sequences with binary keys and values: every byte value, NUL, CR/LF,
 * invalid UTF-8, empty strings and large values must round-trip unchanged.
 */

import { bin, seq, type Sequence } from "../support/differential.ts";

const allBytes = bin(Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join(""));
const crlf = bin("a\r\nb\r\n\r\n");
const nul = bin("\x00\x00x\x00");
const badUtf8 = bin("\xff\xfe\xc3\x28\xe2\x82");
const big = bin("xyz".repeat(40000) + "\x00\xff");

export const sequences: Sequence[] = [
  seq(
    "every byte value as a value",
    ["SET", "k", allBytes],
    "GET k",
    "STRLEN k",
    "GETRANGE k 250 -1",
  ),
  seq(
    "every byte value as a key",
    ["SET", allBytes, "v"],
    ["GET", allBytes],
    ["EXISTS", allBytes],
    ["TYPE", allBytes],
  ),
  seq("CR and LF inside a value", ["SET", "k", crlf], "GET k", ["APPEND", "k", crlf], "GET k"),
  seq("NUL bytes in keys and values", ["SET", nul, nul], ["GET", nul], ["MGET", nul, "x"], [
    "STRLEN",
    nul,
  ]),
  seq("invalid UTF-8 round-trips", ["SET", badUtf8, badUtf8], ["GET", badUtf8], [
    "GETRANGE",
    badUtf8,
    "1",
    "3",
  ]),
  seq("SETRANGE with binary", ["SET", "k", allBytes], ["SETRANGE", "k", "10", nul], [
    "GETRANGE",
    "k",
    "8",
    "16",
  ]),
  seq("a 120 KB value", ["SET", "k", big], "STRLEN k", "GETRANGE k -5 -1", { cmd: "GET k" }),
  seq("APPEND builds binary", ["APPEND", "k", nul], ["APPEND", "k", badUtf8], "GET k"),
  seq("binary list elements", ["RPUSH", "l", nul, crlf, badUtf8], "LRANGE l 0 -1", "LINDEX l 1"),
  seq("binary keys in KEYS", ["SET", nul, "1"], ["SET", crlf, "2"], {
    cmd: "KEYS *",
    unordered: true,
  }),
  seq("binary glob pattern", ["SET", bin("a\x00b"), "1"], ["KEYS", bin("a\x00*")], [
    "KEYS",
    bin("a?b"),
  ]),
  seq("an empty key", ["SET", "", "empty"], ["GET", ""], ["EXISTS", ""], ["DEL", ""]),
  seq("an empty value", ["SET", "k", ""], "GET k", "STRLEN k", "EXISTS k"),
  seq("a value that looks like RESP", ["SET", "k", "*1\r\n$4\r\nPING\r\n"], "GET k"),
  seq("a high byte counter is not an integer", ["SET", "n", bin("1\xff")], "INCR n"),
  seq("an unknown binary command", [bin("\xff\x00cmd"), bin("\x01arg")]),
  seq("binary ECHO", ["ECHO", allBytes]),
  seq("binary RENAME and COPY", ["SET", nul, "v"], ["RENAME", nul, crlf], ["COPY", crlf, badUtf8], [
    "MGET",
    nul,
    crlf,
    badUtf8,
  ]),
  seq("UTF-8 text round-trips", ["SET", "ключ", "значение ✓"], ["GET", "ключ"], ["STRLEN", "ключ"]),
  seq("GETRANGE inside a UTF-8 character", ["SET", "k", "✓✓"], "GETRANGE k 1 3"),
];

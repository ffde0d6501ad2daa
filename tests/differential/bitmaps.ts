/**
 * Differential sequences for the bit commands on strings (SETBIT GETBIT BITCOUNT BITPOS
 * BITOP BITFIELD BITFIELD_RO): bit order inside a byte, zero padding, BYTE and BIT ranges
 * with negative and out-of-range ends, every overflow mode for signed and unsigned widths
 * up to 64 bits, `#` offsets, bytes above 0x7f, and the error texts and their precedence.
 */

import { bin, seq, type Sequence } from "../support/differential.ts";

/** Bytes with high bits set, so that byte strings (not UTF-8) are exercised. */
const BYTES = bin("\xff\xf0\x00\x81\x7f\x80\x01\xaa");

const ranges = [
  "0 -1",
  "0 0",
  "1 1",
  "-1 -1",
  "-2 -1",
  "-1 -2",
  "2 1",
  "-100 100",
  "5 100",
  "100 200",
  "-100 -50",
  "0 9223372036854775807",
  "-9223372036854775808 -1",
];

function bitcountGrid(): Sequence[] {
  const out: Sequence[] = [];
  for (const r of ranges) {
    for (const unit of ["", " BYTE", " BIT"]) {
      out.push(seq(`BITCOUNT ${r}${unit}`, ["SET", "k", BYTES], `BITCOUNT k ${r}${unit}`));
    }
  }
  for (const r of ["3 12 BIT", "1 6 BIT", "9 9 BIT", "7 8 BIT", "0 63 BIT", "-9 -3 BIT"]) {
    out.push(seq(`BITCOUNT ${r} within bytes`, ["SET", "k", BYTES], `BITCOUNT k ${r}`));
  }
  return out;
}

const bitposArgs = [
  "1",
  "0",
  "1 0",
  "0 0",
  "1 2",
  "0 2",
  "1 -1",
  "0 -1",
  "1 0 -1",
  "0 0 -1",
  "1 3 3",
  "0 3 3",
  "0 1 1",
  "1 2 2",
  "1 100",
  "0 100",
  "1 -100 -50",
  "1 2 1",
  "1 0 -1 BIT",
  "0 0 -1 BIT",
  "1 17 30 BIT",
  "0 17 30 BIT",
  "1 19 20 BIT",
  "0 9 12 BIT",
  "0 8 11 BIT",
  "1 20 BIT",
  "0 20 BIT",
  "1 -5 BIT",
  "0 60 BIT",
  "1 61 63 BIT",
  "0 -3 -1 BIT",
  "1 0 5 BYTE",
  "0 0 0 BYTE",
];

function bitposGrid(): Sequence[] {
  const out: Sequence[] = [];
  for (const args of bitposArgs) {
    out.push(seq(`BITPOS ${args}`, ["SET", "k", BYTES], `BITPOS k ${args}`));
  }
  for (const args of ["0", "1", "0 0 -1", "0 1", "0 0 -1 BIT", "0 3 BIT", "1 0 -1 BIT"]) {
    out.push(
      seq(`BITPOS ${args} on all ones`, ["SET", "k", bin("\xff\xff\xff")], `BITPOS k ${args}`),
    );
    out.push(seq(`BITPOS ${args} on all zeros`, ["SET", "k", bin("\0\0\0")], `BITPOS k ${args}`));
  }
  out.push(
    seq("BITPOS on an empty string", "SET k x", "SETRANGE k 0 ''", "BITPOS k 0", "BITPOS k 1"),
  );
  return out;
}

const bitfieldOps = [
  "GET u8 0",
  "GET i8 0",
  "GET u1 3",
  "GET i1 0",
  "GET u63 0",
  "GET i64 0",
  "GET i64 3",
  "GET u5 7",
  "GET i13 13",
  "GET u8 100",
  "GET u16 #1",
  "GET i8 #7",
  "GET u8 #100",
  "SET u8 0 255",
  "SET u8 0 256",
  "SET u8 0 -1",
  "SET i8 0 127",
  "SET i8 0 128",
  "SET i8 0 -129",
  "SET u1 7 1",
  "SET i64 0 -9223372036854775808",
  "SET i64 5 9223372036854775807",
  "SET u63 1 9223372036854775807",
  "SET u63 1 -1",
  "SET i5 #3 -16",
  "SET u8 #2 10",
  "INCRBY u8 0 1",
  "INCRBY u8 0 300",
  "INCRBY u8 0 -300",
  "INCRBY i8 0 1",
  "INCRBY i8 8 -100",
  "INCRBY i8 8 -200",
  "INCRBY i64 0 9223372036854775807",
  "INCRBY i64 0 -9223372036854775808",
  "INCRBY u63 0 9223372036854775807",
  "INCRBY u2 100 5",
  "INCRBY i3 #5 -5",
];

function bitfieldGrid(): Sequence[] {
  const out: Sequence[] = [];
  for (const op of bitfieldOps) {
    for (const overflow of ["", "OVERFLOW WRAP ", "OVERFLOW SAT ", "OVERFLOW FAIL "]) {
      if (overflow && op.startsWith("GET")) continue;
      out.push(
        seq(
          `BITFIELD ${overflow}${op}`,
          ["SET", "k", BYTES],
          `BITFIELD k ${overflow}${op}`,
          "GET k",
          "STRLEN k",
        ),
      );
    }
    out.push(seq(`BITFIELD ${op} on a missing key`, `BITFIELD k ${op}`, "GET k", "EXISTS k"));
  }
  return out;
}

const bitfieldErrors = [
  "BITFIELD k GET",
  "BITFIELD k GET u8",
  "BITFIELD k GET u64 0",
  "BITFIELD k GET i65 0",
  "BITFIELD k GET i0 0",
  "BITFIELD k GET u0 0",
  "BITFIELD k GET x8 0",
  "BITFIELD k GET U8 0",
  "BITFIELD k GET u08 0",
  "BITFIELD k GET u8 -1",
  "BITFIELD k GET u8 #-1",
  "BITFIELD k GET u8 ##1",
  "BITFIELD k GET u8 1.5",
  "BITFIELD k GET u8 4294967296",
  "BITFIELD k GET u8 4294967295",
  "BITFIELD k GET u8 #536870912",
  "BITFIELD k SET u8 0",
  "BITFIELD k SET u8 0 x",
  "BITFIELD k SET u8 0 9223372036854775808",
  "BITFIELD k INCRBY u8 0 1.0",
  "BITFIELD k OVERFLOW",
  "BITFIELD k OVERFLOW BAD GET u8 0",
  "BITFIELD k overflow sat incrby u8 0 1000 get u8 0",
  "BITFIELD k FOO",
  "BITFIELD k GET u8 0 FOO",
  "BITFIELD k GET u8 0 SET u8 0 1 OVERFLOW",
  "BITFIELD k",
  "BITFIELD_RO k GET u8 0 GET i4 4",
  "BITFIELD_RO k SET u8 0 1",
  "BITFIELD_RO k INCRBY u8 0 1",
  "BITFIELD_RO k OVERFLOW SAT GET u8 0",
  "BITFIELD_RO k",
  "BITFIELD_RO k GET u64 0",
  "BITFIELD_RO k FOO",
];

const bitopCases: [string, ...(string | readonly (string | Uint8Array)[])[]][] = [
  ["BITOP AND", "SET a abc", "SET b a", "BITOP AND d a b", "GET d"],
  ["BITOP OR", "SET a abc", "SET b \x01", "BITOP OR d a b", "GET d"],
  ["BITOP XOR with a missing key", "SET a abc", "BITOP XOR d a nokey", "GET d"],
  ["BITOP NOT", ["SET", "a", BYTES], "BITOP NOT d a", "GET d"],
  ["BITOP NOT with two keys", "SET a x", "BITOP NOT d a b"],
  ["BITOP NOT of a missing key deletes", "SET d x", "BITOP NOT d nokey", "EXISTS d"],
  ["BITOP of missing keys deletes the destination", "SET d x", "BITOP AND d n1 n2", "EXISTS d"],
  ["BITOP AND of one key copies it", ["SET", "a", BYTES], "BITOP AND d a", "GET d"],
  ["BITOP onto a source key", "SET a ab", "SET b xyz", "BITOP XOR a a b", "GET a"],
  ["BITOP lowercase op", "SET a ab", "BITOP or d a a", "GET d"],
  ["BITOP unknown op", "SET a ab", "BITOP NAND d a", "BITOP DIFF d a a"],
  ["BITOP on a list source", "RPUSH l a", "SET a b", "BITOP OR d a l", "EXISTS d"],
  ["BITOP onto a list destination", "RPUSH l a", "SET a b", "BITOP OR l a", "TYPE l", "GET l"],
  ["BITOP keeps no TTL", "SET d old EX 100", "SET a b", "BITOP OR d a", "TTL d"],
  [
    "BITOP long strings",
    [
      "SET",
      "a",
      "x".repeat(100),
    ],
    ["SET", "b", "\x0f".repeat(37)],
    "BITOP AND d a b",
    "GET d",
    "BITOP XOR e a b",
    "GET e",
  ],
  ["BITOP of integers", "SET a 12345", "SET b 99", "BITOP OR d a b", "GET d"],
];

export const sequences: Sequence[] = [
  seq("SETBIT builds a string bit by bit", "SETBIT k 1 1", "GET k", "SETBIT k 7 1", "GET k"),
  seq("SETBIT returns the old bit", "SETBIT k 5 1", "SETBIT k 5 1", "SETBIT k 5 0", "GET k"),
  seq("SETBIT pads with zero bytes", "SET k a", "SETBIT k 100 1", "GET k", "STRLEN k"),
  seq("SETBIT clearing past the end still grows", "SETBIT k 30 0", "GET k", "STRLEN k"),
  seq("SETBIT on a high byte", ["SET", "k", BYTES], "SETBIT k 0 0", "SETBIT k 20 1", "GET k"),
  seq("SETBIT on an integer string", "SET k 10", "SETBIT k 7 0", "GET k", "INCR k"),
  seq("SETBIT keeps the TTL", "SET k a EX 100", "SETBIT k 1 0", "TTL k"),
  seq("SETBIT bad bit values", "SETBIT k 0 2", "SETBIT k 0 -1", "SETBIT k 0 x", "EXISTS k"),
  seq("SETBIT bad offsets", "SETBIT k -1 1", "SETBIT k x 1", "SETBIT k 4294967296 1"),
  seq("SETBIT offset and bit both bad", "SETBIT k -1 5"),
  seq("SETBIT on a list", "RPUSH k a", "SETBIT k 0 1", "SETBIT k -1 1", "SETBIT k 0 5"),
  seq("GETBIT", ["SET", "k", BYTES], "GETBIT k 0", "GETBIT k 4", "GETBIT k 24", "GETBIT k 31"),
  seq("GETBIT past the end", "SET k a", "GETBIT k 8", "GETBIT k 4294967295", "GETBIT nokey 3"),
  seq("GETBIT errors", "SET k a", "GETBIT k -1", "GETBIT k x", "GETBIT k 4294967296"),
  seq("GETBIT on a list", "RPUSH k a", "GETBIT k 0", "GETBIT k -1"),
  seq("GETBIT on an integer", "SET k 255", "GETBIT k 2", "GETBIT k 3"),
  seq("BITCOUNT whole", ["SET", "k", BYTES], "BITCOUNT k", "BITCOUNT nokey"),
  seq("BITCOUNT of a missing key ignores bad arguments", "BITCOUNT nokey a b", "BITCOUNT nokey 0"),
  seq("BITCOUNT errors", "SET k a", "BITCOUNT k 0", "BITCOUNT k a 1", "BITCOUNT k 0 b"),
  seq("BITCOUNT bad unit", "SET k a", "BITCOUNT k 0 1 BITS", "BITCOUNT k 0 1 bit"),
  seq("BITCOUNT too many arguments", "SET k a", "BITCOUNT k 0 1 BIT x"),
  seq("BITCOUNT on a list", "RPUSH k a", "BITCOUNT k", "BITCOUNT k x y"),
  seq("BITCOUNT on an integer", "SET k 1234", "BITCOUNT k", "BITCOUNT k 1 2"),
  ...bitcountGrid(),
  seq("BITPOS missing key", "BITPOS nokey 1", "BITPOS nokey 0", "BITPOS nokey 0 5 10 BIT"),
  seq("BITPOS errors", "SET k a", "BITPOS k 2", "BITPOS k x", "BITPOS k -1", "BITPOS k 1 x"),
  seq("BITPOS bad end", "SET k a", "BITPOS k 1 0 x", "BITPOS k 1 0 1 BITS", "BITPOS k 1 0 1 2 3"),
  seq("BITPOS bad bit on a missing key", "BITPOS nokey 2", "BITPOS nokey 1 x"),
  seq("BITPOS on a list", "RPUSH k a", "BITPOS k 1", "BITPOS k 3"),
  seq("BITPOS on an integer", "SET k 42", "BITPOS k 1", "BITPOS k 0 1"),
  ...bitposGrid(),
  ...bitopCases.map(([name, ...steps]) => seq(name, ...steps)),
  seq("BITOP arity", "BITOP AND d", "BITOP NOT d"),
  ...bitfieldGrid(),
  ...bitfieldErrors.map((cmd) => seq(cmd, ["SET", "k", BYTES], cmd, "GET k")),
  seq("BITFIELD several ops in order", "BITFIELD k SET u8 0 200 INCRBY u8 0 100 GET u8 0"),
  seq(
    "BITFIELD overflow modes switch mid-command",
    "BITFIELD k INCRBY u2 0 5 OVERFLOW SAT INCRBY u2 0 5 OVERFLOW FAIL INCRBY u2 0 5 OVERFLOW WRAP INCRBY u2 0 5",
    "GET k",
  ),
  seq(
    "BITFIELD FAIL still grows the string",
    "BITFIELD k OVERFLOW FAIL SET u8 16 300",
    "GET k",
    "EXISTS k",
  ),
  seq("BITFIELD on a list", "RPUSH k a", "BITFIELD k GET u8 0", "BITFIELD k SET u8 0 1"),
  seq("BITFIELD_RO on a list", "RPUSH k a", "BITFIELD_RO k GET u8 0"),
  seq("BITFIELD GET only does not create the key", "BITFIELD k GET u8 0", "EXISTS k"),
  seq("BITFIELD with no ops on a list", "RPUSH k a", "BITFIELD k"),
  seq("BITFIELD keeps the TTL", "SET k a EX 100", "BITFIELD k SET u8 0 1", "TTL k"),
  seq(
    "BITFIELD counters",
    "BITFIELD k INCRBY u4 0 7 INCRBY u4 4 9 INCRBY i4 8 -3",
    "BITFIELD k OVERFLOW SAT INCRBY u4 0 9 INCRBY i4 8 -9",
    "BITFIELD k GET u4 0 GET u4 4 GET i4 8",
  ),
  seq(
    "BITFIELD i64 arithmetic",
    "BITFIELD k SET i64 3 -5 INCRBY i64 3 -9223372036854775803 GET i64 3",
  ),
  seq("BITFIELD u63 wrap", "BITFIELD k SET u63 0 9223372036854775807 INCRBY u63 0 2 GET u63 0"),
];

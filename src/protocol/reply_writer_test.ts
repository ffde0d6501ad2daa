/**
 * The reply encoder: each reply type's exact bytes in RESP2 and in RESP3 (Redis's
 * downgrades in RESP2: maps as flat arrays, nulls as $-1 or *-1, doubles as bulks, booleans
 * as integers), growth from a small buffer without losing bytes, and output that the
 * frame checker reads back as whole frames.
 */

import fc from "fast-check";
import { assertEquals } from "../../tests/support/assert.ts";
import { checkFrame } from "./frame_codec.ts";
import { formatDouble, ReplyWriter } from "./reply_writer.ts";

const text = (w: ReplyWriter) => String.fromCharCode(...w.bytes());

function encoded(protocol: 2 | 3, write: (w: ReplyWriter) => void): string {
  const w = new ReplyWriter(8);
  w.protocol = protocol;
  write(w);
  return text(w);
}

const cases: [string, (w: ReplyWriter) => void, string, string][] = [
  ["the OK reply", (w) => w.ok(), "+OK\r\n", "+OK\r\n"],
  ["a simple string", (w) => w.simple("PONG"), "+PONG\r\n", "+PONG\r\n"],
  ["an error", (w) => w.error("ERR x"), "-ERR x\r\n", "-ERR x\r\n"],
  ["an error with newlines", (w) => w.error("ERR a\r\nb\nc"), "-ERR a  b c\r\n", "-ERR a  b c\r\n"],
  ["zero", (w) => w.integer(0), ":0\r\n", ":0\r\n"],
  ["a negative integer", (w) => w.integer(-123), ":-123\r\n", ":-123\r\n"],
  [
    "the largest safe integer",
    (w) => w.integer(9007199254740991),
    ":9007199254740991\r\n",
    ":9007199254740991\r\n",
  ],
  [
    "a 64-bit bigint",
    (w) => w.integer(-9223372036854775808n),
    ":-9223372036854775808\r\n",
    ":-9223372036854775808\r\n",
  ],
  ["a bulk", (w) => w.bulk("hello"), "$5\r\nhello\r\n", "$5\r\nhello\r\n"],
  ["an empty bulk", (w) => w.bulk(""), "$0\r\n\r\n", "$0\r\n\r\n"],
  [
    "a stream id",
    (w) => w.bulkStreamId(1700000000000, 0),
    "$15\r\n1700000000000-0\r\n",
    "$15\r\n1700000000000-0\r\n",
  ],
  ["the id 0-1", (w) => w.bulkStreamId(0, 1), "$3\r\n0-1\r\n", "$3\r\n0-1\r\n"],
  [
    "a binary bulk",
    (w) => w.bulk("\x00\xff\r\n"),
    "$4\r\n\x00\xff\r\n\r\n",
    "$4\r\n\x00\xff\r\n\r\n",
  ],
  [
    "a bulk from bytes",
    (w) => w.bulkBytes(Uint8Array.of(1, 2)),
    "$2\r\n\x01\x02\r\n",
    "$2\r\n\x01\x02\r\n",
  ],
  ["a missing bulk", (w) => w.bulkOrNull(undefined), "$-1\r\n", "_\r\n"],
  ["a present bulk", (w) => w.bulkOrNull("x"), "$1\r\nx\r\n", "$1\r\nx\r\n"],
  ["null", (w) => w.null(), "$-1\r\n", "_\r\n"],
  ["a null array", (w) => w.nullArray(), "*-1\r\n", "_\r\n"],
  ["an array header", (w) => w.array(3), "*3\r\n", "*3\r\n"],
  ["a map header", (w) => w.map(2), "*4\r\n", "%2\r\n"],
  ["a set header", (w) => w.set(2), "*2\r\n", "~2\r\n"],
  ["a push header", (w) => w.push(3), "*3\r\n", ">3\r\n"],
  ["a double", (w) => w.double(1.5), "$3\r\n1.5\r\n", ",1.5\r\n"],
  ["an integral double", (w) => w.double(3), "$1\r\n3\r\n", ",3\r\n"],
  ["infinity", (w) => w.double(-Infinity), "$4\r\n-inf\r\n", ",-inf\r\n"],
  ["true", (w) => w.boolean(true), ":1\r\n", "#t\r\n"],
  ["false", (w) => w.boolean(false), ":0\r\n", "#f\r\n"],
  [
    "a big number",
    (w) => w.bigNumber(12345678901234567890n),
    "$20\r\n12345678901234567890\r\n",
    "(12345678901234567890\r\n",
  ],
  ["verbatim text", (w) => w.verbatim("txt", "a\r\nb"), "$4\r\na\r\nb\r\n", "=8\r\ntxt:a\r\nb\r\n"],
  [
    "an array of bulks",
    (w) => w.bulkArray(["a", ""]),
    "*2\r\n$1\r\na\r\n$0\r\n\r\n",
    "*2\r\n$1\r\na\r\n$0\r\n\r\n",
  ],
];

for (const [name, write, resp2, resp3] of cases) {
  Deno.test(`${name} is encoded as Redis encodes it in RESP2 and RESP3`, () => {
    assertEquals(encoded(2, write), resp2);
    assertEquals(encoded(3, write), resp3);
  });
}

Deno.test("doubles are formatted as Redis formats them", () => {
  assertEquals(formatDouble(Infinity), "inf");
  assertEquals(formatDouble(-Infinity), "-inf");
  assertEquals(formatDouble(NaN), "nan");
  assertEquals(formatDouble(10), "10");
  assertEquals(formatDouble(-0.25), "-0.25");
});

Deno.test("a writer that grows from a tiny buffer keeps every byte of many replies", () => {
  const w = new ReplyWriter(4);
  let expected = "";
  for (let i = 0; i < 2000; i++) {
    const value = "v".repeat(i % 300);
    w.bulk(value);
    w.integer(i);
    expected += `$${value.length}\r\n${value}\r\n:${i}\r\n`;
  }
  const big = "x".repeat(3 * 1024 * 1024);
  w.bulk(big);
  expected += `$${big.length}\r\n${big}\r\n`;
  assertEquals(w.length, expected.length);
  const out = w.bytes();
  let same = true;
  for (let i = 0; i < expected.length; i++) same &&= out[i] === expected.charCodeAt(i);
  assertEquals(same, true);
  // and the whole is a sequence of frames the checker reads back
  let pos = 0, frames = 0;
  while (pos < out.length) {
    pos = checkFrame(out, pos, out.length);
    frames++;
  }
  assertEquals(frames, 4001);
});

Deno.test("clear forgets the replies, and gives back a buffer one huge reply grew", () => {
  const w = new ReplyWriter();
  w.bulk("x".repeat(2 * 1024 * 1024));
  w.clear();
  assertEquals(w.length, 0);
  w.ok();
  assertEquals(text(w), "+OK\r\n");
});

Deno.test("integers are written digit for digit on both sides of every power of ten and of 2^31", () => {
  const values = [0x7fffffff, 0x80000000, 0xffffffff, 2 ** 32, Number.MAX_SAFE_INTEGER];
  for (let k = 0, p = 1; k <= 15; k++, p *= 10) values.push(p - 1, p, p + 1);
  for (const n of values) {
    assertEquals(encoded(2, (w) => w.integer(n)), `:${n}\r\n`);
    assertEquals(encoded(2, (w) => w.integer(-n)), n === 0 ? ":0\r\n" : `:-${n}\r\n`);
    assertEquals(encoded(2, (w) => w.array(n)), `*${n}\r\n`);
  }
});

Deno.test("any safe integer is written as String() writes it, alone and in a stream id", () => {
  const safe = fc.oneof(
    fc.maxSafeNat(),
    fc.integer({ min: 0, max: 2 ** 31 + 10 }),
    // around multiples of 10^8, where a large integer is split in two
    fc.tuple(fc.integer({ min: 21, max: 90071992 }), fc.integer({ min: -2, max: 2 }))
      .map(([k, d]) => Math.min(Number.MAX_SAFE_INTEGER, k * 1e8 + d)),
  );
  fc.assert(
    fc.property(safe, safe, (a, b) => {
      assertEquals(encoded(2, (w) => w.integer(a)), `:${a}\r\n`);
      const id = `${a}-${b}`;
      assertEquals(encoded(3, (w) => w.bulkStreamId(a, b)), `$${id.length}\r\n${id}\r\n`);
    }),
    { numRuns: 2000 },
  );
});

Deno.test("stream ids that share their ms (the bytes kept from the last id) are written whole", () => {
  const ids: [number, number][] = [];
  for (const ms of [1733370000123, 1733370000123, 7, 1733370000124, 99999999]) {
    for (const seq of [0, 9, 10, 99, 100, 123456789012, 3]) ids.push([ms, seq]);
  }
  // one writer for all, as a batch of XADDs shares one; and each alone
  const expected = ids.map(([ms, seq]) => `$${`${ms}-${seq}`.length}\r\n${ms}-${seq}\r\n`);
  assertEquals(
    encoded(2, (w) => ids.forEach(([ms, seq]) => w.bulkStreamId(ms, seq))),
    expected.join(""),
  );
  ids.forEach(([ms, seq], i) =>
    assertEquals(encoded(3, (w) => w.bulkStreamId(ms, seq)), expected[i])
  );
});

/**
 * Request decoding (ByteReader + RequestParser, driven as the session drives them): every
 * input split at every byte boundary decodes the same, many requests in one read are all
 * served, and every protocol error has Redis 7's exact text, after the requests before it.
 * The expected results were checked against a real redis-server (see tests/protocol_test.ts
 * for the same bytes sent to both).
 */

import { assertEquals } from "../../tests/support/assert.ts";
import { bytes, decodeChunks, type Decoded, splits, threeWaySplits } from "./_test_streams.ts";
import { parseLength, RequestParser } from "./request_parser.ts";
import { INCOMPLETE } from "./frame.ts";

/** Decodes `input` whole, then at every split, and checks that every way gives `expected`. */
async function assertDecodes(
  input: string | Uint8Array,
  expected: Partial<Decoded>,
  three = false,
) {
  const data = typeof input === "string" ? bytes(input) : input;
  const want = { requests: [], error: null, leftover: 0, ...expected };
  assertEquals(await decodeChunks([data]), want, "in one chunk");
  for (const chunks of splits(data)) {
    assertEquals(await decodeChunks(chunks), want, `split as ${chunks.map((c) => c.length)}`);
  }
  if (three) {
    for (const chunks of threeWaySplits(data)) {
      assertEquals(await decodeChunks(chunks), want, `split as ${chunks.map((c) => c.length)}`);
    }
  }
}

const multibulk = (...args: string[]) =>
  `*${args.length}\r\n${args.map((a) => `$${a.length}\r\n${a}\r\n`).join("")}`;

Deno.test("a multibulk request decodes the same at every byte boundary", async () => {
  await assertDecodes(
    multibulk("SET", "key", "value"),
    { requests: [["SET", "key", "value"]] },
    true,
  );
});

Deno.test("pipelined multibulk and inline requests decode the same at every byte boundary", async () => {
  const input = multibulk("GET", "a") + "PING\r\n" + multibulk("ECHO", "") + "SET k v\n";
  await assertDecodes(input, {
    requests: [["GET", "a"], ["PING"], ["ECHO", ""], ["SET", "k", "v"]],
  });
});

Deno.test("a binary bulk with every byte value, CR and LF included, decodes unchanged", async () => {
  const all = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join("");
  await assertDecodes(multibulk("SET", "\r\n", all), { requests: [["SET", "\r\n", all]] });
});

Deno.test("many requests in one chunk are all served", async () => {
  const parts: string[] = [];
  const expected: string[][] = [];
  for (let i = 0; i < 2000; i++) {
    if (i % 3 === 0) {
      parts.push(`INCR c${i}\r\n`);
      expected.push(["INCR", `c${i}`]);
    } else {
      parts.push(multibulk("SET", `k${i}`, "v".repeat(i % 50)));
      expected.push(["SET", `k${i}`, "v".repeat(i % 50)]);
    }
  }
  const input = bytes(parts.join(""));
  assertEquals(await decodeChunks([input]), { requests: expected, error: null, leftover: 0 });
  // and in reads of 1000 bytes, which cut requests everywhere
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < input.length; i += 1000) chunks.push(input.subarray(i, i + 1000));
  assertEquals(await decodeChunks(chunks), { requests: expected, error: null, leftover: 0 });
});

Deno.test("a large bulk arriving in many small reads decodes to the whole value", async () => {
  const value = "x".repeat(3 * 1024 * 1024 + 7);
  const input = bytes(multibulk("SET", "big", value) + "PING\r\n");
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < input.length; i += 4096) chunks.push(input.subarray(i, i + 4096));
  const decoded = await decodeChunks(chunks, { initialSize: 1024 });
  assertEquals(decoded.error, null);
  assertEquals(decoded.requests.length, 2);
  assertEquals(decoded.requests[0][2].length, value.length);
  assertEquals(decoded.requests[0][2] === value, true);
  assertEquals(decoded.requests[1], ["PING"]);
});

Deno.test("the parser waits for a bulk's body without rescanning, and says how much it needs", () => {
  const parser = new RequestParser();
  const head = bytes("*2\r\n$3\r\nGET\r\n$100000\r\n");
  const buf = new Uint8Array(head.length + 100002);
  buf.set(head);
  assertEquals(parser.parse(buf, 0, head.length + 10), INCOMPLETE);
  assertEquals(parser.bytesWanted, head.length + 100002);
  assertEquals(parser.parse(buf, 0, head.length + 50000), INCOMPLETE);
  buf[buf.length - 2] = 13;
  buf[buf.length - 1] = 10;
  assertEquals(parser.parse(buf, 0, buf.length), buf.length);
  assertEquals(parser.args[1].length, 100000);
  assertEquals(parser.bytesWanted, 0);
});

Deno.test("a parse resumes correctly after the caller compacts its buffer", () => {
  const parser = new RequestParser();
  const input = bytes("PING\r\n" + multibulk("SET", "k", "value"));
  const first = parser.parse(input, 0, input.length);
  assertEquals(first, 6);
  assertEquals(parser.parse(input, first, first + 12), INCOMPLETE);
  // the unconsumed bytes move to the start of a new buffer, as ByteReader compacts
  const moved = input.slice(first);
  assertEquals(parser.parse(moved, 0, moved.length), moved.length);
  assertEquals(parser.args, ["SET", "k", "value"]);
});

Deno.test("empty and negative multibulk counts are skipped, as Redis does", async () => {
  await assertDecodes("*0\r\n*-1\r\nPING\r\n*-5\r\n*-9223372036854775808\r\nPING\r\n", {
    requests: [["PING"], ["PING"]],
  });
});

Deno.test("empty inline lines are skipped", async () => {
  await assertDecodes("\r\n\n   \r\nPING\r\n", { requests: [["PING"]] });
});

Deno.test("the two bytes after a bulk are skipped without being checked, as Redis does", async () => {
  await assertDecodes("*1\r\n$4\r\nPINGxx*1\r\n$4\r\nPING\r\n", { requests: [["PING"], ["PING"]] });
});

Deno.test("a lone CR ends a header line: the byte after it is skipped", async () => {
  await assertDecodes("*1\rx$4\rxPING\r\n", { requests: [["PING"]] });
});

Deno.test("inline requests split arguments as Redis's sdssplitargs", async () => {
  await assertDecodes(`SET "a b" 'c d' "\\x41\\n" x\r\n`, {
    requests: [["SET", "a b", "c d", "A\n", "x"]],
  });
  await assertDecodes("  ECHO\t\t hi  \n", { requests: [["ECHO", "hi"]] });
});

const errors: [string, string, string[][]][] = [
  ["*x\r\n", "invalid multibulk length", []],
  ["*\r\n", "invalid multibulk length", []],
  ["*-\r\n", "invalid multibulk length", []],
  ["*01\r\n", "invalid multibulk length", []],
  ["*+1\r\n", "invalid multibulk length", []],
  ["* 1\r\n", "invalid multibulk length", []],
  ["*2147483648\r\n", "invalid multibulk length", []],
  ["*9223372036854775807\r\n", "invalid multibulk length", []],
  ["*-9223372036854775809\r\n", "invalid multibulk length", []],
  ["*99999999999999999999\r\n", "invalid multibulk length", []],
  ["PING\r\n*1x\r\n", "invalid multibulk length", [["PING"]]],
  ["*1\r\n$x\r\n", "invalid bulk length", []],
  ["*1\r\n$\r\n", "invalid bulk length", []],
  ["*1\r\n$-1\r\n", "invalid bulk length", []],
  ["*1\r\n$-0\r\n", "invalid bulk length", []],
  ["*1\r\n$01\r\n", "invalid bulk length", []],
  ["*1\r\n$+1\r\n", "invalid bulk length", []],
  ["*1\r\n$536870913\r\n", "invalid bulk length", []],
  ["*1\r\n$9223372036854775808\r\n", "invalid bulk length", []],
  ["*1\r\nX\r\n", "expected '$', got 'X'", []],
  ["*1\r\n:1\r\n", "expected '$', got ':'", []],
  ["*1\r\n\r\n", "expected '$', got ' '", []],
  ["*1\r\n\n\r\n", "expected '$', got ' '", []],
  ["*1\r\n\xff\r\n", "expected '$', got '\xff'", []],
  ["*2\r\n$4\r\nECHO\r\n*1\r\n", "expected '$', got '*'", []],
  ["*1\r\n$4\r\nPING\r\n*1\r\n$1\r\nx\r\n*1\r\nx\r\n", "expected '$', got 'x'", [["PING"], ["x"]]],
  ['PING "a\r\n', "unbalanced quotes in request", []],
  ['ECHO "a"b\r\n', "unbalanced quotes in request", []],
  ["ECHO 'a\r\n", "unbalanced quotes in request", []],
  ["ECHO 'a'b\r\n", "unbalanced quotes in request", []],
  ['PING\r\nECHO "\\"\r\n', "unbalanced quotes in request", [["PING"]]],
];

for (const [input, message, before] of errors) {
  Deno.test(`${JSON.stringify(input)} is refused with "Protocol error: ${message}"`, async () => {
    await assertDecodes(input, { requests: before, error: `Protocol error: ${message}` });
  });
}

Deno.test("a bulk at proto-max-bulk-len is accepted and one byte more is refused", async () => {
  await assertDecodes(multibulk("SET", "k", "0123456789"), {
    requests: [["SET", "k", "0123456789"]],
  });
  assertEquals(await decodeChunks([bytes("*1\r\n$10\r\n")], { maxBulkLen: 10 }), {
    requests: [],
    error: null,
    leftover: 9,
  });
  assertEquals(await decodeChunks([bytes("PING\r\n*1\r\n$11\r\n")], { maxBulkLen: 10 }), {
    requests: [["PING"]],
    error: "Protocol error: invalid bulk length",
    leftover: 0,
  });
});

Deno.test("before authentication, more than 10 arguments or a bulk over 16 KiB are refused", async () => {
  const ten = multibulk(...Array.from({ length: 10 }, () => "a"));
  const eleven = multibulk(...Array.from({ length: 11 }, () => "a"));
  assertEquals((await decodeChunks([bytes(ten)], { unauthenticated: true })).requests.length, 1);
  assertEquals(
    (await decodeChunks([bytes(eleven)], { unauthenticated: true })).error,
    "Protocol error: unauthenticated multibulk length",
  );
  const ok = multibulk("AUTH", "x".repeat(16384));
  assertEquals((await decodeChunks([bytes(ok)], { unauthenticated: true })).error, null);
  const big = multibulk("AUTH", "x".repeat(16385));
  assertEquals(
    (await decodeChunks([bytes(big)], { unauthenticated: true })).error,
    "Protocol error: unauthenticated bulk length",
  );
});

Deno.test("an inline request over 64 KiB without a newline is refused as too big", async () => {
  const long = bytes("SET k " + "v".repeat(64 * 1024));
  assertEquals(await decodeChunks([long]), {
    requests: [],
    error: "Protocol error: too big inline request",
    leftover: 0,
  });
  // exactly 64 KiB is still waited for
  assertEquals((await decodeChunks([long.subarray(0, 64 * 1024)])).error, null);
});

Deno.test("an inline request just under 64 KiB with its newline is served", async () => {
  const arg = "v".repeat(64 * 1024 - 10);
  assertEquals((await decodeChunks([bytes(`ECHO ${arg}\r\n`)])).requests, [["ECHO", arg]]);
});

Deno.test("a multibulk count line over 64 KiB is refused as too big", async () => {
  const input = bytes("*" + "1".repeat(64 * 1024 + 1));
  assertEquals((await decodeChunks([input])).error, "Protocol error: too big mbulk count string");
});

Deno.test("a bulk count line over 64 KiB is refused as too big", async () => {
  const input = bytes("*1\r\n$" + "1".repeat(64 * 1024 + 1));
  assertEquals((await decodeChunks([input])).error, "Protocol error: too big bulk count string");
});

Deno.test("a NUL byte before a line's end makes it wait, as Redis's strchr scan does", async () => {
  // Real Redis neither answers nor closes: the line is never seen complete.
  for (
    const input of [
      "ECHO a\x00b\r\nPING\r\n",
      "*1\x00\r\n",
      "*1\r\n\x00\r\n",
      "*1\r\n$4\x00\r\nPING\r\n",
    ]
  ) {
    const decoded = await decodeChunks([bytes(input)]);
    assertEquals(decoded.error, null, JSON.stringify(input));
    assertEquals(decoded.requests, [], JSON.stringify(input));
  }
  assertEquals((await decodeChunks([bytes("PING\r\n*1\x00\r\n")])).requests, [["PING"]]);
  // until 64 KiB are buffered: then it is a too big request
  const flood = bytes("ECHO \x00" + "PING\r\n".repeat(11000));
  assertEquals((await decodeChunks([flood])).error, "Protocol error: too big inline request");
  const floodBulk = bytes("*1\r\n$1\x00" + "x\r\n".repeat(22000));
  assertEquals(
    (await decodeChunks([floodBulk])).error,
    "Protocol error: too big bulk count string",
  );
});

Deno.test("a NUL inside a bulk body is data", async () => {
  await assertDecodes(multibulk("SET", "\x00", "a\x00b"), {
    requests: [["SET", "\x00", "a\x00b"]],
  });
});

Deno.test("a stream that ends inside a request leaves it unconsumed, without an error", async () => {
  assertEquals(await decodeChunks([bytes("PING\r\n*2\r\n$3\r\nGET\r\n")]), {
    requests: [["PING"]],
    error: null,
    leftover: 13,
  });
});

Deno.test("parseLength follows Redis's string2ll over the whole signed 64-bit range", () => {
  const parse = (s: string) => parseLength(bytes(s), 0, s.length);
  assertEquals(parse("0"), 0);
  assertEquals(parse("12345"), 12345);
  assertEquals(parse("-1"), -1);
  assertEquals(parse("9007199254740991"), 9007199254740991);
  assertEquals(parse("9223372036854775807") !== null, true);
  assertEquals(parse("-9223372036854775808") !== null, true);
  for (
    const bad of [
      "",
      "-",
      "-0",
      "00",
      "01",
      "+1",
      " 1",
      "1 ",
      "1x",
      "9223372036854775808",
      "-9223372036854775809",
      "18446744073709551616",
      "99999999999999999999",
    ]
  ) {
    assertEquals(parse(bad), null, JSON.stringify(bad));
  }
});

Deno.test("a bulk whose bytes and CRLF pass client-query-buffer-limit is refused once buffered past it", async () => {
  const limit = 1000;
  const fits = multibulk("SET", "k", "x".repeat(limit - 2));
  assertEquals((await decodeChunks([bytes(fits)], { queryBufferLimit: limit })).error, null);
  const over = bytes("PING\r\n" + multibulk("SET", "k", "x".repeat(limit - 1)));
  for (const chunks of [[over], [over.subarray(0, 40), over.subarray(40)]]) {
    const decoded = await decodeChunks(chunks, { queryBufferLimit: limit });
    assertEquals(decoded.requests, [["PING"]]);
    assertEquals(decoded.error, "reached max query buffer length");
  }
  // while no more than the limit of it has arrived, it waits
  const part = over.subarray(0, over.length - 3);
  assertEquals(await decodeChunks([part], { queryBufferLimit: limit }), {
    requests: [["PING"]],
    error: null,
    leftover: part.length - 6,
  });
});

Deno.test("parsed arguments do not count toward client-query-buffer-limit", async () => {
  const args = Array.from({ length: 500 }, (_, i) => `arg${i}`);
  const decoded = await decodeChunks([bytes(multibulk("MSET", ...args))], {
    queryBufferLimit: 1000,
  });
  assertEquals(decoded.error, null);
  assertEquals(decoded.requests[0].length, 501);
});

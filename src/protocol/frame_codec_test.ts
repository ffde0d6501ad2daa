/**
 * Whole-frame codec: every RESP2 and RESP3 type round-trips through encodeFrame →
 * checkFrame/parseFrame, a frame cut anywhere is INCOMPLETE (never an error, never a wrong
 * frame), frames read through ByteReader at every split come out the same, and malformed
 * frames are ProtocolErrors.
 */

import { assert, assertEquals } from "../../tests/support/assert.ts";
import { bytes, byteStream, concat, splits } from "./_test_streams.ts";
import { ByteReader } from "./byte_reader.ts";
import { checkFrame, encodeCommand, encodeFrame, parseFrame } from "./frame_codec.ts";
import { type Frame, INCOMPLETE, ProtocolError } from "./frame.ts";

const bulk = (s: string): Frame => ({ kind: "bulk", value: bytes(s) });

const frames: [string, Frame][] = [
  ["a simple string", { kind: "simple", value: "OK" }],
  ["an empty simple string", { kind: "simple", value: "" }],
  ["an error", { kind: "error", value: "ERR unknown command 'x'" }],
  ["zero", { kind: "integer", value: 0 }],
  ["a negative integer", { kind: "integer", value: -42 }],
  ["the largest safe integer", { kind: "integer", value: Number.MAX_SAFE_INTEGER }],
  ["the largest 64-bit integer", { kind: "integer", value: 9223372036854775807n }],
  ["the smallest 64-bit integer", { kind: "integer", value: -9223372036854775808n }],
  ["a bulk", bulk("hello")],
  ["an empty bulk", bulk("")],
  ["a binary bulk", { kind: "bulk", value: Uint8Array.from({ length: 256 }, (_, i) => i) }],
  ["a bulk holding CRLF", bulk("\r\n\r\n")],
  ["a null", { kind: "null" }],
  ["an empty array", { kind: "array", value: [] }],
  ["an array of mixed frames", {
    kind: "array",
    value: [bulk("a"), { kind: "integer", value: 1 }, { kind: "null" }, {
      kind: "simple",
      value: "x",
    }],
  }],
  ["nested arrays", {
    kind: "array",
    value: [
      { kind: "array", value: [{ kind: "array", value: [bulk("deep")] }, bulk("b")] },
      bulk("c"),
    ],
  }],
  ["a map", {
    kind: "map",
    value: [[bulk("server"), bulk("redis")], [bulk("proto"), { kind: "integer", value: 3 }]],
  }],
  ["an empty map", { kind: "map", value: [] }],
  ["a map of maps", {
    kind: "map",
    value: [[{ kind: "simple", value: "m" }, {
      kind: "map",
      value: [[bulk("k"), { kind: "null" }]],
    }]],
  }],
  ["a set", { kind: "set", value: [bulk("a"), bulk("b")] }],
  ["a double", { kind: "double", value: 3.14 }],
  ["a negative double", { kind: "double", value: -0.5 }],
  ["an integral double", { kind: "double", value: 10 }],
  ["infinity", { kind: "double", value: Infinity }],
  ["minus infinity", { kind: "double", value: -Infinity }],
  ["true", { kind: "boolean", value: true }],
  ["false", { kind: "boolean", value: false }],
  ["a big number", { kind: "bignum", value: 3492890328409238509324850943850943825024385n }],
  ["a negative big number", { kind: "bignum", value: -12345678901234567890123n }],
  ["a verbatim string", { kind: "verbatim", format: "txt", value: bytes("Some string") }],
  ["an empty verbatim string", { kind: "verbatim", format: "mkd", value: bytes("") }],
  ["a push", { kind: "push", value: [bulk("message"), bulk("chan"), bulk("hi")] }],
];

for (const [name, frame] of frames) {
  Deno.test(`${name} round-trips through encode, check and parse`, () => {
    const encoded = encodeFrame(frame);
    assertEquals(checkFrame(encoded, 0, encoded.length), encoded.length);
    const parsed = parseFrame(encoded, 0);
    assertEquals(parsed.end, encoded.length);
    assertEquals(parsed.frame, frame);
  });

  Deno.test(`${name} cut at any byte is incomplete`, () => {
    const encoded = encodeFrame(frame);
    for (let i = 0; i < encoded.length; i++) {
      assertEquals(checkFrame(encoded.subarray(0, i), 0, i), INCOMPLETE, `cut at ${i}`);
      // also inside a larger buffer whose valid part ends there
      assertEquals(checkFrame(encoded, 0, i), INCOMPLETE, `end at ${i}`);
    }
  });
}

Deno.test("NaN encodes as Redis's nan and parses back", () => {
  const encoded = encodeFrame({ kind: "double", value: NaN });
  assertEquals(new TextDecoder().decode(encoded), ",nan\r\n");
  const parsed = parseFrame(encoded, 0).frame;
  assert.ok(parsed.kind === "double" && Number.isNaN(parsed.value));
});

Deno.test("every frame in one buffer is found, one after another", () => {
  const all = concat(...frames.map(([, f]) => encodeFrame(f)));
  const found: Frame[] = [];
  let pos = 0;
  while (pos < all.length) {
    const end = checkFrame(all, pos, all.length);
    assert.notEqual(end, INCOMPLETE);
    const { frame, end: parsedEnd } = parseFrame(all, pos);
    assertEquals(parsedEnd, end);
    found.push(frame);
    pos = end;
  }
  assertEquals(found, frames.map(([, f]) => f));
});

/** Reads every frame of a stream through ByteReader, as the browser client does. */
async function readFrames(chunks: readonly Uint8Array[]): Promise<Frame[]> {
  const reader = new ByteReader(byteStream(chunks), 64);
  const out: Frame[] = [];
  try {
    while (await reader.fill()) {
      for (;;) {
        if (reader.buffered === 0) break;
        const end = checkFrame(reader.buf, reader.start, reader.end);
        if (end === INCOMPLETE) break;
        out.push(parseFrame(reader.buf, reader.start).frame);
        reader.consume(end);
      }
    }
    assertEquals(reader.buffered, 0, "bytes left over");
    return out;
  } finally {
    await reader.cancel();
  }
}

Deno.test("frames read through a byte stream come out the same at every split", async () => {
  const sample = frames.filter(([name]) => !name.includes("binary")).map(([, f]) => f);
  const all = concat(...sample.map(encodeFrame));
  assertEquals(await readFrames([all]), sample);
  for (const chunks of splits(all)) assertEquals(await readFrames(chunks), sample);
});

Deno.test("RESP2 nulls parse as null: the null bulk and the null array", () => {
  for (const text of ["$-1\r\n", "*-1\r\n", "_\r\n"]) {
    const b = bytes(text);
    assertEquals(checkFrame(b, 0, b.length), b.length);
    assertEquals(parseFrame(b, 0).frame, { kind: "null" });
  }
});

Deno.test("a bulk error parses as an error", () => {
  const b = bytes("!21\r\nSYNTAX invalid syntax\r\n");
  assertEquals(checkFrame(b, 0, b.length), b.length);
  assertEquals(parseFrame(b, 0).frame, { kind: "error", value: "SYNTAX invalid syntax" });
});

Deno.test("an attribute is skipped and the value it annotates is returned", () => {
  const b = bytes(
    "|1\r\n+key-popularity\r\n%1\r\n$1\r\na\r\n,0.19\r\n*2\r\n:2039123\r\n:9543892\r\n",
  );
  assertEquals(checkFrame(b, 0, b.length), b.length);
  const { frame, end } = parseFrame(b, 0);
  assertEquals(end, b.length);
  assertEquals(frame, {
    kind: "array",
    value: [{ kind: "integer", value: 2039123 }, { kind: "integer", value: 9543892 }],
  });
});

Deno.test("integers beyond 2^53 parse exactly as bigints", () => {
  for (const text of ["9007199254740993", "-9223372036854775808", "9223372036854775807"]) {
    const b = bytes(`:${text}\r\n`);
    assertEquals(parseFrame(b, 0).frame, { kind: "integer", value: BigInt(text) });
  }
  assertEquals(parseFrame(bytes(":9007199254740991\r\n"), 0).frame, {
    kind: "integer",
    value: 9007199254740991,
  });
});

Deno.test("a deeply nested array is checked without recursion and parsed whole", () => {
  const depth = 2000;
  const b = bytes("*1\r\n".repeat(depth) + ":7\r\n");
  assertEquals(checkFrame(b, 0, b.length), b.length);
  let f = parseFrame(b, 0).frame;
  for (let i = 0; i < depth; i++) {
    assert.ok(f.kind === "array");
    f = f.value[0];
  }
  assertEquals(f, { kind: "integer", value: 7 });
});

const malformed: [string, string][] = [
  ["?x\r\n", "Protocol error: invalid type byte '?'"],
  ["*1\r\n@\r\n", "Protocol error: invalid type byte '@'"],
  ["$x\r\n", "Protocol error: invalid bulk length"],
  ["$-2\r\n", "Protocol error: invalid bulk length"],
  ["*x\r\n", "Protocol error: invalid multibulk length"],
  ["%-2\r\n", "Protocol error: invalid multibulk length"],
  ["*1\r\n$01\r\n", "Protocol error: invalid bulk length"],
  [":abc\r\n", "Protocol error: invalid integer"],
  [":1.5\r\n", "Protocol error: invalid integer"],
  [":\r\n", "Protocol error: invalid integer"],
  [":9223372036854775808\r\n", "Protocol error: invalid integer"],
  ["*2\r\n:1\r\n:x\r\n", "Protocol error: invalid integer"],
  ["#x\r\n", "Protocol error: invalid boolean"],
  ["#tt\r\n", "Protocol error: invalid boolean"],
  ["#\r\n", "Protocol error: invalid boolean"],
  ["(12a\r\n", "Protocol error: invalid big number"],
  ["(\r\n", "Protocol error: invalid big number"],
  ["(-\r\n", "Protocol error: invalid big number"],
];

for (const [text, message] of malformed) {
  Deno.test(`checkFrame refuses ${JSON.stringify(text)} with "${message}"`, () => {
    const b = bytes(text);
    assert.throws(
      () => checkFrame(b, 0, b.length),
      (e: unknown) => e instanceof ProtocolError && e.message === message,
    );
  });
}

Deno.test("encodeCommand sizes exactly and encodes text as UTF-8, bytes as they are", () => {
  const encoded = encodeCommand(["SET", "ключ", Uint8Array.of(0, 255), 42, 9007199254740993n]);
  const expected = concat(
    bytes("*5\r\n$3\r\nSET\r\n$8\r\n"),
    new TextEncoder().encode("ключ"),
    bytes("\r\n$2\r\n\x00\xff\r\n$2\r\n42\r\n$16\r\n9007199254740993\r\n"),
  );
  assertEquals(encoded, expected);
});

Deno.test("a double's text must be a number, inf or nan", () => {
  for (const text of [",abc\r\n", ", 1\r\n", ",0x10\r\n", ",\r\n", ",1e\r\n"]) {
    const b = bytes(text);
    assertEquals(checkFrame(b, 0, b.length), b.length);
    assert.throws(
      () => parseFrame(b, 0),
      (e: unknown) => e instanceof ProtocolError && e.message === "Protocol error: invalid double",
      JSON.stringify(text),
    );
  }
  const value = (t: string) => {
    const f = parseFrame(bytes(t), 0).frame;
    return f.kind === "double" ? f.value : null;
  };
  assertEquals(value(",1.5e3\r\n"), 1500);
  assertEquals(value(",-.5\r\n"), -0.5);
  assertEquals(value(",+inf\r\n"), Infinity);
  assertEquals(value(",-inf\r\n"), -Infinity);
});

Deno.test("big numbers with a sign parse", () => {
  assertEquals(parseFrame(bytes("(-12\r\n"), 0).frame, { kind: "bignum", value: -12n });
  assertEquals(parseFrame(bytes("(+12\r\n"), 0).frame, { kind: "bignum", value: 12n });
});

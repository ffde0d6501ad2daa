/**
 * FrameDecoder, the one-pass whole-frame reader: it must agree with checkFrame + parseFrame
 * on every frame and every cut of it (INCOMPLETE, never a wrong frame or an error), hand
 * out bulks as views of the bytes it was given (the documented aliasing), refuse what the
 * checker refuses, and stay bounded on hostile input (deep nesting, huge counts).
 */

import fc from "fast-check";
import { assert, assertEquals } from "../../tests/support/assert.ts";
import { bytes, concat } from "./_test_streams.ts";
import { checkFrame, encodeFrame, FrameDecoder, parseFrame } from "./frame_codec.ts";
import { type Frame, INCOMPLETE, ProtocolError } from "./frame.ts";

const bulkArb = fc.uint8Array({ maxLength: 40 }).map((value): Frame => ({ kind: "bulk", value }));
const textArb = fc.string({ maxLength: 20 }).filter((s) => !/[\r\n]/.test(s));

/** Every RESP2/RESP3 frame encodeFrame writes (attributes aside: they are not kept). */
const frameArb: fc.Arbitrary<Frame> = fc.letrec<{ frame: Frame }>((tie) => ({
  frame: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    bulkArb,
    fc.oneof(
      fc.integer().map((value): Frame => ({ kind: "integer", value })),
      fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map((n): Frame => ({
        kind: "integer",
        value: Number.isSafeInteger(Number(n)) ? Number(n) : n,
      })),
    ),
    textArb.map((value): Frame => ({ kind: "simple", value })),
    textArb.map((value): Frame => ({ kind: "error", value })),
    fc.constant<Frame>({ kind: "null" }),
    fc.boolean().map((value): Frame => ({ kind: "boolean", value })),
    // (-0 is left out: the encoder writes it as 0, as formatDouble does for replies)
    fc.double({ noNaN: true }).filter((v) => !Object.is(v, -0)).map((value): Frame => ({
      kind: "double",
      value,
    })),
    fc.bigInt().map((value): Frame => ({ kind: "bignum", value })),
    fc.uint8Array({ maxLength: 20 }).map((value): Frame => ({
      kind: "verbatim",
      format: "txt",
      value,
    })),
    fc.array(tie("frame"), { maxLength: 5 }).map((value): Frame => ({ kind: "array", value })),
    fc.array(tie("frame"), { maxLength: 4 }).map((value): Frame => ({ kind: "set", value })),
    fc.array(tie("frame"), { maxLength: 4 }).map((value): Frame => ({ kind: "push", value })),
    fc.array(fc.tuple(tie("frame"), tie("frame")), { maxLength: 3 }).map((value): Frame => ({
      kind: "map",
      value,
    })),
  ),
})).frame;

/** Every frame in `buf[0, end)` by the decoder, or INCOMPLETE when the last one is cut. */
function decodeAll(buf: Uint8Array, end = buf.length): { frames: Frame[]; end: number } {
  const decoder = new FrameDecoder();
  const frames: Frame[] = [];
  let p = 0;
  while (p < end) {
    const frame = decoder.decode(buf, p, end);
    if (frame === INCOMPLETE) break;
    frames.push(frame);
    p = decoder.end;
  }
  return { frames, end: p };
}

/** The same by checkFrame, then parseFrame. */
function checkAndParseAll(buf: Uint8Array, end = buf.length): { frames: Frame[]; end: number } {
  const frames: Frame[] = [];
  let p = 0;
  while (p < end) {
    const stop = checkFrame(buf, p, end);
    if (stop === INCOMPLETE) break;
    frames.push(parseFrame(buf, p, stop).frame);
    p = stop;
  }
  return { frames, end: p };
}

Deno.test("decoded frames equal the frames encoded, one after another in one buffer", () => {
  fc.assert(
    fc.property(fc.array(frameArb, { minLength: 1, maxLength: 6 }), (sample) => {
      const all = concat(...sample.map(encodeFrame));
      const decoded = decodeAll(all);
      assertEquals(decoded.end, all.length);
      assertEquals(decoded.frames, sample);
    }),
    { numRuns: 300 },
  );
});

Deno.test("the decoder agrees with checkFrame + parseFrame at every cut of a stream", () => {
  fc.assert(
    fc.property(fc.array(frameArb, { minLength: 1, maxLength: 4 }), (sample) => {
      const all = concat(...sample.map(encodeFrame));
      for (let cut = 0; cut <= all.length; cut++) {
        assertEquals(decodeAll(all, cut), checkAndParseAll(all, cut), `cut at ${cut}`);
      }
    }),
    { numRuns: 150 },
  );
});

Deno.test("on any bytes the decoder returns what the checker finds, or a ProtocolError", () => {
  // pieces of frames, right and wrong, so that whole frames, cuts and garbage all come up
  const piece = fc.constantFrom(
    ..."*1 *2 *-1 *x %1 ~2 >1 |1 $1 $3 $-1 $-2 $01 !2 =5 :1 :-7 :01 :x +OK - _ #t #x ,1.5 ,y (12 (-"
      .split(" ").map((p) => `${p}\r\n`),
    "a",
    "abc",
    "\r\n",
    "\r",
    "txt:x",
    "?",
  );
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
      const buf = bytes(pieces.join(""));
      let decoded: Frame | typeof INCOMPLETE;
      const decoder = new FrameDecoder();
      try {
        decoded = decoder.decode(buf, 0, buf.length);
      } catch (e: unknown) {
        assert.ok(e instanceof ProtocolError, String(e));
        return;
      }
      if (decoded === INCOMPLETE) return;
      assertEquals(checkFrame(buf, 0, buf.length), decoder.end);
      assertEquals(parseFrame(buf, 0).frame, decoded);
    }),
    { numRuns: 2000 },
  );
});

Deno.test("decoded bulks are views of the bytes decoded, not copies", () => {
  const buf = bytes("*2\r\n$3\r\nabc\r\n=8\r\ntxt:defg\r\n");
  const frame = new FrameDecoder().decode(buf, 0, buf.length);
  assert.ok(frame !== INCOMPLETE && frame.kind === "array");
  const [bulk, verbatim] = frame.value;
  assert.ok(bulk.kind === "bulk" && verbatim.kind === "verbatim");
  assert.equal(bulk.value.buffer, buf.buffer);
  buf.fill(0x21);
  assertEquals(bulk.value, bytes("!!!"));
  assertEquals(verbatim.value, bytes("!!!!"));
});

Deno.test("a bulk of 1 MiB not all buffered is incomplete without its body being read", () => {
  const header = bytes(`$${1 << 20}\r\n`);
  const buf = new Uint8Array(header.length + (1 << 20) + 2);
  buf.set(header);
  buf.set(bytes("\r\n"), buf.length - 2);
  const decoder = new FrameDecoder();
  assertEquals(decoder.decode(buf, 0, buf.length - 1), INCOMPLETE);
  const whole = decoder.decode(buf, 0, buf.length);
  assert.ok(whole !== INCOMPLETE && whole.kind === "bulk");
  assertEquals(whole.value.length, 1 << 20);
  assertEquals(decoder.end, buf.length);
});

Deno.test("an aggregate announcing more elements than bytes buffered is incomplete at once", () => {
  // 2^31 - 1 elements cannot fit in 20 bytes: no array of that size is made
  const buf = bytes("*2147483647\r\n:1\r\n:2\r\n");
  assertEquals(new FrameDecoder().decode(buf, 0, buf.length), INCOMPLETE);
  const map = bytes("%3\r\n:1\r\n:2\r\n:3\r\n:4\r\n:5\r\n");
  assertEquals(new FrameDecoder().decode(map, 0, map.length), INCOMPLETE);
});

Deno.test("nesting 100000 deep decodes without recursion", () => {
  const depth = 100_000;
  const buf = bytes("*1\r\n".repeat(depth) + ":7\r\n");
  const decoder = new FrameDecoder();
  let f = decoder.decode(buf, 0, buf.length);
  assertEquals(decoder.end, buf.length);
  for (let i = 0; i < depth; i++) {
    assert.ok(f !== INCOMPLETE && f.kind === "array");
    f = f.value[0];
  }
  assertEquals(f, { kind: "integer", value: 7 });
});

Deno.test("integers decode exactly: signs, zero, 15 digits and past 2^53 as bigints", () => {
  const cases: [string, number | bigint][] = [
    ["0", 0],
    ["-1", -1],
    ["999999999999999", 999999999999999],
    ["-999999999999999", -999999999999999],
    ["9007199254740991", 9007199254740991],
    ["9007199254740993", 9007199254740993n],
    ["-9223372036854775808", -9223372036854775808n],
  ];
  for (const [text, value] of cases) {
    const b = bytes(`:${text}\r\n`);
    assertEquals(new FrameDecoder().decode(b, 0, b.length), { kind: "integer", value }, text);
  }
  for (const text of ["-0", "01", "+1", "1x", "", "9223372036854775808"]) {
    const b = bytes(`:${text}\r\n`);
    assert.throws(
      () => new FrameDecoder().decode(b, 0, b.length),
      (e: unknown) => e instanceof ProtocolError && e.message === "Protocol error: invalid integer",
      text,
    );
  }
});

Deno.test("a decoder that threw decodes the next frame from scratch", () => {
  const decoder = new FrameDecoder();
  const bad = bytes("*3\r\n*1\r\n:1\r\n*2\r\n:x\r\n:3\r\n:4\r\n");
  assert.throws(() => decoder.decode(bad, 0, bad.length), ProtocolError);
  const good = bytes("*2\r\n*1\r\n:1\r\n$1\r\nz\r\n");
  assertEquals(decoder.decode(good, 0, good.length), {
    kind: "array",
    value: [{ kind: "array", value: [{ kind: "integer", value: 1 }] }, {
      kind: "bulk",
      value: bytes("z"),
    }],
  });
});

Deno.test("integers in an array decode as alone: in its leading run, after it, and cut anywhere", () => {
  const valid = [
    "0",
    "7",
    "-1",
    "999999999999999",
    "1000000000000000",
    "-999999999999999",
    "9007199254740991",
    "9007199254740992",
    "9007199254740993",
    "9223372036854775807",
    "-9223372036854775808",
  ];
  const invalid = ["-0", "00", "01", "-01", "+1", "1x", "", "-", "9223372036854775808"];
  for (const text of [...valid, ...invalid]) {
    const alone = bytes(`:${text}\r\n`);
    let expected: Frame | string;
    try {
      const f = new FrameDecoder().decode(alone, 0, alone.length);
      assert.ok(f !== INCOMPLETE, text);
      expected = f;
    } catch (e: unknown) {
      assert.ok(e instanceof ProtocolError, text);
      expected = e.message;
    }
    // first, in the middle of the leading run, after a bulk (the general loop), nested
    for (
      const [wire, at] of [
        [`*2\r\n:${text}\r\n:5\r\n`, (f: Frame[]) => f[0]],
        [`*3\r\n:4\r\n:${text}\r\n:5\r\n`, (f: Frame[]) => f[1]],
        [`*3\r\n$1\r\na\r\n:${text}\r\n:5\r\n`, (f: Frame[]) => f[1]],
        [`*2\r\n*1\r\n:${text}\r\n:5\r\n`, (f: Frame[]) => (f[0] as { value: Frame[] }).value[0]],
      ] as const
    ) {
      const buf = bytes(wire);
      for (let cut = 0; cut < buf.length; cut++) {
        const decoder = new FrameDecoder();
        let partial: Frame | typeof INCOMPLETE | undefined;
        try {
          partial = decoder.decode(buf, 0, cut);
        } catch (e: unknown) {
          // an error is found as soon as the bad line is whole, cut or not
          assertEquals(e instanceof ProtocolError && e.message, expected, `${wire} cut ${cut}`);
          continue;
        }
        assertEquals(partial, INCOMPLETE, `${wire} cut ${cut}`);
      }
      const decoder = new FrameDecoder();
      if (typeof expected === "string") {
        assert.throws(
          () => decoder.decode(buf, 0, buf.length),
          (e: unknown) => e instanceof ProtocolError && e.message === expected,
          wire,
        );
        continue;
      }
      const frame = decoder.decode(buf, 0, buf.length);
      assert.ok(frame !== INCOMPLETE && frame.kind === "array", wire);
      assertEquals(at(frame.value), expected, wire);
      assertEquals(decoder.end, buf.length, wire);
      assertEquals(parseFrame(buf, 0).frame, frame, wire);
    }
  }
});

Deno.test("an array of integers then other kinds decodes every element", () => {
  const buf = bytes("*6\r\n:1\r\n:22\r\n$2\r\nab\r\n:-3\r\n*1\r\n:4\r\n_\r\n");
  const decoder = new FrameDecoder();
  assertEquals(decoder.decode(buf, 0, buf.length), {
    kind: "array",
    value: [
      { kind: "integer", value: 1 },
      { kind: "integer", value: 22 },
      { kind: "bulk", value: bytes("ab") },
      { kind: "integer", value: -3 },
      { kind: "array", value: [{ kind: "integer", value: 4 }] },
      { kind: "null" },
    ],
  });
  assertEquals(decoder.end, buf.length);
});

Deno.test("one decoder reading several buffers makes each bulk a view of its own buffer", () => {
  const decoder = new FrameDecoder();
  const first = bytes("$3\r\nabc\r\n");
  const backing = bytes("xx*1\r\n$3\r\ndef\r\n$3\r\nghi\r\n");
  const second = backing.subarray(2); // another buffer, at an offset in its memory
  const a = decoder.decode(first, 0, first.length);
  const b = decoder.decode(second, 0, second.length);
  const c = decoder.decode(second, decoder.end, second.length);
  const d = decoder.decode(first, 0, first.length);
  assert.ok(a !== INCOMPLETE && a.kind === "bulk" && d !== INCOMPLETE && d.kind === "bulk");
  assert.ok(b !== INCOMPLETE && b.kind === "array" && c !== INCOMPLETE && c.kind === "bulk");
  const inner = b.value[0];
  assert.ok(inner.kind === "bulk");
  assertEquals([a.value, inner.value, c.value, d.value], [
    bytes("abc"),
    bytes("def"),
    bytes("ghi"),
    bytes("abc"),
  ]);
  assert.equal(a.value.buffer, first.buffer);
  assert.equal(inner.value.buffer, backing.buffer);
  assert.equal(c.value.buffer, backing.buffer);
  assert.equal(d.value.buffer, first.buffer);
});

// --- nested arrays, decoded alone and one level deeper (where the recursion limit, the
// explicit stack and the integer runs fall elsewhere): both must agree ---

/**
 * What FrameDecoder makes of `frame` cut at `cut` as the only element of a set: one call
 * deeper than alone, so the explicit stack takes over one level sooner.
 */
function inASet(
  frame: Uint8Array,
  cut: number,
): { frame: Frame | typeof INCOMPLETE; end: number } | string {
  const wrapped = concat(bytes("~1\r\n"), frame);
  const decoder = new FrameDecoder();
  try {
    const set = decoder.decode(wrapped, 0, cut + 4);
    if (set === INCOMPLETE) return { frame: INCOMPLETE, end: 0 };
    assert.ok(set.kind === "set");
    return { frame: set.value[0], end: decoder.end - 4 };
  } catch (e: unknown) {
    assert.ok(e instanceof ProtocolError, String(e));
    return e.message;
  }
}

/** FrameDecoder's answer on `frame` alone, cut at `cut`, in the same form. */
function alone(
  frame: Uint8Array,
  cut: number,
): { frame: Frame | typeof INCOMPLETE; end: number } | string {
  const decoder = new FrameDecoder();
  try {
    const f = decoder.decode(frame, 0, cut);
    return { frame: f, end: f === INCOMPLETE ? 0 : decoder.end };
  } catch (e: unknown) {
    assert.ok(e instanceof ProtocolError, String(e));
    return e.message;
  }
}

/** Both ways agree on `wire` at every cut, and on the whole of it. */
function assertSameEveryCut(wire: string, what: string): void {
  const buf = bytes(wire);
  for (let cut = 0; cut <= buf.length; cut++) {
    assertEquals(alone(buf, cut), inASet(buf, cut), `${what}, cut at ${cut}`);
  }
}

/** Elements around the nested array at each level: plain ones, and every other kind. */
const LEVEL_MIXES: ((child: string) => string)[] = [
  (child) => `*3\r\n:7\r\n${child}$3\r\nabc\r\n`,
  (child) => `*4\r\n${child}$-1\r\n*0\r\n*-1\r\n`,
  (child) => `*2\r\n+simple\r\n${child}`, // a simple string first
  (child) => `*4\r\n$0\r\n\r\n${child}#t\r\n:-12\r\n`, // a boolean and a negative integer after it
  (child) => `*3\r\n:9007199254740993\r\n${child}:0\r\n`, // an integer past 15 digits
  (child) => `*2\r\n${child}%1\r\n:1\r\n*1\r\n:2\r\n`, // a map holding an array
  (child) => `*1\r\n${child}`,
];

/** An array nested `depth` deep around `leaf`, its levels mixed from LEVEL_MIXES from `seed` on. */
function nestedWire(depth: number, leaf: string, seed: number): string {
  let wire = leaf;
  for (let level = 0; level < depth; level++) {
    wire = LEVEL_MIXES[(seed + level) % LEVEL_MIXES.length](wire);
  }
  return wire;
}

Deno.test("arrays nested up to, at and past the recursion limit decode as they do one level deeper", () => {
  for (const depth of [1, 2, 15, 16, 17, 18, 33]) {
    for (let seed = 0; seed < LEVEL_MIXES.length; seed++) {
      const wire = nestedWire(depth, ":42\r\n", seed);
      assertSameEveryCut(wire, `depth ${depth}, seed ${seed}`);
      const whole = alone(bytes(wire), wire.length);
      assert.ok(
        typeof whole !== "string" && whole.frame !== INCOMPLETE && whole.end === wire.length,
      );
      assertEquals(whole.frame, parseFrame(bytes(wire), 0).frame);
    }
  }
});

Deno.test("only arrays and plain elements nested past the limit decode as they do one level deeper", () => {
  for (const depth of [15, 16, 17, 40]) {
    const plain = "*2\r\n".repeat(depth) + ":1\r\n" + "$2\r\nab\r\n".repeat(depth);
    assertSameEveryCut(plain, `plain, depth ${depth}`);
    const chain = "*1\r\n".repeat(depth) + "$-1\r\n";
    assertSameEveryCut(chain, `chain, depth ${depth}`);
  }
  const deep = "*1\r\n".repeat(300) + ":7\r\n";
  assertEquals(alone(bytes(deep), deep.length), inASet(bytes(deep), deep.length));
});

Deno.test("a bad element at any depth throws what it throws one level deeper, cut anywhere", () => {
  const bad = [
    ":01\r\n",
    ":-0\r\n",
    ":1x\r\n",
    "$x\r\n",
    "$-2\r\n",
    "*-2\r\n",
    "*01\r\n",
    "?\r\n",
    "#x\r\n",
  ];
  for (const leaf of bad) {
    for (const depth of [0, 1, 14, 15, 16, 17, 20]) {
      for (const seed of [0, 1, 2, 3]) {
        const wire = nestedWire(depth, leaf, seed);
        const whole = inASet(bytes(wire), wire.length);
        assert.ok(typeof whole === "string", `${JSON.stringify(wire)} should throw`);
        assertSameEveryCut(wire, `${JSON.stringify(leaf)} at depth ${depth}, seed ${seed}`);
      }
    }
  }
});

Deno.test("random frames inside arrays nested around the limit decode as they do one level deeper", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 12, max: 20 }),
      fc.integer({ min: 0, max: LEVEL_MIXES.length - 1 }),
      frameArb,
      (depth, seed, inner) => {
        const leaf = new TextDecoder("latin1").decode(encodeFrame(inner));
        const wire = nestedWire(depth, leaf, seed);
        const buf = Uint8Array.from(wire, (ch) => ch.charCodeAt(0));
        for (let cut = 0; cut <= buf.length; cut += 7) {
          assertEquals(alone(buf, cut), inASet(buf, cut), `cut at ${cut}`);
        }
        assertEquals(alone(buf, buf.length), inASet(buf, buf.length));
      },
    ),
    { numRuns: 100 },
  );
});

/**
 * The WebSocket deframer: payload comes out unmasked and in order however the raw bytes
 * are split, control frames are reported whole, a message over the bound is refused at
 * its header (its payload skippable), and malformed frames are protocol errors.
 */

import { assert, assertEquals } from "../../tests/support/assert.ts";
import fc from "fast-check";
import {
  CLOSE_MESSAGE_TOO_BIG,
  CLOSE_PROTOCOL_ERROR,
  closeFrame,
  Deframer,
  OP_BINARY,
  OP_CLOSE,
  OP_CONTINUATION,
  OP_PING,
  OP_TEXT,
  writeFrameHeader,
} from "./ws_frames.ts";

/** A client frame: masked, as browsers send them. */
function clientFrame(opcode: number, payload: Uint8Array, fin = true): Uint8Array {
  const n = payload.length;
  const headLen = n < 126 ? 2 : n < 65536 ? 4 : 10;
  const frame = new Uint8Array(headLen + 4 + n);
  writeFrameHeader(frame, 0, opcode, n);
  if (!fin) frame[0] &= 0x7f;
  frame[1] |= 0x80;
  const mask = [0x12, 0x34, 0x56, 0x78];
  frame.set(mask, headLen);
  for (let i = 0; i < n; i++) frame[headLen + 4 + i] = payload[i] ^ mask[i & 3];
  return frame;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Feeds `raw` cut at `cuts` as a transport does (leftovers carried to the next read). */
function run(raw: Uint8Array, cuts: number[], maxMessage = Infinity) {
  const pings: string[] = [];
  const closes: [number, string][] = [];
  const deframer = new Deframer(() => maxMessage, {
    ping: (p) => pings.push(new TextDecoder().decode(p)),
    close: (code, reason) => closes.push([code, reason]),
  });
  const payload: Uint8Array[] = [];
  let carry = new Uint8Array(0);
  let errors: number[] = [];
  const bounds = [
    0,
    ...cuts.filter((c) => c > 0 && c < raw.length).sort((a, b) => a - b),
    raw.length,
  ];
  for (let k = 1; k < bounds.length; k++) {
    const buf = concat([carry, raw.subarray(bounds[k - 1], bounds[k])]);
    const r = deframer.deframe(buf, 0, buf.length);
    payload.push(buf.slice(0, r.payload));
    carry = buf.slice(r.consumed);
    if (r.error !== null) errors = [...errors, r.error.code];
  }
  return { payload: new TextDecoder().decode(concat(payload)), pings, closes, errors };
}

const text = (s: string) => new TextEncoder().encode(s);

Deno.test("payload comes out unmasked and whole at every split point", () => {
  const raw = concat([
    clientFrame(OP_BINARY, text("*1\r\n$4\r\nPING\r\n")),
    clientFrame(OP_PING, text("hi")),
    clientFrame(OP_TEXT, text("GET "), false),
    clientFrame(OP_CONTINUATION, text("k".repeat(300))),
    clientFrame(OP_BINARY, text("x".repeat(66_000))),
    clientFrame(OP_CLOSE, closeFrame(1000, "bye").subarray(2)),
  ]);
  const expected = "*1\r\n$4\r\nPING\r\nGET " + "k".repeat(300) + "x".repeat(66_000);
  for (let cut = 0; cut < 400; cut++) {
    const r = run(raw, [cut]);
    assertEquals(r.payload, expected);
    assertEquals(r.pings, ["hi"]);
    assertEquals(r.closes, [[1000, "bye"]]);
    assertEquals(r.errors, []);
  }
  fc.assert(
    fc.property(fc.array(fc.nat(raw.length), { maxLength: 20 }), (cuts) => {
      const r = run(raw, cuts);
      return r.payload === expected && r.pings.length === 1 && r.closes.length === 1;
    }),
    { numRuns: 200 },
  );
});

Deno.test("a message over the bound is refused at its header; its payload can be skipped", () => {
  const raw = concat([
    clientFrame(OP_BINARY, text("ok")),
    clientFrame(OP_BINARY, new Uint8Array(5000)),
    clientFrame(OP_CLOSE, closeFrame(1000).subarray(2)),
  ]);
  const r = run(raw, [10, 100, 3000], 4096);
  assertEquals(r.payload.slice(0, 2), "ok");
  assertEquals(r.errors, [CLOSE_MESSAGE_TOO_BIG]);
  // The fragments of one message count together.
  const fragmented = concat([
    clientFrame(OP_BINARY, new Uint8Array(3000), false),
    clientFrame(OP_CONTINUATION, new Uint8Array(3000)),
  ]);
  assertEquals(run(fragmented, [], 4096).errors, [CLOSE_MESSAGE_TOO_BIG]);
});

Deno.test("the refused message's payload is skipped and the peer's close frame still read", () => {
  const deframer = new Deframer(() => 100, { ping() {}, close: (code) => closes.push(code) });
  const closes: number[] = [];
  const raw = concat([
    clientFrame(OP_BINARY, new Uint8Array(1000)),
    clientFrame(OP_CLOSE, closeFrame(1000).subarray(2)),
  ]);
  const first = deframer.deframe(raw, 0, raw.length);
  assertEquals(first.error?.code, CLOSE_MESSAGE_TOO_BIG);
  const rest = raw.slice(first.consumed);
  const second = deframer.deframe(rest, 0, rest.length);
  assertEquals(second.error, null);
  assertEquals(closes, [1000]);
});

Deno.test("malformed frames are protocol errors, and nothing after them is parsed", () => {
  const unmasked = new Uint8Array([0x82, 0x01, 0x41]);
  assertEquals(run(unmasked, []).errors, [CLOSE_PROTOCOL_ERROR]);
  const reserved = clientFrame(OP_BINARY, text("a"));
  reserved[0] |= 0x40;
  assertEquals(run(reserved, []).errors, [CLOSE_PROTOCOL_ERROR]);
  assertEquals(run(clientFrame(OP_CONTINUATION, text("a")), []).errors, [CLOSE_PROTOCOL_ERROR]);
  assertEquals(run(clientFrame(0x3, text("a")), []).errors, [CLOSE_PROTOCOL_ERROR]);
  assertEquals(run(clientFrame(OP_PING, new Uint8Array(126)), []).errors, [CLOSE_PROTOCOL_ERROR]);
  const nested = concat([
    clientFrame(OP_BINARY, text("a"), false),
    clientFrame(OP_BINARY, text("b")),
    clientFrame(OP_BINARY, text("c")),
  ]);
  const r = run(nested, [5]);
  assertEquals(r.errors, [CLOSE_PROTOCOL_ERROR]);
  assert(!r.payload.includes("c"));
});

Deno.test("server frame headers use the shortest length form", () => {
  const h = new Uint8Array(10);
  assertEquals(writeFrameHeader(h, 0, OP_BINARY, 125), 2);
  assertEquals([...h.subarray(0, 2)], [0x82, 125]);
  assertEquals(writeFrameHeader(h, 0, OP_BINARY, 65535), 4);
  assertEquals([...h.subarray(0, 4)], [0x82, 126, 255, 255]);
  assertEquals(writeFrameHeader(h, 0, OP_BINARY, 2 ** 32 + 5), 10);
  assertEquals([...h], [0x82, 127, 0, 0, 0, 1, 0, 0, 0, 5]);
  const close = closeFrame(1008, "é".repeat(100));
  assertEquals(close.length, 4 + 122); // the reason is cut on a character boundary
});

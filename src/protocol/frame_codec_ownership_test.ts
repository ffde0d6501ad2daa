/**
 * parseFrame copies a frame out of the read buffer once and hands out views of that copy:
 * the frames a client keeps must not change when its read buffer is reused.
 */

import { assert, assertEquals } from "../../tests/support/assert.ts";
import { checkFrame, encodeFrame, parseFrame } from "./frame_codec.ts";
import type { Frame } from "./frame.ts";

const ascii = (s: string) => new TextEncoder().encode(s);

const reply: Frame = {
  kind: "array",
  value: [
    { kind: "bulk", value: ascii("first") },
    { kind: "array", value: [{ kind: "integer", value: -42 }, { kind: "bulk", value: ascii("") }] },
    { kind: "verbatim", format: "txt", value: ascii("hello") },
    { kind: "map", value: [[{ kind: "simple", value: "k" }, { kind: "bulk", value: ascii("v") }]] },
  ],
};

Deno.test("bulks of a parsed frame keep their bytes after the input buffer is overwritten", () => {
  const buf = encodeFrame(reply);
  const { frame } = parseFrame(buf, 0, checkFrame(buf, 0, buf.length));
  buf.fill(0x2a);
  assertEquals(frame, reply);
});

Deno.test("parseFrame finds the end itself when not given it, for each of many frames", () => {
  const one = encodeFrame(reply);
  const many = new Uint8Array(one.length * 3);
  for (let i = 0; i < 3; i++) many.set(one, i * one.length);
  let pos = 0;
  for (let i = 0; i < 3; i++) {
    const withEnd = parseFrame(many, pos, checkFrame(many, pos, many.length));
    const found = parseFrame(many, pos);
    assertEquals(found, withEnd);
    assertEquals(found.frame, reply);
    pos = found.end;
  }
  assertEquals(pos, many.length);
});

Deno.test("parseFrame refuses a frame that is not all buffered", () => {
  const whole = encodeFrame(reply);
  try {
    parseFrame(whole.subarray(0, whole.length - 1), 0);
    assert.fail("expected an error");
  } catch (e: unknown) {
    assert.ok(e instanceof RangeError);
  }
});

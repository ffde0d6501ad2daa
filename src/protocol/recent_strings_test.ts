/** The recent-argument cache: always the bytes' string, and the same object when repeated. */

import fc from "fast-check";
import { assert, assertEquals } from "../../tests/support/assert.ts";
import { bytesToString } from "./latin1.ts";
import { MAX_CACHED_LENGTH, recentString } from "./recent_strings.ts";

/** `bytes` placed at an offset inside a larger buffer, as a read buffer holds them. */
function inBuffer(bytes: number[], offset = 3): Uint8Array {
  const buf = new Uint8Array(offset + bytes.length + 2).fill(0x2a);
  buf.set(bytes, offset);
  return buf;
}

Deno.test("recentString returns the bytes' string, and the same object for the same bytes", () => {
  const buf = inBuffer([...new TextEncoder().encode("key:__rand_int__")]);
  const first = recentString(buf, 3, 16);
  assertEquals(first, "key:__rand_int__");
  const again = recentString(inBuffer([...new TextEncoder().encode("key:__rand_int__")], 7), 7, 16);
  assert(Object.is(first, again));
});

Deno.test("recentString tells apart arguments that share a slot (same length and sampled bytes)", () => {
  // Equal length and equal bytes 3 (the middle), 4 (the fifth) and 6 (the last): the bytes
  // the slot samples, so the same slot for different strings.
  const a = [0x6b, 1, 2, 0x6d, 4, 5, 0x7a];
  const b = [0x6b, 9, 7, 0x6d, 4, 5, 0x7a];
  for (let round = 0; round < 3; round++) {
    assertEquals(recentString(inBuffer(a), 3, a.length), bytesToString(new Uint8Array(a), 0, 7));
    assertEquals(recentString(inBuffer(b), 3, b.length), bytesToString(new Uint8Array(b), 0, 7));
  }
});

Deno.test("recentString equals bytesToString on any bytes, repeated or not", () => {
  const arg = fc.uint8Array({ minLength: 1, maxLength: MAX_CACHED_LENGTH - 1 });
  fc.assert(
    fc.property(fc.array(arg, { minLength: 1, maxLength: 40 }), fc.nat(5), (args, offset) => {
      // Each argument twice, and every argument again after the others overwrote slots.
      for (const bytes of [...args, ...args, ...args.toReversed()]) {
        const buf = inBuffer([...bytes], offset);
        assertEquals(
          recentString(buf, offset, bytes.length),
          bytesToString(bytes, 0, bytes.length),
        );
      }
    }),
    { numRuns: 500 },
  );
});

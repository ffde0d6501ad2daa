/**
 * Tests of the partial quicksort: the wanted range always ends up holding exactly what a
 * full sort puts there (checked with keys that tie, compared on a coarser key), and a
 * full range sorts everything.
 */

import assert from "node:assert/strict";
import fc from "fast-check";
import { partialSort } from "./partial_sort.ts";

Deno.test("the wanted range holds what a full sort puts there", () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 120 }),
      fc.nat(),
      fc.nat(),
      (values, x, y) => {
        if (values.length === 0) return;
        const items = values.map((v, i) => ({ v, i }));
        const start = x % values.length, end = start + y % (values.length - start);
        const cmp = (a: { v: number }, b: { v: number }) => Math.sign(a.v - b.v);
        const want = [...values].sort((a, b) => a - b).slice(start, end + 1);
        partialSort(items, cmp, start, end);
        assert.deepEqual(items.slice(start, end + 1).map((o) => o.v), want);
        assert.deepEqual(items.map((o) => o.i).sort((a, b) => a - b), values.map((_, i) => i));
      },
    ),
  );
});

Deno.test("a full range sorts everything", () => {
  const values = Array.from({ length: 500 }, (_, i) => (i * 7919) % 101);
  partialSort(values, (a, b) => a - b, 0, values.length - 1);
  assert.deepEqual(values, [...values].sort((a, b) => a - b));
});

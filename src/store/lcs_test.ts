/**
 * Tests of LCS: its length against a separate recursive definition, its text a
 * subsequence of both strings, its runs real matches that add up to the length; and
 * Redis's documented example, ranges included.
 */

import assert from "node:assert/strict";
import fc from "fast-check";
import { lcs } from "./lcs.ts";

function lcsLength(a: string, b: string): number {
  const memo = new Map<number, number>();
  const go = (i: number, j: number): number => {
    if (i === a.length || j === b.length) return 0;
    const key = i * 1000 + j;
    let v = memo.get(key);
    if (v === undefined) {
      v = a[i] === b[j] ? 1 + go(i + 1, j + 1) : Math.max(go(i + 1, j), go(i, j + 1));
      memo.set(key, v);
    }
    return v;
  };
  return go(0, 0);
}

function isSubsequence(sub: string, s: string): boolean {
  let k = 0;
  for (let i = 0; i < s.length && k < sub.length; i++) if (s[i] === sub[k]) k++;
  return k === sub.length;
}

const text = fc.string({ unit: fc.constantFrom("a", "b", "c", "\0", "\xff"), maxLength: 30 });

Deno.test("lcs gives a longest common subsequence and the runs that make it up", () => {
  fc.assert(fc.property(text, text, (a, b) => {
    const r = lcs(a, b);
    assert.equal(r.length, lcsLength(a, b));
    assert.equal(r.text.length, r.length);
    assert.ok(isSubsequence(r.text, a) && isSubsequence(r.text, b));
    let total = 0, lastA = a.length, lastB = b.length;
    for (const m of r.matches) {
      assert.equal(a.slice(m.aStart, m.aEnd + 1), b.slice(m.bStart, m.bEnd + 1));
      assert.equal(m.aEnd - m.aStart, m.bEnd - m.bStart);
      assert.ok(m.aEnd < lastA && m.bEnd < lastB, "runs come last first, without overlap");
      lastA = m.aStart;
      lastB = m.bStart;
      total += m.aEnd - m.aStart + 1;
    }
    assert.equal(total, r.length);
  }));
});

Deno.test("lcs of Redis's example", () => {
  const r = lcs("ohmytext", "mynewtext");
  assert.equal(r.text, "mytext");
  assert.deepEqual(r.matches, [
    { aStart: 4, aEnd: 7, bStart: 5, bEnd: 8 },
    { aStart: 2, aEnd: 3, bStart: 0, bEnd: 1 },
  ]);
});

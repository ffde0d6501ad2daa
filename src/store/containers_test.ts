/**
 * Hash, set and sorted-set values against plain Map/Set models under random operations,
 * with small encoding thresholds so they switch encodings mid-sequence: contents, sizes,
 * Redis's encoding names, reply order of the compact forms, and the scan guarantee (a
 * member present for a whole scan is returned while others come and go).
 */

import { assert } from "../../tests/support/assert.ts";
import fc from "fast-check";
import { HashValue } from "./types/hash.ts";
import { SetValue } from "./types/set.ts";
import { SortedSetValue } from "./types/zset.ts";
import { DEFAULT_ENCODING_LIMITS } from "./encoding_limits.ts";
import { compareEntries, ScoreTree } from "./score_tree.ts";

const member = fc.oneof(
  fc.integer({ min: -30, max: 30 }).map(String),
  fc.constantFrom(
    "a",
    "b",
    "-0",
    "007",
    "x".repeat(12),
    "9223372036854775807",
    "9223372036854775808",
  ),
);

const ops = fc.array(
  fc.record({ add: fc.boolean(), m: member, v: fc.string({ maxLength: 12 }) }),
  { maxLength: 200 },
);

Deno.test("a hash agrees with a Map and switches to hashtable past its limits", () => {
  {
    const limits = {
      ...DEFAULT_ENCODING_LIMITS,
      hashMaxListpackEntries: 20,
      hashMaxListpackValue: 10,
    };
    fc.assert(fc.property(ops, (steps) => {
      const h = new HashValue();
      const model = new Map<string, string>();
      let converted = false;
      for (const { add, m, v } of steps) {
        if (add) {
          assert.equal(h.set(m, v, limits), !model.has(m));
          model.set(m, v);
          if (model.size > 20 || m.length > 10 || v.length > 10) converted = true;
        } else assert.equal(h.delete(m), model.delete(m));
        assert.equal(h.encoding, converted ? "hashtable" : "listpack");
        assert.equal(h.size, model.size);
      }
      const seen = new Map<string, string>();
      h.forEach((f, v) => seen.set(f, v));
      assert.deepEqual(seen, model);
      // the listpack keeps insertion order, as Redis's does
      if (!converted) assert.deepEqual([...seen.keys()], [...model.keys()]);
      for (const [f, v] of model) assert.equal(h.get(f), v);
      const copy = h.copy();
      assert.equal(copy.encoding, h.encoding);
      h.set("only-in-original", "1");
      assert.equal(copy.get("only-in-original"), undefined);
    }));
  }
});

Deno.test("a set agrees with a Set; intsets stay sorted and convert as Redis's do", () => {
  {
    const limits = { ...DEFAULT_ENCODING_LIMITS, setMaxIntsetEntries: 15 };
    fc.assert(fc.property(ops, (steps) => {
      const s = new SetValue();
      const model = new Set<string>();
      let converted = false;
      for (const { add, m } of steps) {
        if (add) {
          assert.equal(s.add(m, limits), !model.has(m));
          model.add(m);
          if (!/^(0|-?[1-9]\d*)$/.test(m) || BigInt(m) > 9223372036854775807n) converted = true;
          if (model.size > 15) converted = true;
        } else assert.equal(s.delete(m), model.delete(m));
        assert.equal(s.encoding, converted ? "hashtable" : "intset");
        assert.equal(s.size, model.size);
      }
      const members = [...s.members()];
      assert.deepEqual(new Set(members), model);
      assert.equal(members.length, model.size);
      if (!converted) {
        assert.deepEqual(members, [...model].sort((a, b) => Number(BigInt(a) - BigInt(b))));
      }
      for (const m of model) assert.ok(s.has(m));
      assert.ok(!s.has("absent"));
    }));
  }
});

Deno.test("a sorted set agrees with a model and switches to skiplist past its limits", () => {
  {
    const limits = {
      ...DEFAULT_ENCODING_LIMITS,
      zsetMaxListpackEntries: 12,
      zsetMaxListpackValue: 10,
    };
    fc.assert(fc.property(ops, fc.array(fc.integer({ min: -5, max: 5 })), (steps, scores) => {
      const z = new SortedSetValue(0, limits);
      const model = new Map<string, number>();
      let converted = false;
      steps.forEach(({ add, m }, i) => {
        if (add) {
          const score = scores[i % Math.max(1, scores.length)] ?? 0;
          assert.equal(z.set(m, score, limits), !model.has(m));
          if (!model.has(m) && (model.size + 1 > 12 || m.length > 10)) converted = true;
          model.set(m, score);
        } else assert.equal(z.delete(m), model.delete(m));
        assert.equal(z.encoding, converted ? "skiplist" : "listpack");
        assert.equal(z.size, model.size);
      });
      if (z.tree instanceof ScoreTree) z.tree.check();
      const sorted = [...model].sort(([a, x], [b, y]) => compareEntries(x, a, y, b));
      sorted.forEach(([m, s], rank) => {
        assert.equal(z.score(m), s);
        assert.equal(z.tree.rank(s, m), rank);
      });
    }));
  }
});

Deno.test("scans return every member present for the whole scan while others come and go", () => {
  fc.assert(
    fc.property(
      fc.array(fc.record({ add: fc.boolean(), n: fc.nat(400) }), { maxLength: 300 }),
      fc.integer({ min: 1, max: 20 }),
      (churn, count) => {
        const h = new HashValue(), s = new SetValue(), z = new SortedSetValue();
        for (let i = 0; i < 1000; i++) {
          h.set(`f${i}`, "v");
          s.add(`m${i}`);
          z.set(`m${i}`, i % 7);
        }
        const stable = (i: number) => i % 3 === 0; // never removed
        const seen = [new Set<string>(), new Set<string>(), new Set<string>()];
        const cursors = [0, 0, 0];
        const done = [false, false, false];
        let step = 0;
        while (!done.every(Boolean)) {
          if (!done[0]) cursors[0] = h.scan(cursors[0], count, (f) => seen[0].add(f));
          if (!done[1]) cursors[1] = s.scan(cursors[1], count, (m) => seen[1].add(m));
          if (!done[2]) cursors[2] = z.scan(cursors[2], count, (m) => seen[2].add(m));
          cursors.forEach((c, i) => done[i] ||= c === 0);
          const c = churn[step++ % Math.max(1, churn.length)];
          if (c !== undefined && !stable(c.n)) {
            if (c.add) {
              h.set(`f${c.n}`, "v");
              s.add(`m${c.n}`);
              z.set(`m${c.n}`, c.n % 5);
            } else {
              h.delete(`f${c.n}`);
              s.delete(`m${c.n}`);
              z.delete(`m${c.n}`);
            }
          }
        }
        for (let i = 0; i < 1000; i += 3) {
          assert.ok(seen[0].has(`f${i}`), `HSCAN missed f${i}`);
          assert.ok(seen[1].has(`m${i}`), `SSCAN missed m${i}`);
          assert.ok(seen[2].has(`m${i}`), `ZSCAN missed m${i}`);
        }
      },
    ),
    { numRuns: 60 },
  );
});

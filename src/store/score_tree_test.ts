/**
 * ScoreTree against a sorted array under long random sequences of inserts and deletes:
 * order, ranks, entries by rank, predicate searches and range walks must agree, and the
 * tree's own invariants (counts, minimums, leaf links) must hold after every step.
 */

import { assert } from "../../tests/support/assert.ts";
import fc from "fast-check";
import { compareEntries, ScoreTree } from "./score_tree.ts";

type Entry = [number, string];

function modelIndex(model: Entry[], s: number, m: string): number {
  return model.findIndex(([ms, mm]) => compareEntries(ms, mm, s, m) >= 0);
}

const op = fc.oneof(
  fc.record({
    kind: fc.constant("insert" as const),
    score: fc.integer({ min: -20, max: 20 }),
    member: fc.string({ maxLength: 3, unit: fc.constantFrom("a", "b", "c", "\x00", "\xff") }),
  }),
  fc.record({ kind: fc.constant("delete" as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant("bulk" as const), n: fc.integer({ min: 1, max: 300 }) }),
  fc.record({ kind: fc.constant("drain" as const), n: fc.integer({ min: 1, max: 300 }) }),
);

Deno.test("the score tree agrees with a sorted array under random inserts and deletes", () => {
  fc.assert(
    fc.property(fc.array(op, { maxLength: 120 }), fc.integer(), (ops, seed) => {
      const tree = new ScoreTree();
      const model: Entry[] = [];
      let counter = seed;
      const insert = (s: number, m: string) => {
        if (model.some(([, mm]) => mm === m)) return;
        tree.insert(s, m);
        let at = modelIndex(model, s, m);
        if (at < 0) at = model.length;
        model.splice(at, 0, [s, m]);
      };
      for (const o of ops) {
        if (o.kind === "insert") insert(o.score, o.member);
        else if (o.kind === "bulk") {
          for (let i = 0; i < o.n; i++) insert((counter++ * 7919) % 97, `m${counter}`);
        } else if (model.length > 0) {
          const n = o.kind === "delete" ? 1 : Math.min(o.n, model.length);
          for (let i = 0; i < n; i++) {
            const [s, m] =
              model.splice((o.kind === "delete" ? o.pick : i * 3) % model.length, 1)[0];
            assert.ok(tree.remove(s, m));
          }
        }
        tree.check();
        assert.equal(tree.size, model.length);
      }
      // every rank, entry and range walk
      model.forEach(([s, m], i) => {
        assert.equal(tree.rank(s, m), i);
        assert.deepEqual(tree.entryAt(i), [s, m]);
      });
      assert.equal(tree.rank(1000, "absent"), -1);
      assert.ok(!tree.remove(1000, "absent"));
      for (const bound of [-21, -3, 0, 5, 21, 100]) {
        const expected = model.findIndex(([s]) => s >= bound);
        assert.equal(tree.firstRank((s) => s >= bound), expected < 0 ? model.length : expected);
      }
      if (model.length > 0) {
        const walked: Entry[] = [];
        tree.forEach(0, model.length - 1, (s, m) => walked.push([s, m]));
        assert.deepEqual(walked, model);
        const back: Entry[] = [];
        tree.forEachReverse(model.length - 1, 0, (s, m) => back.push([s, m]));
        assert.deepEqual(back, model.slice().reverse());
        const [s, m] = model[model.length >> 1];
        assert.equal(tree.scanFor(m), s);
      }
    }),
    { numRuns: 150 },
  );
});

Deno.test("the score tree keeps ranks exact through 20,000 inserts and deletes", () => {
  const tree = new ScoreTree();
  const n = 20_000;
  for (let i = 0; i < n; i++) tree.insert((i * 7919) % 1000, `m${i}`);
  tree.check();
  for (let i = 0; i < n; i += 2) assert.ok(tree.remove((i * 7919) % 1000, `m${i}`));
  tree.check();
  assert.equal(tree.size, n / 2);
  let prev: Entry | null = null;
  tree.forEach(0, tree.size - 1, (s, m) => {
    if (prev) assert.ok(compareEntries(prev[0], prev[1], s, m) < 0);
    prev = [s, m];
  });
  for (let r = 0; r < tree.size; r += 97) {
    const [s, m] = tree.entryAt(r);
    assert.equal(tree.rank(s, m), r);
  }
});

Deno.test("the score tree stays balanced while 5,000 entries are deleted in random order", () => {
  const tree = new ScoreTree();
  const entries: Entry[] = [];
  for (let i = 0; i < 5000; i++) entries.push([i % 50, `k${i}`]);
  for (const [s, m] of entries) tree.insert(s, m);
  fc.assert(
    fc.property(fc.integer(), (seed) => {
      const order = entries.map((e, i) => [e, (i * 2654435761 + seed) >>> 0] as const)
        .sort((a, b) => a[1] - b[1]).map(([e]) => e);
      const t = new ScoreTree();
      for (const [s, m] of entries) t.insert(s, m);
      order.forEach(([s, m], i) => {
        assert.ok(t.remove(s, m));
        if (i % 250 === 0) t.check();
      });
      assert.equal(t.size, 0);
      t.check();
    }),
    { numRuns: 5 },
  );
});

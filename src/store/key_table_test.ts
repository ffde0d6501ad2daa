/**
 * `KeyTable` against a `Map` model under long random operation sequences: finds (hits and misses,
 * the same key again), inserts right after a miss or after other changes, value and clock updates,
 * removals anywhere (the last entry moving into the hole), growth past many index resizes and
 * shrinking back, reservations (RESIZEDB), clears; and a walk from the top position down,
 * interleaved with writes, that must meet every key present for the whole walk; and `prefetch`,
 * which must reach exactly the keys present among those asked for.
 */

import { assert, assertEquals } from "../../tests/support/assert.ts";
import fc from "fast-check";
import { KeyTable, PREFETCH_LIMIT } from "./key_table.ts";
import { hashString } from "./key_hash.ts";

const key = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 0, max: 400 }).map((n) => `key:${n}`) },
  {
    weight: 2,
    arbitrary: fc.string({
      unit: fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c)),
      maxLength: 5,
    }),
  },
);

type Op =
  | { op: "set"; key: string; value: number }
  | { op: "delete"; key: string }
  | { op: "removeAt"; at: number }
  | { op: "findTwice"; key: string }
  | { op: "missThenOther"; key: string; other: string }
  | { op: "bulkAdd"; from: number; n: number }
  | { op: "bulkDelete"; keep: number }
  | { op: "reserve"; n: number }
  | { op: "clear" };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 40, arbitrary: fc.record({ op: fc.constant("set" as const), key, value: fc.nat() }) },
  { weight: 20, arbitrary: fc.record({ op: fc.constant("delete" as const), key }) },
  {
    weight: 8,
    arbitrary: fc.record({ op: fc.constant("removeAt" as const), at: fc.nat() }),
  },
  { weight: 8, arbitrary: fc.record({ op: fc.constant("findTwice" as const), key }) },
  {
    weight: 8,
    arbitrary: fc.record({ op: fc.constant("missThenOther" as const), key, other: key }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant("bulkAdd" as const),
      from: fc.nat(5000),
      n: fc.integer({ min: 100, max: 3000 }),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({ op: fc.constant("bulkDelete" as const), keep: fc.nat(20) }),
  },
  { weight: 1, arbitrary: fc.constant({ op: "clear" as const }) },
  {
    weight: 2,
    arbitrary: fc.record({ op: fc.constant("reserve" as const), n: fc.nat(5000) }),
  },
);

/** Sets `key` to `value` (its clock: the value's low 24 bits) in the table and the model. */
function set(t: KeyTable<number>, model: Map<string, number>, key: string, value: number): void {
  const p = t.find(key);
  if (p < 0) assertEquals(t.keyAt(t.insert(key, value, value & 0xffffff)), key);
  else {
    t.setValueAt(p, value);
    t.setAccessAt(p, value & 0xffffff);
  }
  model.set(key, value);
}

function remove(t: KeyTable<number>, model: Map<string, number>, key: string): void {
  const p = t.find(key);
  assertEquals(p >= 0, model.has(key));
  if (p >= 0) t.removeAt(p);
  model.delete(key);
}

function check(t: KeyTable<number>, model: Map<string, number>): void {
  assertEquals(t.size, model.size);
  assertEquals(new Set(t.keys()), new Set(model.keys()));
  for (const [k, v] of model) {
    const p = t.find(k);
    assert(p >= 0 && t.keyAt(p) === k, `${k} found at its position`);
    assertEquals([t.valueAt(p), t.accessAt(p)], [v, v & 0xffffff]);
  }
}

Deno.test("KeyTable matches a Map model under random operations", () => {
  fc.assert(
    fc.property(fc.array(op, { maxLength: 120 }), (ops) => {
      const t = new KeyTable<number>();
      const model = new Map<string, number>();
      for (const o of ops) {
        switch (o.op) {
          case "set":
            set(t, model, o.key, o.value);
            break;
          case "delete":
            remove(t, model, o.key);
            break;
          case "removeAt":
            if (t.size !== 0) remove(t, model, t.keyAt(o.at % t.size));
            break;
          case "findTwice": // the second find is answered from the hint
            assertEquals(t.find(o.key), t.find(o.key));
            assertEquals(t.find(o.key) >= 0, model.has(o.key));
            break;
          case "missThenOther": // a miss, then another key inserted before it
            if (t.find(o.key) < 0 && o.key !== o.other) {
              set(t, model, o.other, 1);
              set(t, model, o.key, 2);
            }
            break;
          case "bulkAdd":
            for (let i = 0; i < o.n; i++) set(t, model, `bulk:${o.from + i}`, i);
            break;
          case "bulkDelete":
            for (const k of [...model.keys()].slice(o.keep)) remove(t, model, k);
            break;
          case "reserve": // between a miss and its insertion, too
            t.find(`reserved:${o.n}`);
            t.reserve(o.n);
            set(t, model, `reserved:${o.n}`, o.n);
            break;
          case "clear":
            t.clear();
            model.clear();
        }
      }
      check(t, model);
    }),
    { numRuns: 150 },
  );
});

Deno.test("KeyTable: a walk from the top position down meets every key present throughout", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 600 }),
      fc.array(fc.tuple(fc.boolean(), key), { maxLength: 400 }),
      (initial, writes) => {
        const t = new KeyTable<number>();
        const model = new Map<string, number>();
        for (let i = 0; i < initial; i++) set(t, model, `start:${i}`, i);
        const everPresent = new Set(model.keys());
        const met = new Set<string>();
        let w = 0;
        for (let p = t.size - 1; p >= 0; p = Math.min(p - 1, t.size - 1)) {
          met.add(t.keyAt(p));
          // a write or two between steps: deletions move the last entry down
          for (let n = 0; n < 2 && w < writes.length; n++, w++) {
            const [insert, k] = writes[w];
            const victim = insert ? k : (t.size === 0 ? k : t.keyAt((k.length * 7) % t.size));
            if (insert) set(t, model, victim, 0);
            else {
              remove(t, model, victim);
              everPresent.delete(victim);
            }
          }
        }
        for (const k of everPresent) assert(met.has(k), `the walk missed ${k}`);
        check(t, model);
      },
    ),
    { numRuns: 100 },
  );
});

Deno.test("KeyTable.prefetch reaches the keys asked for, and changes nothing", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 3000 }),
      fc.array(fc.tuple(fc.boolean(), fc.nat(), key), { minLength: 1, maxLength: 80 }),
      (initial, asked) => {
        // string values, so `prefetch` counts them as it does a string value's length
        const t = new KeyTable<string>();
        for (let i = 0; i < initial; i++) t.insert(`start:${i}`, `v${i}`, 0);
        const keys = asked.map(([present, i, k]) =>
          present && initial > 0 ? `start:${i % initial}` : k
        );
        const n = Math.min(keys.length, PREFETCH_LIMIT);
        let expected = 0;
        for (const k of keys.slice(0, n)) {
          const p = t.find(k);
          if (p >= 0) expected += k.length + t.valueAt(p).length;
        }
        const before = t.keys();
        const hashes = new Int32Array(keys.map(hashString));
        assertEquals(t.prefetch(hashes, keys.length), expected);
        assertEquals(t.keys(), before);
        for (let i = 0; i < initial; i++) assertEquals(t.valueAt(t.find(`start:${i}`)), `v${i}`);
      },
    ),
    { numRuns: 150 },
  );
});

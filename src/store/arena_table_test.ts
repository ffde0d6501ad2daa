/**
 * `ArenaTable` against a `Map` model under long random operation sequences: adds, value
 * replacements of every length (in place and appended), deletions by key and by position
 * (SPOP), growth past many index resizes and shrinking back, arena compactions, copies, and
 * scans interleaved with writes, which must return every key present for the whole scan.
 */

import { assert } from "../../tests/support/assert.ts";
import fc from "fast-check";
import { ArenaTable } from "./arena_table.ts";

/** Byte strings: mostly from a small pool (so writes meet earlier ones), some long or binary. */
const bytes = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 0, max: 300 }).map((n) => `k:${n}`) },
  {
    weight: 2,
    arbitrary: fc.string({
      unit: fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c)),
      maxLength: 6,
    }),
  },
  { weight: 1, arbitrary: fc.constantFrom("", "\x00", "\xff".repeat(200), "x".repeat(16500)) },
);

type Op =
  | { op: "set"; key: string; value: string }
  | { op: "delete"; key: string }
  | { op: "removeAt"; at: number }
  | { op: "scan"; count: number }
  | { op: "bulkAdd"; from: number; n: number }
  | { op: "bulkDelete"; keep: number }
  | { op: "copy" };

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 10,
    arbitrary: fc.record({ op: fc.constant("set" as const), key: bytes, value: bytes }),
  },
  { weight: 5, arbitrary: fc.record({ op: fc.constant("delete" as const), key: bytes }) },
  {
    weight: 3,
    arbitrary: fc.record({ op: fc.constant("removeAt" as const), at: fc.nat({ max: 1e6 }) }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant("scan" as const),
      count: fc.integer({ min: 1, max: 40 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant("bulkAdd" as const),
      from: fc.nat({ max: 5000 }),
      n: fc.integer({ min: 1, max: 700 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ op: fc.constant("bulkDelete" as const), keep: fc.nat({ max: 10 }) }),
  },
  { weight: 1, arbitrary: fc.constant({ op: "copy" as const }) },
);

/** Every position agrees with the model, and every key is found at its position. */
function check(t: ArenaTable, model: Map<string, string>, withValues: boolean): void {
  assert.equal(t.size, model.size);
  const seen = new Set<string>();
  for (let i = 0; i < t.size; i++) {
    const k = t.keyAt(i);
    assert.ok(model.has(k), `unexpected key at ${i}`);
    assert.ok(!seen.has(k), "a key twice");
    seen.add(k);
    assert.equal(t.indexOf(k), i);
    assert.equal(t.keyLengthAt(i), k.length);
    if (withValues) {
      assert.equal(t.valueAt(i), model.get(k));
      assert.equal(t.valueLengthAt(i), model.get(k)!.length);
    }
  }
  for (const [k, v] of model) {
    assert.ok(t.has(k));
    if (withValues) assert.equal(t.get(k), v);
  }
}

/** A scan in progress: its cursor, the keys present since it started and those it returned. */
interface Scan {
  cursor: number;
  steady: Set<string>;
  returned: Set<string>;
}

function run(withValues: boolean, ops: Op[]): void {
  let t = new ArenaTable(withValues);
  const model = new Map<string, string>();
  let scan: Scan | null = null;
  const write = (key: string, value: string) => {
    const isNew = !model.has(key);
    assert.equal(withValues ? t.set(key, value) : t.add(key), isNew);
    model.set(key, withValues ? value : "");
  };
  const removed = (key: string) => {
    model.delete(key);
    scan?.steady.delete(key);
  };
  for (const o of ops) {
    switch (o.op) {
      case "set":
        if (!withValues && model.has(o.key)) assert.equal(t.add(o.key), false);
        write(o.key, o.value);
        break;
      case "delete":
        assert.equal(t.delete(o.key), model.has(o.key));
        removed(o.key);
        break;
      case "removeAt": {
        if (t.size === 0) break;
        const i = o.at % t.size;
        const k = t.keyAt(i);
        t.removeAt(i);
        removed(k);
        break;
      }
      case "scan": {
        if (scan === null) {
          scan = { cursor: 0, steady: new Set(model.keys()), returned: new Set() };
        }
        const s: Scan = scan;
        s.cursor = t.scan(s.cursor, o.count, (i) => s.returned.add(t.keyAt(i)));
        if (s.cursor === 0) {
          for (const k of s.steady) assert.ok(s.returned.has(k), `scan missed ${k.slice(0, 20)}`);
          scan = null;
        }
        break;
      }
      case "bulkAdd":
        for (let i = o.from; i < o.from + o.n; i++) write(`member:${i}`, `value:${i * 7}`);
        break;
      case "bulkDelete":
        while (t.size > o.keep) {
          const i = t.randomIndex();
          const k = t.keyAt(i);
          t.removeAt(i);
          removed(k);
        }
        break;
      case "copy": {
        const c = t.copy();
        check(c, model, withValues);
        t = c; // carry on with the copy, whose arena was compacted
        break;
      }
    }
  }
  check(t, model, withValues);
  // drain a scan left open: still every steady key
  if (scan !== null) {
    const s: Scan = scan;
    do s.cursor = t.scan(s.cursor, 7, (i) => s.returned.add(t.keyAt(i))); while (s.cursor !== 0);
    for (const k of s.steady) assert.ok(s.returned.has(k));
  }
}

Deno.test("ArenaTable with values (hashes) matches a Map model", () => {
  fc.assert(
    fc.property(fc.array(op, { maxLength: 300 }), (ops) => run(true, ops)),
    { numRuns: 150 },
  );
});

Deno.test("ArenaTable without values (sets) matches a Set model", () => {
  fc.assert(
    fc.property(fc.array(op, { maxLength: 300 }), (ops) => run(false, ops)),
    { numRuns: 150 },
  );
});

Deno.test("ArenaTable grows to 100k keys, shrinks back and gives its index back", () => {
  const t = new ArenaTable(true);
  for (let i = 0; i < 100_000; i++) assert.ok(t.set(`field:${i}`, `v${i}`));
  const big = t.bytes;
  for (let i = 0; i < 100_000; i += 2) {
    assert.ok(t.set(`field:${i}`, `longer value ${i}`) === false);
  }
  for (let i = 0; i < 99_990; i++) assert.ok(t.delete(`field:${i}`));
  assert.equal(t.size, 10);
  assert.ok(t.bytes < big / 100, `${t.bytes} bytes left of ${big}`);
  for (let i = 99_990; i < 100_000; i++) {
    assert.equal(t.get(`field:${i}`), i % 2 === 0 ? `longer value ${i}` : `v${i}`);
  }
  while (t.size > 0) t.removeAt(t.randomIndex());
  assert.equal(t.has("field:99999"), false);
  assert.ok(t.add("again"));
  assert.equal(t.keyAt(0), "again");
});

Deno.test("a member's hash is the same from its string and from the arena's bytes", () => {
  // removeAt re-hashes the moved member from the arena: a mismatch would lose it
  fc.assert(fc.property(fc.array(bytes, { minLength: 2, maxLength: 40 }), (members) => {
    const t = new ArenaTable(false);
    for (const m of members) t.add(m);
    while (t.size > 0) {
      const k = t.keyAt(0);
      t.removeAt(0);
      assert.equal(t.has(k), false);
      for (let i = 0; i < t.size; i++) assert.equal(t.indexOf(t.keyAt(i)), i);
    }
  }));
});

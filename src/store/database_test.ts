/**
 * Unit tests for Database's SCAN slot table: under any interleaving of inserts, deletes,
 * re-inserts, expiries and scan steps, every key present for the whole scan is returned
 * (Redis's SCAN guarantee), and the table drops back to nothing when the database empties.
 */

import fc from "fast-check";
import { assert, assertEquals } from "../../tests/support/assert.ts";
import { ManualClock } from "./clock.ts";
import { Database } from "./database.ts";

type Op =
  | { op: "set"; key: number }
  | { op: "del"; key: number }
  | { op: "expire"; key: number }
  | { op: "step"; count: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant("set" as const), key: fc.nat(60) }),
  fc.record({ op: fc.constant("del" as const), key: fc.nat(60) }),
  fc.record({ op: fc.constant("expire" as const), key: fc.nat(60) }),
  fc.record({ op: fc.constant("step" as const), count: fc.integer({ min: 1, max: 8 }) }),
);

Deno.test("SCAN returns every key present for the whole scan, whatever else happens", () => {
  fc.assert(
    fc.property(fc.array(fc.nat(60), { maxLength: 60 }), fc.array(opArb, { maxLength: 200 }), (
      initial,
      ops,
    ) => {
      const clock = new ManualClock();
      const db = new Database(clock);
      for (const k of initial) db.set(`k${k}`, "v");
      const survivors = new Set(db.keys());
      const seen = new Set<string>();
      let cursor = 0;
      let started = false;
      const step = (count: number) => {
        cursor = db.scan(cursor, count, (key) => {
          if (db.get(key) !== undefined) seen.add(key);
        });
        started = true;
      };
      for (const o of ops) {
        if (o.op === "set") db.set(`k${o.key}`, "w");
        else if (o.op === "del") {
          db.delete(`k${o.key}`);
          survivors.delete(`k${o.key}`);
        } else if (o.op === "expire") {
          if (db.has(`k${o.key}`)) db.setExpiry(`k${o.key}`, clock.now());
          survivors.delete(`k${o.key}`);
        } else {
          step(o.count);
          if (cursor === 0) break;
        }
      }
      if (!started || cursor !== 0) {
        do step(5); while (cursor !== 0);
      }
      for (const k of survivors) assert(seen.has(k), `${k} was present throughout but not seen`);
      for (const k of seen) assert(k.startsWith("k"));
    }),
    { numRuns: 300 },
  );
});

Deno.test("a full SCAN of an unchanging database returns each key exactly once", () => {
  const db = new Database(new ManualClock());
  for (let i = 0; i < 1000; i++) db.set(`key:${i}`, "v");
  for (let i = 0; i < 1000; i += 3) db.delete(`key:${i}`);
  for (let i = 0; i < 100; i++) db.set(`new:${i}`, "v"); // fills freed slots
  const seen: string[] = [];
  let cursor = 0;
  do cursor = db.scan(cursor, 10, (k) => seen.push(k)); while (cursor !== 0);
  assertEquals(seen.length, db.size);
  assertEquals(new Set(seen).size, db.size);
});

Deno.test("emptying a database drops its slot table, so cursors start afresh", () => {
  const db = new Database(new ManualClock());
  for (let i = 0; i < 100; i++) db.set(`k${i}`, "v");
  assert(db.scan(0, 10, () => {}) > 0);
  for (let i = 0; i < 100; i++) db.delete(`k${i}`);
  assertEquals(db.scan(50, 10, () => {}), 0);
  db.set("again", "v");
  const seen: string[] = [];
  assertEquals(db.scan(0, 10, (k) => seen.push(k)), 0);
  assertEquals(seen, ["again"]);
  assertEquals(db.randomKey(), "again");
});

/**
 * `KeyspaceSnapshot` against the dataset it started from, under random interleavings of its
 * slices with command writes (each announced with `beforeWrite`, as the persistence
 * observer does): overwrites, new keys, deletions anywhere in the table (each moving the
 * last key into the hole, also below the walk) and deletions of keys created meanwhile. The
 * file it writes must hold exactly the starting keys and values, each once, in every
 * database.
 */

import { assertEquals } from "../../tests/support/assert.ts";
import fc from "fast-check";
import { Keyspace } from "../store/keyspace.ts";
import { ManualClock } from "../store/clock.ts";
import { KeyspaceSnapshot } from "./snapshot.ts";
import { decodeRdb } from "./rdb_file.ts";

type Op =
  | { op: "slice" }
  | { op: "set"; db: number; key: number }
  | { op: "delete"; db: number; key: number }
  | { op: "deleteAt"; db: number; at: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ op: "slice" as const }) },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant("set" as const),
      db: fc.nat(1),
      key: fc.nat(300),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant("delete" as const),
      db: fc.nat(1),
      key: fc.nat(300),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ op: fc.constant("deleteAt" as const), db: fc.nat(1), at: fc.nat() }),
  },
);

/** Every key and value of a file, by database; a key met twice fails. */
function fileContents(bytes: Uint8Array): Map<string, string>[] {
  const dbs = [new Map<string, string>(), new Map<string, string>()];
  decodeRdb(bytes, {
    entry(db, e) {
      if (dbs[db].has(e.key)) throw new Error(`${e.key} twice in database ${db}`);
      if (e.value.type !== "string") throw new Error("not a string");
      dbs[db].set(e.key, e.value.value);
    },
  });
  return dbs;
}

Deno.test("a snapshot holds the dataset as it started, whatever writes and moves happen meanwhile", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 250 }),
      fc.integer({ min: 0, max: 120 }),
      fc.array(op, { maxLength: 300 }),
      (size0, size1, ops) => {
        const keyspace = new Keyspace(2, new ManualClock());
        [size0, size1].forEach((n, db) => {
          for (let i = 0; i < n; i++) keyspace.dbs[db].set(`k${i}`, `v${db}:${i}`);
        });
        const expected = keyspace.dbs.map((db) =>
          new Map(db.entries() as Iterable<[string, string]>)
        );
        // small chunks: a slice is a few keys
        const snapshot = new KeyspaceSnapshot(keyspace, [], [], false, 64);
        const chunks: Uint8Array[] = [];
        let written = 0;
        for (const o of ops) {
          if (o.op === "slice") {
            const chunk = snapshot.next();
            if (chunk !== null) chunks.push(chunk);
            continue;
          }
          const db = keyspace.dbs[o.db];
          const key = o.op === "deleteAt"
            ? (db.size === 0 ? "k0" : db.keyAt(o.at % db.size))
            : `k${o.key}`;
          snapshot.beforeWrite(o.db, [key]);
          if (o.op === "set") db.set(key, `w${written++}`);
          else db.delete(key);
        }
        for (let chunk = snapshot.next(); chunk !== null; chunk = snapshot.next()) {
          chunks.push(chunk);
        }
        const file = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
        chunks.reduce((at, c) => (file.set(c, at), at + c.length), 0);
        assertEquals(fileContents(file), expected);
      },
    ),
    { numRuns: 300 },
  );
});

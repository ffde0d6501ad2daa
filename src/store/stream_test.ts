/**
 * Property tests of the stream structure against a model (a sorted array of entries):
 * appends, deletes, exact and approximate trims, forward and reverse ranges with counts,
 * and the bookkeeping (length, first id, max deleted id, entries added).
 */

import fc from "fast-check";
import { assert } from "../../tests/support/assert.ts";
import { Stream } from "./stream.ts";
import {
  compareIds,
  formatId,
  MAX_ID,
  MIN_ID,
  parseId,
  type StreamId,
  U64_MAX,
} from "./stream_id.ts";

interface ModelEntry {
  id: StreamId;
  fields: string[];
}

type Op =
  | { kind: "add"; msGap: number; seqGap: number; fields: string[] }
  | { kind: "del"; pick: number }
  | { kind: "maxlen"; n: number; approx: boolean }
  | { kind: "minid"; pick: number; approx: boolean };

const fieldSets: fc.Arbitrary<string[]> = fc.oneof<fc.Arbitrary<string[]>[]>(
  fc.constant<string[]>(["f", "v"]),
  fc.constant<string[]>(["a", "1", "b", "2", "c", "3"]),
  fc.array(fc.string({ maxLength: 6 }), { minLength: 1, maxLength: 3 }).map((xs) =>
    xs.flatMap((x, i) => [`k${i}`, x])
  ),
  fc.string({ minLength: 200, maxLength: 900 }).map((big) => ["blob", big]),
);

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant("add" as const),
      msGap: fc.nat(3),
      seqGap: fc.nat(2),
      fields: fieldSets,
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("del" as const), pick: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("maxlen" as const),
      n: fc.nat(300),
      approx: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("minid" as const),
      pick: fc.nat(),
      approx: fc.boolean(),
    }),
  },
);

function live(model: ModelEntry[], start: StreamId, end: StreamId): ModelEntry[] {
  return model.filter((e) => compareIds(e.id, start) >= 0 && compareIds(e.id, end) <= 0);
}

function collect(s: Stream, start: StreamId, end: StreamId, rev: boolean, count: number) {
  const out: string[] = [];
  s.range(start, end, rev, count, (e) => {
    out.push(`${formatId(e.id)} ${JSON.stringify(e.fields)}`);
  });
  return out;
}

const show = (xs: ModelEntry[]) => xs.map((e) => `${formatId(e.id)} ${JSON.stringify(e.fields)}`);

Deno.test("a stream agrees with a sorted-array model under appends, deletes, trims and ranges", () => {
  fc.assert(
    fc.property(
      fc.array(op, { minLength: 20, maxLength: 600, size: "max" }),
      fc.nat(),
      fc.nat(),
      (ops, a, b) => {
        const s = new Stream();
        let model: ModelEntry[] = [];
        let ms = 1, seq = 0, added = 0;
        let maxDeleted: StreamId = MIN_ID;
        for (const o of ops) {
          if (o.kind === "add") {
            if (o.msGap > 0) {
              ms += o.msGap;
              seq = o.seqGap;
            } else seq += o.seqGap + 1;
            const id = { ms, seq };
            s.append(id, o.fields);
            model.push({ id, fields: o.fields });
            added++;
          } else if (o.kind === "del") {
            if (model.length === 0) continue;
            const victim = model[o.pick % model.length].id;
            assert.equal(s.delete([victim, victim]), 1);
            model = model.filter((e) => e.id !== victim);
            if (compareIds(victim, maxDeleted) > 0) maxDeleted = victim;
          } else if (o.kind === "maxlen") {
            const before = model.length;
            const removed = s.trim({
              strategy: "maxlen",
              maxlen: o.n,
              minid: MIN_ID,
              approx: o.approx,
              limit: 0,
            });
            const expected = Math.max(0, before - o.n);
            if (o.approx) assert.ok(removed <= expected, `approx removed ${removed} > ${expected}`);
            else assert.equal(removed, expected);
            model = model.slice(removed);
          } else {
            if (model.length === 0) continue;
            const minid = model[o.pick % model.length].id;
            const removed = s.trim({
              strategy: "minid",
              maxlen: 0,
              minid,
              approx: o.approx,
              limit: 0,
            });
            const expected = model.filter((e) => compareIds(e.id, minid) < 0).length;
            if (o.approx) assert.ok(removed <= expected);
            else assert.equal(removed, expected);
            model = model.slice(removed);
          }
          assert.equal(s.length, model.length);
        }
        assert.equal(s.entriesAdded, added);
        assert.equal(s.nodeBytes, s.recountNodeBytes());
        assert.deepEqual(s.maxDeletedId, maxDeleted);
        assert.deepEqual(s.firstId, model.length ? model[0].id : MIN_ID);
        assert.deepEqual(collect(s, MIN_ID, MAX_ID, false, 0), show(model));
        assert.deepEqual(collect(s, MIN_ID, MAX_ID, true, 0), show(model).reverse());
        if (model.length) {
          const x = model[a % model.length].id, y = model[b % model.length].id;
          const [lo, hi] = compareIds(x, y) <= 0 ? [x, y] : [y, x];
          const inRange = live(model, lo, hi);
          assert.deepEqual(collect(s, lo, hi, false, 0), show(inRange));
          assert.deepEqual(collect(s, lo, hi, true, 3), show(inRange).reverse().slice(0, 3));
          const between = { ms: lo.ms, seq: (lo.seq as number) + 1 };
          assert.deepEqual(
            collect(s, between, MAX_ID, false, 2),
            show(live(model, between, MAX_ID)).slice(0, 2),
          );
          assert.equal(s.get(x)?.fields.join(","), model[a % model.length].fields.join(","));
        }
      },
    ),
    { numRuns: 150 },
  );
});

Deno.test("nodes split at 100 entries, so MAXLEN ~ removes whole nodes as Redis does", () => {
  const s = new Stream();
  for (let i = 1; i <= 1000; i++) s.append({ ms: i, seq: 0 }, ["f", "v"]);
  assert.equal(s.nodeCount, 10);
  assert.equal(
    s.trim({ strategy: "maxlen", maxlen: 950, minid: MIN_ID, approx: true, limit: 0 }),
    0,
  );
  assert.equal(
    s.trim({ strategy: "maxlen", maxlen: 850, minid: MIN_ID, approx: true, limit: 0 }),
    100,
  );
  assert.equal(s.length, 900);
  assert.equal(
    s.trim({ strategy: "maxlen", maxlen: 10, minid: MIN_ID, approx: true, limit: 300 }),
    300,
  );
});

Deno.test("entries after large ones are found (offsets stay within 16 bits)", () => {
  const s = new Stream();
  const big = "x".repeat(70_000);
  for (let i = 1; i <= 6; i++) {
    s.append({ ms: i, seq: 0 }, i % 2 ? ["f", big] : ["n", "-9223372036854775808"]);
  }
  for (let i = 1; i <= 200; i++) {
    s.append({ ms: 100 + i, seq: 0 }, ["a", "-9223372036854775808", "b", "12345678901234567890"]);
  }
  assert.equal(s.get({ ms: 5, seq: 0 })?.fields[1].length, 70_000);
  assert.equal(s.get({ ms: 300, seq: 0 })?.fields[3], "12345678901234567890");
  assert.equal(s.length, 206);
});

Deno.test("a stream rebuilt node by node keeps its layout, tombstones included", () => {
  const s = new Stream();
  for (let i = 1; i <= 250; i++) s.append({ ms: i, seq: 0 }, i % 7 ? ["f", String(i)] : ["g", "x"]);
  s.delete([{ ms: 1, seq: 0 }, { ms: 150, seq: 0 }, { ms: 151, seq: 0 }]);
  const copy = new Stream();
  for (const n of s.packedNodes()) {
    copy.restoreNode(
      n.master,
      n.fields,
      n.entries.map((e) => ({ ...e.entry, deleted: e.deleted })),
    );
  }
  assert.equal(copy.length, s.length);
  assert.equal(copy.nodeCount, s.nodeCount);
  assert.deepEqual(copy.firstId, s.firstId);
  assert.equal(copy.nodeBytes, copy.recountNodeBytes());
  const trim = { strategy: "maxlen" as const, maxlen: 20, minid: MIN_ID, approx: true, limit: 0 };
  assert.equal(copy.trim(trim), s.trim(trim));
  assert.deepEqual(collect(copy, MIN_ID, MAX_ID, false, 0), collect(s, MIN_ID, MAX_ID, false, 0));
});

Deno.test("ids past 2^53 stay exact", () => {
  const s = new Stream();
  const max = parseId("18446744073709551615-18446744073709551614")!.id;
  s.append({ ms: 5, seq: 0 }, ["a", "b"]);
  s.append(max, ["c", "d"]);
  assert.equal(formatId(s.lastValidId()), "18446744073709551615-18446744073709551614");
  assert.equal(formatId(s.autoId(10)!), "18446744073709551615-18446744073709551615");
  s.lastId = { ms: U64_MAX, seq: U64_MAX };
  assert.equal(s.autoId(10), null);
  assert.deepEqual(collect(s, max, MAX_ID, false, 0), [`${formatId(max)} ["c","d"]`]);
});

Deno.test("a long stream, its nodes carved from slabs, keeps every entry as it grows and is trimmed", () => {
  const s = new Stream();
  let model: ModelEntry[] = [];
  // entries whose sizes jump (a node's buffer then outgrows its guess, in its slab or out of
  // it), given as XADD gives them: after the command's own arguments
  for (let i = 1; i <= 6000; i++) {
    const size = i % 997 === 0 ? 3000 : i % 89 === 0 ? 700 : i % 3;
    const fields = i % 5 ? ["f", "v".repeat(size)] : ["g", String(i), "h", "x"];
    s.append({ ms: i, seq: 0 }, ["XADD", "s", "*", ...fields], 3);
    model.push({ id: { ms: i, seq: 0 }, fields });
    if (i % 1500 === 750) {
      const removed = s.trim({
        strategy: "maxlen",
        maxlen: 1000,
        minid: MIN_ID,
        approx: true,
        limit: 0,
      });
      model = model.slice(removed);
      const victims = [model[10].id, model[500].id];
      assert.equal(s.delete(victims), 2);
      model = model.filter((e) => e.id !== victims[0] && e.id !== victims[1]);
    }
  }
  assert.ok(s.nodeCount > 8); // past SLAB_AFTER_NODES
  assert.equal(s.length, model.length);
  assert.equal(s.nodeBytes, s.recountNodeBytes());
  assert.deepEqual(collect(s, MIN_ID, MAX_ID, false, 0), show(model));
  assert.deepEqual(collect(s, MIN_ID, MAX_ID, true, 0), show(model).reverse());
  const copy = s.copy((g) => g);
  assert.equal(copy.nodeBytes, copy.recountNodeBytes());
  assert.deepEqual(collect(copy, MIN_ID, MAX_ID, false, 0), show(model));
});

Deno.test("a node restored with more than 100 entries (another stream-node-max-entries) keeps them all", () => {
  const s = new Stream();
  const entries = Array.from({ length: 250 }, (_, i) => ({
    id: { ms: 1, seq: i + 1 },
    fields: ["f", String(i)],
    deleted: false,
  }));
  s.restoreNode(entries[0].id, ["f"], entries);
  assert.equal(s.length, 250);
  assert.equal(s.nodeCount, 1);
  assert.deepEqual(
    collect(s, MIN_ID, MAX_ID, false, 0),
    entries.map((e) => `${formatId(e.id)} ${JSON.stringify(e.fields)}`),
  );
  assert.equal(s.get({ ms: 1, seq: 200 })?.fields[1], "199");
  assert.equal(s.nodeBytes, s.recountNodeBytes());
});

Deno.test("a node restored past 64 KiB (another stream-node-max-bytes) keeps every entry readable", () => {
  const s = new Stream();
  // 100 entries of ~2 KB: one ~200 KB listpack in a Redis with stream-node-max-bytes 0
  const entries = Array.from({ length: 100 }, (_, i) => ({
    id: { ms: 5, seq: i },
    fields: ["payload", String(i).padStart(4, "0") + "x".repeat(2000)],
    deleted: i % 9 === 4,
  }));
  s.restoreNode(entries[0].id, ["payload"], entries);
  const live = entries.filter((e) => !e.deleted);
  assert.equal(s.length, live.length);
  assert.deepEqual(
    collect(s, MIN_ID, MAX_ID, false, 0),
    live.map((e) => `${formatId(e.id)} ${JSON.stringify(e.fields)}`),
  );
  assert.equal(s.get({ ms: 5, seq: 97 })?.fields[1].slice(0, 4), "0097");
  assert.equal(s.get({ ms: 5, seq: 4 }), undefined);
  assert.equal(s.nodeBytes, s.recountNodeBytes());
});

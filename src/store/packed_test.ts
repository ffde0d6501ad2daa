/**
 * The packed (listpack) forms against simple models: the entry packing itself with binary
 * bytes and lengths past one header char, `PackedScores` against a sorted array under long
 * random sequences (order, ranks, range starts, walks both ways), and hashes and sorted
 * sets with binary members, and intsets of numbers, through their conversions to the large
 * forms.
 */

import { assert } from "../../tests/support/assert.ts";
import fc from "fast-check";
import { detached, packEntry, unpackAll } from "./packed.ts";
import { PackedScores, packScore, scoreAt, skipScore } from "./packed_scores.ts";
import { compareEntries } from "./score_tree.ts";
import { HashValue } from "./types/hash.ts";
import { SortedSetValue } from "./types/zset.ts";
import { SetValue } from "./types/set.ts";
import { DEFAULT_ENCODING_LIMITS } from "./encoding_limits.ts";

/** Byte strings: any char 0–255, short ones often (collisions), some past 127 and 16383. */
const bytes = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.string({
      unit: fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c)),
      maxLength: 4,
    }),
  },
  { weight: 1, arbitrary: fc.integer({ min: 100, max: 300 }).map((n) => "\xff".repeat(n)) },
  { weight: 1, arbitrary: fc.constantFrom("\x80".repeat(16384), "a".repeat(128), "") },
);

/** Names from a small set most of the time, so that writes meet earlier ones (and deletes hit). */
const key = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.constantFrom("", "a", "b", "ab", "\x00", "\xff", "field:1", "x".repeat(130)),
  },
  { weight: 1, arbitrary: bytes },
);

Deno.test("packed entries round-trip any bytes and lengths", () => {
  fc.assert(fc.property(fc.array(bytes, { maxLength: 20 }), (entries) => {
    assert.deepEqual(unpackAll(entries.map(packEntry).join("")), entries);
    for (const e of entries) assert.equal(detached(e), e);
  }));
});

const score = fc.oneof(
  fc.integer({ min: -3, max: 3 }),
  fc.constantFrom(
    Infinity,
    -Infinity,
    0.5,
    -1e300,
    -0,
    127,
    128,
    -128,
    999,
    2 ** 47 - 1,
    2 ** 47,
    -(2 ** 47),
    2 ** 60,
  ),
  fc.double({ noNaN: true }),
);

Deno.test("packed scores round-trip every double, -0 and infinities included", () => {
  fc.assert(fc.property(fc.array(score, { maxLength: 10 }), (scores) => {
    const s = scores.map(packScore).join("");
    let p = 0;
    for (const x of scores) {
      assert.ok(Object.is(scoreAt(s, p), x), `${x}`);
      p = skipScore(s, p);
    }
    assert.equal(p, s.length);
  }));
  assert.equal(packScore(5).length, 1);
  assert.equal(packScore(999).length, 3);
});

Deno.test("PackedScores keeps the order, ranks and range starts of a sorted model", () => {
  const op = fc.record({ add: fc.boolean(), m: key, s: score, bulk: fc.nat(9) });
  fc.assert(fc.property(fc.array(op, { maxLength: 150 }), fc.integer(), (steps, seed) => {
    const packed = new PackedScores();
    const model: [number, string][] = [];
    for (const { add, m, s, bulk } of steps) {
      // now and then a bulk write starts or ends (ZADD of many members), or a read packs
      if (bulk === 0) packed.beginBulk();
      else if (bulk === 1) packed.endBulk();
      else if (bulk === 2) {
        assert.equal(
          packed.rank(s, m),
          model.findIndex(([x, y]) => x === s && y === m),
        );
      }
      const at = model.findIndex(([, x]) => x === m);
      if (add && at < 0) {
        packed.insert(s, m);
        model.push([s, m]);
        model.sort(([a, x], [b, y]) => compareEntries(a, x, b, y));
      } else if (!add && at >= 0) {
        assert.equal(packed.remove(model[at][0], m), true);
        model.splice(at, 1);
      } else if (!add) assert.equal(packed.remove(s, m), false);
      assert.equal(packed.size, model.length);
    }
    model.forEach(([s, m], rank) => {
      assert.equal(packed.rank(s, m), rank);
      assert.equal(packed.scanFor(m), s);
      assert.deepEqual(packed.entryAt(rank), [s, m]);
    });
    assert.equal(packed.rank(0.25, "absent"), -1);
    assert.equal(packed.scanFor("\x00absent"), undefined);
    const n = model.length;
    if (n > 0) {
      const from = Math.abs(seed) % n, to = from + (Math.abs(seed >> 8) % (n - from));
      const seen: [number, string][] = [];
      packed.forEach(from, to, (s, m) => seen.push([s, m]));
      assert.deepEqual(seen, model.slice(from, to + 1));
      const back: [number, string][] = [];
      packed.forEachReverse(to, from, (s, m) => back.push([s, m]));
      assert.deepEqual(back, model.slice(from, to + 1).reverse());
    }
    for (const bound of [-Infinity, -1, 0, 0.5, 3, Infinity]) {
      const expect = model.findIndex(([s]) => s >= bound);
      assert.equal(packed.firstRankByScore((s) => s >= bound), expect < 0 ? n : expect);
      const lex = model.findIndex(([s, m]) => s > bound || (s === bound && m >= "a"));
      assert.equal(
        packed.firstRank((s, m) => s > bound || (s === bound && m >= "a")),
        lex < 0 ? n : lex,
      );
    }
    const copy = packed.copy();
    copy.insert(42, "only-in-copy");
    assert.equal(packed.scanFor("only-in-copy"), undefined);
  }));
});

Deno.test("hashes of binary fields and long values agree with a Map through conversion", () => {
  const limits = {
    ...DEFAULT_ENCODING_LIMITS,
    hashMaxListpackEntries: 30,
    hashMaxListpackValue: 400,
  };
  const op = fc.record({
    add: fc.boolean(),
    f: key,
    v: bytes,
    many: fc.oneof(
      { weight: 3, arbitrary: fc.constant([] as [string, string][]) },
      { weight: 1, arbitrary: fc.array(fc.tuple(key, bytes), { maxLength: 6 }) },
    ),
  });
  fc.assert(fc.property(fc.array(op, { maxLength: 120 }), (steps) => {
    const h = new HashValue();
    const model = new Map<string, string>();
    for (const { add, f, v, many } of steps) {
      if (many.length > 0) {
        const fresh = new Set(many.map(([x]) => x).filter((x) => !model.has(x))).size;
        assert.equal(h.setMany(many.flat(), limits), fresh);
        for (const [x, y] of many) model.set(x, y);
      } else if (add) {
        assert.equal(h.set(f, v, limits), !model.has(f));
        model.set(f, v);
      } else assert.equal(h.delete(f), model.delete(f));
      assert.equal(h.size, model.size);
      // what was just written (or deleted) reads back at once, and so does another field
      assert.equal(h.get(f), model.get(f));
      const other = many[0]?.[0] ?? v;
      assert.equal(h.get(other), model.get(other));
      assert.equal(h.has(f), model.has(f));
    }
    for (const [f, v] of model) {
      assert.equal(h.get(f), v);
      assert.equal(h.has(f), true);
    }
    const seen = new Map<string, string>();
    h.forEach((f, v) => seen.set(f, v));
    assert.deepEqual(seen, model);
    const { field, value } = h.positions();
    for (let i = 0; i < h.size; i++) {
      assert.equal(h.fieldAt(i), field(i));
      assert.equal(h.valueAt(i), value(i));
      assert.equal(model.get(field(i)), value(i));
    }
  }));
});

Deno.test("sorted sets of binary members agree with a model through conversion", () => {
  const limits = {
    ...DEFAULT_ENCODING_LIMITS,
    zsetMaxListpackEntries: 25,
    zsetMaxListpackValue: 200,
  };
  const op = fc.record({ add: fc.boolean(), m: key, s: score });
  fc.assert(fc.property(fc.array(op, { maxLength: 120 }), (steps) => {
    const z = new SortedSetValue(0, limits);
    const model = new Map<string, number>();
    for (const { add, m, s } of steps) {
      if (add) {
        assert.equal(z.set(m, s, limits), !model.has(m));
        model.set(m, z.encoding === "listpack" && s === 0 ? 0 : s);
      } else assert.equal(z.delete(m), model.delete(m));
      assert.equal(z.size, model.size);
    }
    const sorted = [...model].sort(([a, x], [b, y]) => compareEntries(x, a, y, b));
    sorted.forEach(([m, s], rank) => {
      assert.equal(z.score(m), s);
      assert.equal(z.tree.rank(s, m), rank);
    });
    if (z.size > 2) {
      z.deleteRanks(1, 2);
      sorted.splice(1, 2);
      assert.equal(z.size, sorted.length);
    }
    z.convertToListpackIfSmall(limits);
    const seen: [string, number][] = [];
    z.scan(0, 10, (m, s) => seen.push([m, s]));
    if (z.encoding === "listpack") assert.deepEqual(seen, sorted);
  }));
});

Deno.test("intsets agree with a sorted model through each width (2, 4, 8 bytes) and conversion", () => {
  const limits = { ...DEFAULT_ENCODING_LIMITS, setMaxIntsetEntries: 40 };
  const member = fc.oneof(
    { weight: 8, arbitrary: fc.integer({ min: -50, max: 50 }).map(String) },
    { weight: 2, arbitrary: fc.integer().map(String) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        "32767",
        "32768",
        "-32768",
        "-32769",
        "2147483647",
        "2147483648",
        "-2147483648",
        "-2147483649",
        "4294967296",
        "-4294967296",
      ),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        "9007199254740991",
        "9007199254740992",
        "-9223372036854775808",
        "9223372036854775807",
        "9223372036854775808",
        "01",
        "-0",
        "x",
      ),
    },
  );
  const op = fc.record({
    kind: fc.nat(6),
    m: member,
    at: fc.nat(),
    many: fc.array(member, { maxLength: 12 }),
  });
  fc.assert(fc.property(fc.array(op, { maxLength: 120 }), (steps) => {
    const s = new SetValue();
    const model = new Set<string>();
    for (const { kind, m, at, many } of steps) {
      if (kind === 6) {
        // SADD of many: the same count, members, order and encoding as adding one by one
        const oneByOne = s.copy();
        let added = 0;
        for (const x of many) if (oneByOne.add(x, limits)) added++;
        assert.equal(s.addMany(many, limits), added);
        assert.equal(s.encoding, oneByOne.encoding);
        assert.deepEqual(s.members(), oneByOne.members());
        for (const x of many) model.add(x);
      } else if (kind <= 2) {
        assert.equal(s.add(m, limits), !model.has(m));
        model.add(m);
      } else if (kind === 3) assert.equal(s.delete(m), model.delete(m));
      else if (kind === 4 && s.size > 0) {
        const i = at % s.size;
        const expected = s.at(i);
        assert.equal(s.removeAt(i), expected);
        assert.ok(model.delete(expected));
      } else assert.equal(s.has(m), model.has(m));
      assert.equal(s.size, model.size);
    }
    const members = [...s.members()];
    assert.deepEqual(new Set(members), model);
    if (s.encoding === "intset") {
      assert.deepEqual(members, [...model].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1)));
      members.forEach((m, i) => assert.equal(s.at(i), m));
    }
    const seen: string[] = [];
    s.scan(0, 1000, (m) => seen.push(m));
    assert.deepEqual(new Set(seen), model);
    const copy = s.copy();
    copy.add("12345", limits);
    assert.equal(s.has("12345"), model.has("12345"));
  }));
});

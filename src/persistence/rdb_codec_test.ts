/**
 * The RDB grammar against Redis's own bytes: DUMP payloads taken from redis-server 7.0.15
 * decode to the values Redis stored and re-encode to the same bytes (LZF aside: any valid
 * compression is accepted), and every codec round-trips random input. Every truncation of
 * a valid payload raises RdbFormatError, never another error.
 */

import { assert } from "../../tests/support/assert.ts";
import fc from "fast-check";
import { crc64 } from "./crc64.ts";
import { lzfCompress, lzfDecompress } from "./lzf.ts";
import { decodeListpack, encodeListpack } from "./listpack.ts";
import { decodeIntset, decodeZiplist, encodeIntset } from "./legacy_encodings.ts";
import { latin1Bytes, RdbFormatError, RdbReader, RdbWriter } from "./rdb_bytes.ts";
import { formatG17, type RdbObject, readObjectBody, writeObject } from "./rdb_object.ts";
import { decodeRdb, encodeRdb, type RdbEntry } from "./rdb_file.ts";

const hex = (s: string) => Uint8Array.from(s.match(/../g)!.map((h) => parseInt(h, 16)));
const toHex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, "0")).join("");

/** DUMP payloads from redis-server 7.0.15 (value, RDB version 10, CRC-64). */
const REDIS_DUMPS: [string, RdbObject][] = [
  ["000568656c6c6f0a006372df766534200a", { type: "string", value: "hello" }],
  ["00c139300a009d94ea2793fc08b9", { type: "string", value: "12345" }],
  [
    "1201021919000000060081610281620201010201c12c02f270110104ff0a00542136820b4120f3",
    { type: "list", items: ["a", "b", "1", "2", "300", "70000"] },
  ],
  [
    "10151500000004008266310382763103826632030201ff0a005c5ea813feec1ff5",
    { type: "hash", pairs: [["f1", "v1"], ["f2", "2"]], packed: true },
  ],
  [
    "0b0e02000000030000000100020003000a00a5025ce26d6e4d1b",
    { type: "set", members: ["1", "2", "3"], intset: true },
  ],
  ["0202016201610a0075d99d835ef85f65", { type: "set", members: ["b", "a"], intset: false }],
  [
    "111414000000040081610283312e35048162020201ff0a00fa02b425af188763",
    { type: "zset", entries: [["a", 1.5], ["b", 2]], packed: true },
  ],
  [
    "130110000000000000000100000000000000011d1d0000000a0001010001010181660200010201000100018176020401ff0101010101000001000a00ff55ab626ac035db",
    {
      type: "stream",
      nodes: [{
        master: [1n, 1n],
        masterFields: ["f"],
        entries: [{ id: [1n, 1n], fields: ["f", "v"], deleted: false }],
      }],
      length: 1,
      lastId: [1n, 1n],
      firstId: [1n, 1n],
      maxDeletedId: [0n, 0n],
      entriesAdded: 1n,
      groups: [],
    },
  ],
];

/** A 100-byte string Redis stored LZF-compressed. */
const REDIS_LZF_DUMP = "00c3094064016161e057000161610a00e8a3b507b06df271";

function encode(o: RdbObject): Uint8Array {
  const w = new RdbWriter();
  writeObject(w, o);
  return w.bytes().slice();
}

function decode(bytes: Uint8Array): RdbObject {
  const r = new RdbReader(bytes);
  const o = readObjectBody(r, r.byte());
  if (r.remaining !== 0) throw new RdbFormatError("trailing bytes");
  return o;
}

Deno.test("CRC-64 is Redis's Jones variant and checks Redis's DUMP payloads", () => {
  assert.equal(crc64(latin1Bytes("123456789")), 0xe9c6d914c4b8d9can);
  for (const [payload] of [...REDIS_DUMPS, [REDIS_LZF_DUMP]]) {
    const b = hex(payload);
    const stored = new DataView(b.buffer).getBigUint64(b.length - 8, true);
    assert.equal(crc64(b.subarray(0, b.length - 8)), stored);
  }
});

Deno.test("Redis's DUMP payloads decode to their values and re-encode to the same bytes", () => {
  for (const [payload, expected] of REDIS_DUMPS) {
    const b = hex(payload);
    const body = b.subarray(0, b.length - 10);
    assert.deepEqual(decode(body), expected);
    assert.equal(toHex(encode(expected)), toHex(body));
  }
});

Deno.test("an LZF-compressed string from Redis decodes; respd's own compression round-trips", () => {
  const b = hex(REDIS_LZF_DUMP);
  assert.deepEqual(decode(b.subarray(0, b.length - 10)), {
    type: "string",
    value: "a".repeat(100),
  });
  fc.assert(
    fc.property(
      fc.uint8Array({ maxLength: 3000 }),
      fc.integer({ min: 1, max: 255 }),
      (raw, mod) => {
        const input = raw.map((x, i) => (i > 8 && x % 3 === 0 ? raw[i - 1 - (x % 8)] : x % mod));
        const packed = lzfCompress(input);
        if (packed === null) return;
        assert.ok(packed.length < input.length - 4);
        assert.deepEqual(lzfDecompress(packed, input.length), input);
      },
    ),
    { numRuns: 300 },
  );
});

const byteString = fc.uint8Array({ maxLength: 300 }).map((b) => String.fromCharCode(...b));
const element = fc.oneof(
  byteString,
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(String),
  fc.integer({ min: -5000, max: 5000 }).map(String),
  fc.constantFrom("0", "-0", "01", "+1", " 1", "9223372036854775808"),
);

Deno.test("listpacks round-trip any elements, integers included", () => {
  fc.assert(
    fc.property(fc.array(element, { maxLength: 60 }), (items) => {
      assert.deepEqual(decodeListpack(encodeListpack(items)), items);
    }),
    { numRuns: 300 },
  );
  const long = "x".repeat(5000);
  assert.deepEqual(decodeListpack(encodeListpack([long, "y".repeat(200)])), [
    long,
    "y".repeat(200),
  ]);
});

Deno.test("intsets keep sorted members in the narrowest width", () => {
  fc.assert(
    fc.property(
      fc.uniqueArray(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), { maxLength: 50 }),
      (members) => {
        const sorted = [...members].sort((a, b) => (a < b ? -1 : 1)).map(String);
        assert.deepEqual(decodeIntset(encodeIntset(members)), sorted);
      },
    ),
  );
  assert.equal(encodeIntset([1n, 2n])[0], 2);
  assert.equal(encodeIntset([1n, 70000n])[0], 4);
});

Deno.test("a ziplist (Redis before 7.0) decodes strings and every integer form", () => {
  // zlbytes, zltail, zllen, then: "ab", 12 (immediate), -2 (int8), 1000 (int16), end.
  const entries = [0x00, 0x02, 0x61, 0x62, 0x04, 0xfd, 0x02, 0xfe, 0xfe, 0x03, 0xc0, 0xe8, 0x03];
  const zl = new Uint8Array(10 + entries.length + 1);
  new DataView(zl.buffer).setUint32(0, zl.length, true);
  new DataView(zl.buffer).setUint16(8, 4, true);
  zl.set(entries, 10);
  zl[zl.length - 1] = 0xff;
  assert.deepEqual(decodeZiplist(zl), ["ab", "12", "-2", "1000"]);
});

const objects: fc.Arbitrary<RdbObject> = fc.oneof(
  byteString.map((value) => ({ type: "string" as const, value })),
  fc.array(element, { minLength: 1, maxLength: 40 }).map((items) => ({
    type: "list" as const,
    items,
  })),
  fc.uniqueArray(fc.tuple(byteString, element), {
    minLength: 1,
    maxLength: 20,
    selector: (p) => p[0],
  })
    .chain((pairs) => fc.boolean().map((packed) => ({ type: "hash" as const, pairs, packed }))),
  fc.uniqueArray(fc.double({ noNaN: true }), { minLength: 1, maxLength: 20 }).chain((scores) =>
    fc.boolean().map((packed) => ({
      type: "zset" as const,
      entries: scores.map((s, i) => [`m${i}`, s] as [string, number]),
      packed,
    }))
  ),
);

Deno.test("every object round-trips, and every truncation is a format error", () => {
  fc.assert(
    fc.property(objects, (o) => {
      const bytes = encode(o);
      const back = decode(bytes);
      if (back.type === "zset" && o.type === "zset") {
        // Skiplist zsets are written greatest first; order is the loader's business.
        const sorted = (e: [string, number][]) =>
          e.map(([m, s]) => [m, Object.is(s, -0) ? 0 : s]).sort((a, b) => (a[0] < b[0] ? -1 : 1));
        assert.deepEqual(sorted(back.entries), sorted(o.entries));
      } else assert.deepEqual(back, o);
      for (let cut = 0; cut < bytes.length; cut += Math.max(1, bytes.length >> 4)) {
        assert.throws(() => decode(bytes.subarray(0, cut)), RdbFormatError);
      }
    }),
    { numRuns: 200 },
  );
});

Deno.test("%.17g spells doubles as C's printf", () => {
  const cases: [number, string][] = [
    [0.1, "0.10000000000000001"],
    [1.5, "1.5"],
    [1e21, "1e+21"],
    [1.2345e-7, "1.2345000000000001e-07"],
    [123456789012345680000, "1.2345678901234568e+20"],
    [-3.14, "-3.1400000000000001"],
    [0.0001, "0.0001"],
  ];
  for (const [v, text] of cases) assert.equal(formatG17(v), text);
});

Deno.test("a whole file round-trips with its aux fields, databases and expiries", () => {
  const entries: RdbEntry[] = [
    { key: "s", value: { type: "string", value: "v" }, expireAt: 4102444800000 },
    { key: "l", value: { type: "list", items: ["1", "x"] }, expireAt: null },
  ];
  const chunks = [
    ...encodeRdb({
      aux: [["redis-ver", "7.0.15"]],
      functions: ["#!lua name=lib\nredis.register_function('f', function() return 1 end)"],
      dbs: [{ index: 3, keyCount: 2, expireCount: 1, entries: () => entries }],
    }, 8),
  ];
  assert.ok(chunks.length > 1);
  const file = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    file.set(c, at);
    at += c.length;
  }
  const seen: [number, RdbEntry][] = [];
  const functions: string[] = [];
  decodeRdb(file, { entry: (db, e) => seen.push([db, e]), function: (f) => functions.push(f) });
  assert.deepEqual(seen.map(([db, e]) => [db, e.key, e.expireAt]), [[3, "s", 4102444800000], [
    3,
    "l",
    null,
  ]]);
  assert.equal(functions.length, 1);
  file[20] ^= 1;
  assert.throws(() => decodeRdb(file, { entry: () => {} }), RdbFormatError);
  for (let cut = 0; cut < file.length; cut++) {
    const part = file.slice(0, cut);
    assert.throws(() => decodeRdb(part, { entry: () => {} }), RdbFormatError);
  }
});

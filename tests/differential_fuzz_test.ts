/**
 * Differential fuzzing (issue 5): random valid command sequences over strings, the
 * keyspace, lists and databases go to a real redis-server and to respd, through the
 * byte-comparing DifferentialRig (tests/support/differential.ts), in RESP2 and RESP3.
 * Unlike the crash fuzzer this finds semantic bugs: a wrong reply, error text or type.
 *
 * Keys and values come from small vocabularies so commands collide (WRONGTYPE, integer
 * and float parsing, overwrites, empty lists). Expiry uses only long TTLs, so no key
 * expires mid-sequence on one server and not the other. Only commands respd registers
 * are generated; the rest of Redis's surface is other tests' concern. The seed is printed;
 * DIFF_FUZZ_SEED replays a run.
 */

import fc from "fast-check";
import { lookupCommand } from "../src/commands/registry.ts";
import { assertEquals } from "./support/assert.ts";
import { DifferentialRig, type Sequence, type Step } from "./support/differential.ts";

const SEED = Number(Deno.env.get("DIFF_FUZZ_SEED") ?? Math.floor(Math.random() * 2 ** 31));
const SEQUENCES = 300;

console.log(`differential fuzz seed ${SEED} (replay with DIFF_FUZZ_SEED=${SEED})`);

const key = fc.constantFrom("k0", "k1", "k2", "k3", "{k}4", "k\x00", "ké");
const value = fc.oneof(
  fc.constantFrom("", "v", "hello", "0", "1", "-1", "10", "+5", " 7", "007", "3.5", "-0.5"),
  fc.constantFrom("1e3", "inf", "nan", "9223372036854775807", "-9223372036854775808", "abc"),
  fc.integer({ min: -1000, max: 1000 }).map(String),
  fc.stringMatching(/^[a-z0-9 ]{0,6}$/),
);
const int = fc.oneof(
  fc.integer({ min: -5, max: 10 }).map(String),
  fc.constantFrom("0", "-0", "x", "1.0", "9223372036854775807", "99999999999999999999"),
);
const small = fc.integer({ min: -4, max: 6 }).map(String);
const ttl = fc.integer({ min: 100, max: 100000 }).map(String);
/** TTLs Redis refuses (short valid ones could expire mid-sequence on one server only). */
const badTtl = fc.constantFrom("0", "-1", "-5", "x", "1.0", "9223372036854775807", "1e3");
const db = fc.integer({ min: 0, max: 3 }).map(String);
const keys = fc.array(key, { minLength: 1, maxLength: 4 });
const end = fc.constantFrom("LEFT", "RIGHT");

type Gen = fc.Arbitrary<Step>;
const cmd = (...parts: (string | fc.Arbitrary<string> | fc.Arbitrary<string[]>)[]): Gen =>
  fc.tuple(
    ...parts.map((p) =>
      typeof p === "string" ? fc.constant([p]) : p.map((x) => typeof x === "string" ? [x] : x)
    ),
  ).map((chunks) => chunks.flat());

/** Command generators by name (the first word is what the registry is asked about). */
const GENERATORS: Record<string, Gen[]> = {
  set: [
    cmd("SET", key, value),
    // Absolute times in the future only: a key set already expired lingers in Redis until
    // its expiry cycle happens to reclaim it, so DBSIZE would then depend on timing.
    fc.tuple(key, value, fc.constantFrom(["EXAT", "4000000000"], ["PXAT", "4000000000000"]))
      .map(([k, v, at]) => ["SET", k, v, ...at]),
    cmd(
      "SET",
      key,
      value,
      fc.constantFrom("NX", "XX", "GET", "EX", "KEEPTTL", "PX"),
      fc.constantFrom("NX", "XX", "GET", "KEEPTTL", "EX", "10", "x"),
    ),
    cmd("SET", key, value, fc.constantFrom("NX", "XX", "GET", "KEEPTTL")),
    cmd("SET", key, value, fc.constantFrom("EX", "PX"), ttl),
    cmd("SET", key, value, fc.constantFrom("NX", "XX"), "GET"),
    cmd("SET", key, value, "EX", badTtl),
  ],
  get: [cmd("GET", key)],
  getset: [cmd("GETSET", key, value)],
  getdel: [cmd("GETDEL", key)],
  getex: [cmd("GETEX", key), cmd("GETEX", key, "EX", ttl), cmd("GETEX", key, "PERSIST")],
  setnx: [cmd("SETNX", key, value)],
  setex: [cmd("SETEX", key, ttl, value), cmd("SETEX", key, badTtl, value)],
  mset: [cmd("MSET", key, value, key, value)],
  msetnx: [cmd("MSETNX", key, value, key, value)],
  mget: [cmd("MGET", keys)],
  append: [cmd("APPEND", key, value)],
  strlen: [cmd("STRLEN", key)],
  incr: [cmd("INCR", key)],
  decr: [cmd("DECR", key)],
  incrby: [cmd("INCRBY", key, int)],
  decrby: [cmd("DECRBY", key, int)],
  incrbyfloat: [cmd("INCRBYFLOAT", key, value)],
  getrange: [cmd("GETRANGE", key, small, small)],
  setrange: [cmd("SETRANGE", key, fc.integer({ min: 0, max: 8 }).map(String), value)],
  del: [cmd("DEL", keys)],
  unlink: [cmd("UNLINK", keys)],
  exists: [cmd("EXISTS", keys)],
  touch: [cmd("TOUCH", keys)],
  type: [cmd("TYPE", key)],
  rename: [cmd("RENAME", key, key)],
  renamenx: [cmd("RENAMENX", key, key)],
  copy: [cmd("COPY", key, key), cmd("COPY", key, key, "REPLACE")],
  expire: [
    cmd("EXPIRE", key, ttl),
    cmd("EXPIRE", key, ttl, fc.constantFrom("NX", "XX", "GT", "LT")),
  ],
  pexpire: [cmd("PEXPIRE", key, ttl.map((t) => t + "000"))],
  persist: [cmd("PERSIST", key)],
  // Seconds are rounded from milliseconds, so the two servers may differ by one.
  ttl: [fc.tuple(key).map(([k]) => ({ cmd: ["TTL", k], tolerance: 1 }))],
  pttl: [fc.tuple(key).map(([k]) => ({ cmd: ["PTTL", k], tolerance: 1000 }))],
  keys: [
    fc.constantFrom("*", "k*", "k[01]", "?1", "{k}*").map((p) => ({
      cmd: ["KEYS", p],
      unordered: true,
    })),
  ],
  dbsize: [cmd("DBSIZE")],
  select: [cmd("SELECT", db)],
  move: [cmd("MOVE", key, db)],
  swapdb: [cmd("SWAPDB", db, db)],
  flushdb: [cmd("FLUSHDB")],
  lpush: [cmd("LPUSH", key, fc.array(value, { minLength: 1, maxLength: 4 }))],
  rpush: [cmd("RPUSH", key, fc.array(value, { minLength: 1, maxLength: 4 }))],
  lpushx: [cmd("LPUSHX", key, value)],
  rpushx: [cmd("RPUSHX", key, value)],
  lpop: [cmd("LPOP", key), cmd("LPOP", key, small)],
  rpop: [cmd("RPOP", key), cmd("RPOP", key, small)],
  llen: [cmd("LLEN", key)],
  lrange: [cmd("LRANGE", key, small, small), cmd("LRANGE", key, "0", "-1")],
  lindex: [cmd("LINDEX", key, small)],
  lset: [cmd("LSET", key, small, value)],
  lrem: [cmd("LREM", key, small, value)],
  ltrim: [cmd("LTRIM", key, small, small)],
  linsert: [cmd("LINSERT", key, fc.constantFrom("BEFORE", "AFTER"), value, value)],
  lpos: [cmd("LPOS", key, value), cmd("LPOS", key, value, "RANK", small, "COUNT", small)],
  lmove: [cmd("LMOVE", key, key, end, end)],
  rpoplpush: [cmd("RPOPLPUSH", key, key)],
  lmpop: [cmd("LMPOP", "2", key, key, end), cmd("LMPOP", "1", key, end, "COUNT", small)],
  setbit: [
    cmd("SETBIT", key, fc.integer({ min: 0, max: 40 }).map(String), fc.constantFrom("0", "1")),
  ],
  getbit: [cmd("GETBIT", key, fc.integer({ min: 0, max: 40 }).map(String))],
  bitcount: [
    cmd("BITCOUNT", key),
    cmd("BITCOUNT", key, small, small, fc.constantFrom("BYTE", "BIT")),
  ],
  bitpos: [
    cmd("BITPOS", key, fc.constantFrom("0", "1")),
    cmd("BITPOS", key, fc.constantFrom("0", "1"), small, small, fc.constantFrom("BYTE", "BIT")),
  ],
  bitop: [
    cmd("BITOP", fc.constantFrom("AND", "OR", "XOR"), key, keys),
    cmd("BITOP", "NOT", key, key),
  ],
  bitfield: [
    cmd(
      "BITFIELD",
      key,
      fc.constantFrom("WRAP", "SAT", "FAIL").map((o) => ["OVERFLOW", o]),
      fc.constantFrom("GET", "INCRBY", "SET"),
      fc.constantFrom("u1", "i3", "u8", "i16", "u63", "i64"),
      fc.constantFrom("0", "5", "#1", "#3"),
      int,
    ).map((c) => (c as string[])[4] === "GET" ? (c as string[]).slice(0, 7) : c),
  ],
  lcs: [cmd("LCS", key, key), cmd("LCS", key, key, "IDX", "MINMATCHLEN", small, "WITHMATCHLEN")],
  sort: [
    cmd(
      "SORT",
      key,
      fc.constantFrom("ASC", "DESC", "ALPHA", "LIMIT 1 2", "BY nosort").map((o) => o.split(" ")),
    ),
    cmd("SORT", key, "ALPHA", "STORE", key),
  ],
  echo: [cmd("ECHO", value)],
  ping: [cmd("PING"), cmd("PING", value)],
};

const available = Object.keys(GENERATORS).filter((name) => lookupCommand(name) !== undefined);
const stepArb: fc.Arbitrary<Step> = fc.oneof(...available.flatMap((name) => GENERATORS[name]));

Deno.test("random command sequences get the same replies from respd as from redis-server", async () => {
  const sequences: Sequence[] = fc
    .sample(fc.array(stepArb, { minLength: 1, maxLength: 30, size: "max" }), {
      seed: SEED,
      numRuns: SEQUENCES,
    })
    .map((steps, i) => ({ name: `seed ${SEED} #${i}`, steps }));
  await using rig = await DifferentialRig.start();
  const mismatches = await rig.runAll(sequences);
  const steps = sequences.reduce((n, s) => n + s.steps.length, 0);
  console.log(
    `differential fuzz: ${sequences.length} sequences, ${steps} commands, each in RESP2 and ` +
      `RESP3, over ${available.length} commands (${available.join(" ")}); ` +
      `${mismatches.length} mismatches`,
  );
  assertEquals(mismatches.slice(0, 5).map((m) => m.report), []);
});

/**
 * Differential fuzzing of streams: random sequences of stream and consumer-group commands
 * (explicit ids from a small vocabulary so adds, deletes, trims and group reads collide)
 * go to a real redis-server and to respd, replies compared byte for byte in RESP2 and RESP3.
 * It exercises what hand-written sequences cover thinly: entries-read and lag after any
 * mix of XADD, XDEL, XTRIM and group reads, node boundaries under `~` trims, PELs under
 * XCLAIM/XAUTOCLAIM/XACK. No `*` ids; idle and delivery times are compared within 3 s.
 * The seed is printed; STREAM_FUZZ_SEED replays a run, STREAM_FUZZ_SEQUENCES sets the count.
 */

import fc from "fast-check";
import { assertEquals } from "./support/assert.ts";
import { DifferentialRig, type Sequence, type Step } from "./support/differential.ts";

const SEED = Number(Deno.env.get("STREAM_FUZZ_SEED") ?? Math.floor(Math.random() * 2 ** 31));
const SEQUENCES = Number(Deno.env.get("STREAM_FUZZ_SEQUENCES") ?? 60);

console.log(`stream fuzz seed ${SEED} (replay with STREAM_FUZZ_SEED=${SEED})`);

const key = fc.constantFrom("s0", "s0", "s1", "str");
const group = fc.constantFrom("g0", "g1");
const consumer = fc.constantFrom("c0", "c1", "c2");
const ms = fc.integer({ min: 0, max: 40 });
const id = fc.oneof(
  fc.tuple(ms, fc.integer({ min: 0, max: 3 })).map(([m, s]) => `${m}-${s}`),
  ms.map(String),
  fc.constantFrom("0-0", "18446744073709551615-18446744073709551615", "x", "-", "+"),
);
const addId = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.tuple(ms, fc.integer({ min: 0, max: 3 })).map(([m, s]) => `${m}-${s}`),
  },
  { weight: 2, arbitrary: ms.map((m) => `${m}-*`) },
  { weight: 1, arbitrary: fc.constantFrom("0-0", "x", "18446744073709551615-*") },
);
const bound = fc.oneof(id, id.map((i) => `(${i}`));
const count = fc.integer({ min: -1, max: 8 }).map(String);
const fields: fc.Arbitrary<readonly string[]> = fc.oneof(
  fc.constant(["f", "v"]),
  fc.constant(["f", "1", "g", "2"]),
  fc.constant(["a", "x".repeat(300)]),
  fc.stringMatching(/^[a-z0-9]{0,4}$/).map((v) => ["f", v]),
);
const trim: fc.Arbitrary<readonly string[]> = fc.oneof(
  fc.tuple(fc.constantFrom("=", "~", ""), fc.integer({ min: 0, max: 12 })).map((
    [op, n],
  ) => ["MAXLEN", ...(op ? [op] : []), String(n)]),
  fc.tuple(fc.constantFrom("=", "~"), id).map(([op, i]) => ["MINID", op, i]),
);

type Gen = fc.Arbitrary<Step>;
type Part = string | fc.Arbitrary<string> | fc.Arbitrary<readonly string[]>;
const cmd = (...parts: Part[]): Gen =>
  fc.tuple(
    ...parts.map((p) =>
      typeof p === "string"
        ? fc.constant([p])
        : (p as fc.Arbitrary<string | readonly string[]>).map((x) =>
          typeof x === "string" ? [x] : [...x]
        )
    ),
  ).map((chunks) => chunks.flat());

const timed = (g: Gen): Gen => g.map((cmd) => ({ cmd: cmd as string[], tolerance: 3000 }));

const steps: Gen[] = [
  cmd("XADD", key, addId, fields),
  cmd("XADD", key, addId, fields),
  cmd("XADD", key, addId, fields),
  cmd("XADD", key, trim, addId, fields),
  cmd("XADD", key, "NOMKSTREAM", addId, fields),
  cmd("XLEN", key),
  cmd("XRANGE", key, bound, bound),
  cmd("XRANGE", key, "-", "+", "COUNT", count),
  cmd("XREVRANGE", key, bound, bound, "COUNT", count),
  cmd("XDEL", key, fc.array(id, { minLength: 1, maxLength: 3 })),
  cmd("XTRIM", key, trim),
  cmd("XSETID", key, id),
  cmd(
    "XGROUP",
    "CREATE",
    key,
    group,
    fc.oneof(id, fc.constant("$")),
    fc.constantFrom([], ["MKSTREAM"]),
  ),
  cmd("XGROUP", "SETID", key, group, fc.oneof(id, fc.constant("$"))),
  cmd("XGROUP", "DESTROY", key, group),
  cmd("XGROUP", "DELCONSUMER", key, group, consumer),
  cmd(
    "XREADGROUP",
    "GROUP",
    group,
    consumer,
    "COUNT",
    fc.integer({ min: 1, max: 4 }).map(String),
    "STREAMS",
    key,
    ">",
  ),
  cmd("XREADGROUP", "GROUP", group, consumer, "STREAMS", key, ">"),
  cmd("XREADGROUP", "GROUP", group, consumer, "NOACK", "STREAMS", key, ">"),
  cmd("XREADGROUP", "GROUP", group, consumer, "STREAMS", key, fc.oneof(id, fc.constant("0"))),
  cmd("XREAD", "COUNT", count, "STREAMS", key, fc.oneof(id, fc.constant("$"))),
  cmd("XACK", key, group, fc.array(id, { minLength: 1, maxLength: 3 })),
  cmd("XPENDING", key, group),
  cmd("XCLAIM", key, group, consumer, "0", fc.array(id, { minLength: 1, maxLength: 2 }), "JUSTID"),
  cmd(
    "XCLAIM",
    key,
    group,
    consumer,
    "0",
    id,
    fc.constantFrom([], ["FORCE"], ["RETRYCOUNT", "3"]),
    "JUSTID",
  ),
  cmd(
    "XAUTOCLAIM",
    key,
    group,
    consumer,
    "0",
    bound,
    "COUNT",
    fc.integer({ min: 1, max: 4 }).map(String),
    "JUSTID",
  ),
  cmd("XINFO", "GROUPS", key),
  cmd("XINFO", "STREAM", key),
  // clock-dependent fields (idle, delivery and seen times) within a tolerance
  timed(cmd("XINFO", "STREAM", key, "FULL")),
  timed(cmd("XINFO", "CONSUMERS", key, group)),
  timed(cmd("XPENDING", key, group, "-", "+", "10")),
  timed(cmd("XPENDING", key, group, "IDLE", "0", bound, bound, "5", consumer)),
  cmd("SET", "str", "x"),
  cmd("DEL", key),
];

const stepArb: fc.Arbitrary<Step> = fc.oneof(...steps);

Deno.test("random stream command sequences get the same replies from respd as from redis-server", async () => {
  const samples = fc.sample(fc.array(stepArb, { minLength: 5, maxLength: 40, size: "max" }), {
    seed: SEED,
    numRuns: SEQUENCES,
  });
  const sequences: Sequence[] = samples.map((s, i) => ({ name: `stream fuzz ${i}`, steps: s }));
  await using rig = await DifferentialRig.start();
  const mismatches = await rig.runAll(sequences);
  assertEquals(
    mismatches.length,
    0,
    `seed ${SEED}: ${mismatches.length} mismatches:\n${
      mismatches.slice(0, 3).map((m) => m.report).join("\n")
    }`,
  );
});

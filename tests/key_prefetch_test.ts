/**
 * The pipeline's key prefetch (src/store/key_prefetch.ts) engages only in a keyspace of 16k
 * keys or more and a read holding two requests or more, which the other differential tests,
 * on small keyspaces, never reach. Here both servers hold 20,000 keys and get each sequence
 * as one pipeline (one read): hits, misses, new keys, deletions, another database selected
 * mid-pipeline, wrong types, expiry, multi-key commands, binary keys, a transaction and
 * commands whose second argument is no key. Replies are compared byte for byte with
 * redis-server's, in RESP2 and RESP3.
 */

import { assertEquals } from "./support/assert.ts";
import { bin, DifferentialRig, type Sequence } from "./support/differential.ts";
import { PREFETCH_MIN_KEYS } from "../src/store/key_prefetch.ts";

const KEYS = 20_000;
const populate = [
  "MSET",
  ...Array.from({ length: KEYS }, (_, i) => [`key:${i}`, `v${i}`]).flat(),
];

const pipelines: Sequence[] = [
  {
    name: "reads, writes and deletions among 20,000 keys",
    steps: [
      "GET key:1",
      "GET key:19999",
      "GET missing:1",
      "SET key:2 new",
      "GET key:2",
      "SET fresh:1 x",
      "GET fresh:1",
      "DEL key:3",
      "GET key:3",
      "EXISTS key:4 key:3 key:5",
      "MGET key:6 missing:2 key:7",
      "INCR key:8",
      "APPEND key:9 more",
      "STRLEN key:9",
      "GETDEL key:10",
      "GET key:10",
    ],
  },
  {
    name: "another database selected mid-pipeline",
    steps: [
      "GET key:11",
      "SELECT 1",
      "GET key:11",
      "SET key:11 one",
      "GET key:11",
      "SELECT 0",
      "GET key:11",
      "DBSIZE",
    ],
  },
  {
    name: "types, expiry, a transaction and keyless second arguments",
    steps: [
      "HSET key:12 f v",
      "LPUSH list:1 a b",
      "LPUSH key:13 x",
      "EXPIRE key:14 100",
      "TTL key:14",
      "PERSIST key:14",
      "TTL key:14",
      "MULTI",
      "GET key:15",
      "SET key:15 in-tx",
      "EXEC",
      "GET key:15",
      "CONFIG GET maxmemory",
      "ECHO key:16",
      "PING",
      ["SET", bin("bin:\x00\r\n\xff"), bin("\x01\x02")],
      ["GET", bin("bin:\x00\r\n\xff")],
      "TYPE key:12",
    ],
  },
].map((s) => ({ ...s, pipeline: true, before: [populate] }));

Deno.test("a pipeline among 20,000 keys gets redis-server's replies, byte for byte", async () => {
  assertEquals(KEYS >= PREFETCH_MIN_KEYS, true);
  await using rig = await DifferentialRig.start();
  const mismatches = await rig.runAll(pipelines);
  assertEquals(mismatches.map((m) => m.report), []);
});

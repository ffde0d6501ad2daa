/**
 * The request scan of key_prefetch.ts against a model: for pipelines of random requests
 * (binary arguments, CRLFs and `$`/`*` inside them, requests without a key), cut at every
 * byte, and followed by what the scan must stop at (an inline command, a bad header), it
 * finds exactly the second argument of each whole request before the cut. And the
 * keyspace side: the hashes it makes from the bytes find the keys the table stored as
 * strings.
 */

import { assertEquals } from "../../tests/support/assert.ts";
import fc from "fast-check";
import { PREFETCH_MIN_KEYS, prefetchRequestKeys, requestKeys } from "./key_prefetch.ts";
import { Database } from "./database.ts";
import { PREFETCH_LIMIT } from "./key_table.ts";
import { ManualClock } from "./clock.ts";
import { bytesToString } from "../protocol/latin1.ts";

const byteString = fc.string({
  unit: fc.oneof(
    fc.constantFrom("\r", "\n", "$", "*", "0", "9"),
    fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c)),
  ),
  maxLength: 12,
});

function encode(argv: string[]): string {
  return `*${argv.length}\r\n` + argv.map((a) => `$${a.length}\r\n${a}\r\n`).join("");
}

function bytes(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

/** What `requestKeys` should find in `requests` encoded, cut after `cut` bytes. */
function expectedKeys(requests: string[][], cut: number): string[] {
  const keys: string[] = [];
  let offset = 0;
  for (const argv of requests) {
    offset += encode(argv).length;
    if (offset > cut || keys.length === PREFETCH_LIMIT) break;
    if (argv.length >= 2) keys.push(argv[1]);
  }
  return keys;
}

function foundKeys(buf: Uint8Array, start: number, end: number): string[] {
  const at = new Int32Array(PREFETCH_LIMIT);
  const lengths = new Int32Array(PREFETCH_LIMIT);
  const n = requestKeys(buf, start, end, at, lengths);
  return Array.from({ length: n }, (_, i) => bytesToString(buf, at[i], at[i] + lengths[i]));
}

Deno.test("requestKeys finds the second argument of each whole request, at every cut", () => {
  fc.assert(
    fc.property(
      fc.array(fc.array(byteString, { maxLength: 4 }), { maxLength: 8 }),
      fc.constantFrom("", "PING\r\n", "*x\r\n", "*2\r\n:1\r\n", "*-1\r\n", "*2\r\n$-1\r\n"),
      fc.nat(3),
      (requests, tail, pad) => {
        const text = requests.map(encode).join("");
        const buf = bytes("#".repeat(pad) + text + tail + "*1\r\n$4\r\nPING\r\n");
        for (let cut = 0; cut <= text.length; cut++) {
          assertEquals(foundKeys(buf, pad, pad + cut), expectedKeys(requests, cut));
        }
        // what follows the whole requests stops the scan, whatever comes after it
        if (tail !== "") {
          assertEquals(foundKeys(buf, pad, buf.length), expectedKeys(requests, text.length));
        }
      },
    ),
    { numRuns: 300 },
  );
});

Deno.test("requestKeys stops at its limit", () => {
  const requests = Array.from({ length: PREFETCH_LIMIT + 5 }, (_, i) => ["GET", `k${i}`]);
  const buf = bytes(requests.map(encode).join(""));
  assertEquals(foundKeys(buf, 0, buf.length), expectedKeys(requests, buf.length));
  assertEquals(foundKeys(buf, 0, buf.length).length, PREFETCH_LIMIT);
});

Deno.test("prefetchRequestKeys reaches the keys a pipeline names, in a large keyspace only", () => {
  const db = new Database(new ManualClock());
  const pipeline = bytes(
    encode(["GET", "key:7"]) + encode(["SET", "key:12", "x"]) + encode(["GET", "absent"]),
  );
  const reached = "key:7".length + "v7".length + "key:12".length + "v12".length;
  for (let i = 0; i < PREFETCH_MIN_KEYS - 1; i++) db.set(`key:${i}`, `v${i}`);
  assertEquals(prefetchRequestKeys(pipeline, 0, pipeline.length, db), 0);
  db.set("one:more", "v");
  assertEquals(prefetchRequestKeys(pipeline, 0, pipeline.length, db), reached);
  // one request alone: nothing to overlap
  const single = encode(["GET", "key:7"]).length;
  assertEquals(prefetchRequestKeys(pipeline, 0, single, db), 0);
});

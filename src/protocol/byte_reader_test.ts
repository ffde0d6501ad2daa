/**
 * The read buffer: BYOB reads land in memory the reader owns (the view it passed is
 * transferred and rebound), consumed bytes are compacted away, the buffer grows once to
 * what the caller says it needs, and shrinks back after one huge request.
 */

import { assert, assertEquals } from "../../tests/support/assert.ts";
import { bytes, byteStream } from "./_test_streams.ts";
import { ByteReader } from "./byte_reader.ts";

const text = (r: ByteReader) => String.fromCharCode(...r.buf.subarray(r.start, r.end));

Deno.test("every chunk arrives in order and the end of the stream is reported", async () => {
  const reader = new ByteReader(byteStream([bytes("ab"), bytes("cd"), bytes("e")]), 64);
  const seen: string[] = [];
  while (await reader.fill()) seen.push(text(reader));
  assertEquals(seen, ["ab", "abcd", "abcde"]);
  await reader.cancel();
});

Deno.test("the buffer passed to a read is transferred and rebound to the result", async () => {
  const reader = new ByteReader(byteStream([bytes("hello")]), 64 * 1024);
  const before = reader.buf;
  assert.ok(await reader.fill());
  assertEquals(before.byteLength, 0, "the old view is detached");
  assertEquals(text(reader), "hello");
  await reader.cancel();
});

Deno.test("consumed bytes are compacted away when room is needed", async () => {
  const chunk = new Uint8Array(50 * 1024).fill(97);
  const reader = new ByteReader(byteStream([chunk, chunk, bytes("tail")]), 64 * 1024);
  assert.ok(await reader.fill());
  reader.consume(reader.end - 10); // leave 10 bytes unconsumed
  assert.ok(await reader.fill());
  assertEquals(reader.start, 0, "compacted to the front");
  assertEquals(reader.buffered, 10 + chunk.length);
  assertEquals(reader.buf.length, 64 * 1024, "compacted, not grown");
  reader.consume(reader.end);
  assertEquals(reader.buffered, 0);
  assert.ok(await reader.fill());
  assertEquals(text(reader), "tail");
  await reader.cancel();
});

Deno.test("a fill told how many bytes are wanted grows the buffer once to hold them", async () => {
  const reader = new ByteReader(byteStream([bytes("x"), bytes("y")]), 1024);
  assert.ok(await reader.fill());
  assert.ok(await reader.fill(5 * 1024 * 1024));
  assert.ok(reader.buf.length >= 5 * 1024 * 1024);
  assert.ok(reader.buf.length <= 8 * 1024 * 1024, "no more than the next power of two");
  assertEquals(text(reader), "xy", "unconsumed bytes kept across growth");
  await reader.cancel();
});

Deno.test("a buffer grown for one huge request shrinks once it is consumed", async () => {
  const reader = new ByteReader(byteStream([bytes("x")]), 1024);
  assert.ok(await reader.fill(4 * 1024 * 1024));
  reader.consume(reader.end);
  reader.shrink();
  assertEquals(reader.buf.length, 64 * 1024);
  await reader.cancel();
});

Deno.test("a buffer is not shrunk while it holds unconsumed bytes", async () => {
  const reader = new ByteReader(byteStream([bytes("xyz")]), 1024);
  assert.ok(await reader.fill(4 * 1024 * 1024));
  reader.shrink();
  assertEquals(text(reader), "xyz");
  assert.ok(reader.buf.length >= 4 * 1024 * 1024);
  await reader.cancel();
});

Deno.test("cancel stops a stream that has not ended, and may be repeated", async () => {
  let cancelled = false;
  const stream = new ReadableStream({
    type: "bytes",
    pull(c) {
      c.enqueue(bytes("data"));
    },
    cancel() {
      cancelled = true;
    },
  });
  const reader = new ByteReader(stream, 64);
  assert.ok(await reader.fill());
  await reader.cancel();
  await reader.cancel();
  assert.ok(cancelled);
});

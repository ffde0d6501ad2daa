/**
 * The message → byte stream adapter on its own (no socket): BYOB reads get what fits with
 * the rest kept in order, text is UTF-8, `queued` counts unread bytes, and `end()` settles
 * a waiting read and ignores later messages.
 */

import { assert, assertEquals } from "../../tests/support/assert.ts";
import { messageStream } from "./message_stream.ts";

Deno.test("a waiting BYOB read gets a message copied in; what does not fit is queued", async () => {
  const stream = messageStream();
  const reader = stream.readable.getReader({ mode: "byob" });
  const first = reader.read(new Uint8Array(3));
  stream.push(Uint8Array.of(1, 2, 3, 4, 5).buffer);
  assertEquals([...(await first).value!], [1, 2, 3]);
  assertEquals(stream.queued, 2);
  stream.push("é");
  assertEquals(stream.queued, 4);
  assertEquals([...(await reader.read(new Uint8Array(8))).value!], [4, 5, 0xc3, 0xa9]);
  assertEquals(stream.queued, 0);
  stream.end();
  assert((await reader.read(new Uint8Array(1))).done);
});

Deno.test("ending the stream settles a BYOB read that is waiting, and later messages are dropped", async () => {
  const stream = messageStream();
  const reader = stream.readable.getReader({ mode: "byob" });
  const pending = reader.read(new Uint8Array(4));
  stream.end();
  stream.end();
  assert((await pending).done);
  stream.push("late");
  assert(stream.ended);
  assertEquals(stream.queued, 0);
});

Deno.test("empty messages are ignored and a default reader gets the bytes as they came", async () => {
  const stream = messageStream();
  stream.push("");
  stream.push(new Uint8Array(0));
  assertEquals(stream.queued, 0);
  stream.push(Uint8Array.of(7, 8));
  stream.push("\r\n");
  const reader = stream.readable.getReader();
  assertEquals([...(await reader.read()).value!], [7, 8]);
  assertEquals([...(await reader.read()).value!], [13, 10]);
  stream.end();
  assert((await reader.read()).done);
});

Deno.test("a cancelled stream counts as ended and takes no more messages", async () => {
  const stream = messageStream();
  stream.push("abc");
  await stream.readable.cancel();
  assert(stream.ended);
  stream.push("more");
  assertEquals(stream.queued, 0);
});

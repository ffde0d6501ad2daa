/** When the reclaimer runs a full collection: clients' buffers left behind, or a load gone idle. */

import { assertEquals } from "../../tests/support/assert.ts";
import {
  HEAP_RECLAIM_BYTES,
  IDLE_MS,
  type MemoryReading,
  MemoryReclaimer,
  RECLAIM_BYTES,
  RECLAIM_EVERY_MS,
} from "./memory_reclaim.ts";

/** A reclaimer over a fake process: `mem` is what it reads, `collections` counts gc calls. */
function fake() {
  const mem: MemoryReading = { external: 0, heapTotal: 0 };
  const state = { mem, collections: 0, afterGc: { external: 0, heapTotal: 0 } };
  const reclaimer = new MemoryReclaimer(() => ({ ...state.mem }), () => () => {
    state.collections++;
    Object.assign(state.mem, state.afterGc);
  });
  return { state, reclaimer };
}

Deno.test("an idle server whose heap grew by a load is collected once, then left alone", () => {
  const { state, reclaimer } = fake();
  state.mem.heapTotal = 50 * 2 ** 20; // the startup's heap: never worth a collection by itself
  let t = 50_000;
  assertEquals(reclaimer.tick(t, 0), null);
  assertEquals(reclaimer.tick(t += IDLE_MS * 10, 0), null);
  state.mem.heapTotal = 100 * 2 ** 20; // a load wrote many keys
  state.afterGc = { external: 0, heapTotal: 60 * 2 ** 20 };
  assertEquals(reclaimer.tick(t, 1000), null, "commands ran since the last tick: busy");
  assertEquals(reclaimer.tick(t += IDLE_MS / 2, 1000), null, "not idle long enough");
  const first = reclaimer.tick(t += IDLE_MS, 1000);
  assertEquals(state.collections, 1);
  assertEquals(first?.released, 40 * 2 ** 20);
  // still idle, heap unchanged since the collection: nothing more, however long
  assertEquals(reclaimer.tick(t += RECLAIM_EVERY_MS * 3, 1000), null);
  assertEquals(state.collections, 1);
});

Deno.test("a busy server is not collected for its heap's growth", () => {
  const { state, reclaimer } = fake();
  let commands = 0;
  reclaimer.tick(0, commands);
  state.mem.heapTotal = HEAP_RECLAIM_BYTES * 4;
  for (let t = 0; t < RECLAIM_EVERY_MS * 5; t += 100) {
    assertEquals(reclaimer.tick(t, commands += 10), null);
  }
  assertEquals(state.collections, 0);
});

Deno.test("a server with no store (a gateway) is not collected for its heap's growth once idle", () => {
  const { state, reclaimer } = fake();
  reclaimer.tick(0, null);
  state.mem.heapTotal = HEAP_RECLAIM_BYTES * 4; // garbage of the requests it forwarded
  for (let t = 0; t < RECLAIM_EVERY_MS * 5; t += 100) assertEquals(reclaimer.tick(t, null), null);
  assertEquals(state.collections, 0);
  // its clients' buffers still are, once they left
  state.mem.external = RECLAIM_BYTES * 2;
  reclaimer.noteClosed();
  const released = RECLAIM_BYTES * 2 + HEAP_RECLAIM_BYTES * 4;
  assertEquals(reclaimer.tick(RECLAIM_EVERY_MS * 6, null)?.released, released);
});

Deno.test("growth below the threshold is not worth a collection, idle or not", () => {
  const { state, reclaimer } = fake();
  reclaimer.tick(0, 5);
  state.mem.heapTotal = HEAP_RECLAIM_BYTES - 1;
  assertEquals(reclaimer.tick(IDLE_MS * 10, 5), null);
  assertEquals(state.collections, 0);
});

Deno.test("closed clients' buffers are collected even while busy, at most every RECLAIM_EVERY_MS", () => {
  const { state, reclaimer } = fake();
  state.mem.external = RECLAIM_BYTES * 2;
  assertEquals(reclaimer.tick(RECLAIM_EVERY_MS, 1), null, "no client closed yet");
  reclaimer.noteClosed();
  assertEquals(reclaimer.tick(RECLAIM_EVERY_MS + 1, 2)?.released, RECLAIM_BYTES * 2);
  state.mem.external = RECLAIM_BYTES * 2;
  reclaimer.noteClosed();
  assertEquals(reclaimer.tick(RECLAIM_EVERY_MS + 2, 3), null, "too soon after the last one");
  assertEquals(reclaimer.tick(RECLAIM_EVERY_MS * 2 + 1, 4)?.released, RECLAIM_BYTES * 2);
  assertEquals(state.collections, 2);
});

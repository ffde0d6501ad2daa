/**
 * The access clock's arithmetic with a manual clock: LRU idle times at one-second
 * resolution (wrapping at 24 bits), LFU counters that start at 5, grow logarithmically as
 * redis.conf's table says, decay per lfu-decay-time minutes, and restored fields.
 */

import { assert } from "../../tests/support/assert.ts";
import { ManualClock } from "./clock.ts";
import { KeyAccess, LFU_INIT_VAL, LRU_CLOCK_MAX } from "./key_access.ts";
import { seededRandom } from "../../tests/support/seeded_random.ts";

const setup = (policy = "noeviction", lfuLogFactor = 10, lfuDecayTime = 1) => {
  const clock = new ManualClock(1_700_000_000_000);
  const settings = { maxmemoryPolicy: policy, lfuLogFactor, lfuDecayTime };
  // a seeded coin: the LFU counter grows alike on every run
  return { clock, settings, access: new KeyAccess(settings, clock, seededRandom(42)) };
};

Deno.test("LRU idle time counts whole seconds since the last access, across the clock's wrap", () => {
  const { clock, access } = setup();
  const field = access.created();
  clock.advance(4_999);
  assert.equal(access.idleMs(field), 4000);
  const touched = access.accessed(field);
  clock.advance(2_000);
  assert.equal(access.idleMs(touched), 2000);
  assert.equal(access.lruClock(), Math.floor(clock.now() / 1000) & LRU_CLOCK_MAX);
  const beforeWrap = (access.lruClock() + 3) & LRU_CLOCK_MAX; // "3 s in the future": wrapped
  assert.equal(access.idleMs(beforeWrap), (LRU_CLOCK_MAX - 3) * 1000);
});

Deno.test("LFU counters start at 5, grow as Redis's table says and decay per period", () => {
  const { clock, settings, access } = setup("allkeys-lfu");
  let field = access.created();
  assert.equal(access.frequency(field), LFU_INIT_VAL);
  field = access.accessed(field);
  assert.equal(access.frequency(field), LFU_INIT_VAL + 1, "below 5 hits the counter always grows");
  for (let i = 0; i < 1000; i++) field = access.accessed(field);
  // redis.conf: factor 10 gives ~18 after 1K hits
  const after1k = access.frequency(field);
  assert.ok(after1k >= 12 && after1k <= 26, `counter ${after1k} after 1000 hits`);
  clock.advance(3 * 60_000);
  assert.equal(access.frequency(field), after1k - 3, "one less per minute (lfu-decay-time 1)");
  settings.lfuDecayTime = 2;
  assert.equal(access.frequency(field), after1k - 1);
  settings.lfuDecayTime = 0;
  assert.equal(access.frequency(field), after1k, "no decay");
  settings.lfuDecayTime = 1;
  clock.advance(300 * 60_000);
  assert.equal(access.frequency(field), 0, "never below zero");
  settings.lfuLogFactor = 0;
  for (let i = 0; i < 300; i++) field = access.accessed(field);
  assert.equal(access.frequency(field), 255, "saturates at 255");
});

Deno.test("restored fields follow the policy in force, as objectSetLRUOrLFU", () => {
  const lru = setup().access;
  assert.equal(lru.idleMs(lru.restored(undefined, 1000)!), 1_000_000);
  assert.equal(lru.restored(100, undefined), null);
  assert.equal(lru.idleMs(lru.restored(undefined, 2 ** 40)!) % 1000, 0);
  const lfu = setup("volatile-lfu").access;
  assert.equal(lfu.frequency(lfu.restored(100, undefined)!), 100);
  assert.equal(lfu.restored(undefined, 5), null);
});

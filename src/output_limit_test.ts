/** The client-output-buffer-limit rule and its redis.conf syntax, with plain numbers. */

import { assert, assertEquals } from "../tests/support/assert.ts";
import { OutputLimitTracker, parseOutputLimits } from "./output_limit.ts";
import { DEFAULT_CONFIG, parseMemory } from "./config.ts";
import { ManualClock } from "./store/clock.ts";

/** A clock stopped at `ms`. */
const at = (ms: number) => new ManualClock(ms);

Deno.test("the hard limit cuts off at once, at or over it", () => {
  const t = new OutputLimitTracker();
  const limit = { hard: 100, soft: 0, softSeconds: 0 };
  assert(!t.exceeded(limit, 99, at(0)));
  assert(t.exceeded(limit, 100, at(0)));
});

Deno.test("the soft limit cuts off only when held for longer than its seconds", () => {
  const t = new OutputLimitTracker();
  const limit = { hard: 0, soft: 50, softSeconds: 2 };
  assert(!t.exceeded(limit, 60, at(1000))); // timer starts
  assert(!t.exceeded(limit, 60, at(3000))); // exactly 2 s: still allowed, as Redis
  assert(t.exceeded(limit, 60, at(3001)));
});

Deno.test("dropping under the soft limit restarts its timer", () => {
  const t = new OutputLimitTracker();
  const limit = { hard: 0, soft: 50, softSeconds: 1 };
  assert(!t.exceeded(limit, 60, at(0)));
  assert(!t.exceeded(limit, 10, at(500)));
  assert(!t.exceeded(limit, 60, at(1500)));
  assert(!t.exceeded(limit, 60, at(2500)));
  assert(t.exceeded(limit, 60, at(2501)));
});

Deno.test("zero limits are off", () => {
  const t = new OutputLimitTracker();
  assert(!t.exceeded({ hard: 0, soft: 0, softSeconds: 0 }, 1e12, at(0)));
  assert(!t.exceeded({ hard: 0, soft: 0, softSeconds: 0 }, 1e12, at(1e9)));
});

Deno.test("redis.conf limit groups parse, replica accepted, others rejected", () => {
  const base = DEFAULT_CONFIG.clientOutputBufferLimit;
  assertEquals(parseOutputLimits("pubsub 1mb 256kb 10", base, parseMemory), {
    normal: base.normal,
    pubsub: { hard: 1024 * 1024, soft: 256 * 1024, softSeconds: 10 },
  });
  assertEquals(
    parseOutputLimits("normal 1k 0 0 replica 256mb 64mb 60 PUBSUB 0 0 0", base, parseMemory),
    {
      normal: { hard: 1000, soft: 0, softSeconds: 0 },
      pubsub: { hard: 0, soft: 0, softSeconds: 0 },
    },
  );
  for (const bad of ["", "pubsub 1mb 1mb", "pubsub x 0 0", "pubsub 1 1 -1", "monitor 1 1 1"]) {
    let threw = false;
    try {
      parseOutputLimits(bad, base, parseMemory);
    } catch (e: unknown) {
      threw = e instanceof Error;
    }
    assert(threw, `'${bad}' should be rejected`);
  }
});

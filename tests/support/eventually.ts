/**
 * Bounded polling for tests. Some effects have no event a test can await (a session is
 * forgotten just after its socket closes, a write starts blocking), so a test checks a
 * condition a bounded number of times instead of sleeping a guessed while: quick when the
 * machine is quick, and a clear failure rather than a hang when it never holds.
 */

import { assert } from "./assert.ts";

/** Checks `condition` up to `attempts` times, `everyMs` apart; false if it never held. */
export async function eventually(
  condition: () => boolean | Promise<boolean>,
  attempts = 300,
  everyMs = 10,
): Promise<boolean> {
  for (let i = 0; i < attempts; i++) {
    if (await condition()) return true;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return await condition();
}

/** Like `eventually`, but fails the test ("timed out waiting for <what>") if it never held. */
export async function until(
  condition: () => boolean | Promise<boolean>,
  what: string,
  attempts = 500,
  everyMs = 5,
): Promise<void> {
  assert(await eventually(condition, attempts, everyMs), `timed out waiting for ${what}`);
}

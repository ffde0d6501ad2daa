/** Assertions for tests, from Node's built-in `node:assert/strict` (JSR's @std is unreachable). */

import assert from "node:assert/strict";

export const assertEquals = <T>(actual: unknown, expected: T, message?: string) =>
  assert.deepStrictEqual(actual, expected, message);
export { assert };

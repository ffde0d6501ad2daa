/** parseInteger: Redis's string2ll rules, and exact values on its digit-by-digit fast path. */

import fc from "fast-check";
import { assertEquals } from "../../tests/support/assert.ts";
import { parseInteger } from "./args.ts";

Deno.test("parseInteger reads every safe integer back exactly, digit by digit or as a BigInt", () => {
  fc.assert(
    fc.property(fc.maxSafeInteger(), (n) => assertEquals(parseInteger(String(n)), n)),
  );
  const edges: [string, number | bigint][] = [
    ["0", 0],
    ["-1", -1],
    ["999999999999999", 999999999999999],
    ["-999999999999999", -999999999999999],
    ["1000000000000000", 1000000000000000],
    ["9007199254740993", 9007199254740993n],
    ["9223372036854775807", 9223372036854775807n],
    ["-9223372036854775808", -9223372036854775808n],
  ];
  for (const [text, value] of edges) assertEquals(parseInteger(text), value);
});

Deno.test("parseInteger refuses what string2ll refuses", () => {
  for (const text of ["", "-", "-0", "01", "+1", " 1", "1 ", "1.0", "1e3", "9223372036854775808"]) {
    assertEquals(parseInteger(text), null, text);
  }
});

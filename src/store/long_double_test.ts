/**
 * Unit tests for the 80-bit long double emulation behind INCRBYFLOAT. Expected strings
 * are what redis-server 7.0.15 on x86-64 replied (tests/strings_test.ts also compares
 * with a live redis-server on random operands).
 */

import { assert, assertEquals } from "../../tests/support/assert.ts";
import { CommandError } from "../commands/errors.ts";
import fc from "fast-check";
import { incrByFloat, timeoutMillis } from "./long_double.ts";

const cases: [current: string, increment: string, expected: string][] = [
  ["10.5", "0.1", "10.6"],
  ["10.6", "10000000000.1", "10000000010.69999999925494194"],
  ["5.0e3", "2.0e2", "5200"],
  ["3", "-3", "0"],
  ["0", "0x10", "16"],
  ["16", "1.5e-5", "16.000015"],
  ["0", "1e-400", "0"],
  ["0", "-1e-20", "0"],
  ["0", "-0.0", "0"],
  ["1", ".5", "1.5"],
  ["1", "5.", "6"],
  ["00012.5000", "+1", "13.5"],
  ["0", "0x1.8p1", "3"],
  ["9223372036854775807", "1", "9223372036854775808"],
  ["0", "1e20", "100000000000000000000"],
  ["0", "0.1", "0.1"],
];

Deno.test("INCRBYFLOAT arithmetic prints what Redis prints", () => {
  for (const [current, increment, expected] of cases) {
    assertEquals(incrByFloat(current, increment), expected, `${current} + ${increment}`);
  }
  // Beyond double range, still finite as a long double: hundreds of digits, as Redis.
  const big = incrByFloat("0", "1e4000");
  assertEquals(big.length, 4000);
  assert(big.startsWith("99999999999999999999654638730996"));
});

Deno.test("INCRBYFLOAT refuses what Redis's string2ld refuses", () => {
  for (const bad of ["", " 1", "1 ", "abc", "1e", ".", "0x", "nan", "1e5000", "1e-5000", "--1"]) {
    let error = "";
    try {
      incrByFloat("0", bad);
    } catch (e: unknown) {
      if (e instanceof CommandError) error = e.message;
    }
    assertEquals(error, "ERR value is not a valid float", JSON.stringify(bad));
  }
  for (const [a, b] of [["0", "inf"], ["inf", "-inf"], ["1e4932", "1e4932"]]) {
    let error = "";
    try {
      incrByFloat(a, b);
    } catch (e: unknown) {
      if (e instanceof CommandError) error = e.message;
    }
    assertEquals(error, "ERR increment would produce NaN or Infinity", `${a} + ${b}`);
  }
});

Deno.test("timeoutMillis: whole seconds in plain digits (its shortcut) read as strtold reads them", () => {
  fc.assert(
    fc.property(fc.stringMatching(/^[0-9]{1,13}$/), (s) => {
      // "s.0" is the same number, and not plain digits: it takes the long double's way
      assertEquals(timeoutMillis(s), timeoutMillis(`${s}.0`));
    }),
  );
  assertEquals(timeoutMillis("0"), 0);
  assertEquals(timeoutMillis("007"), 7000);
  assertEquals(timeoutMillis("999999999999"), 999999999999000);
});

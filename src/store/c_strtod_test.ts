/** Tests of SORT's weight parsing against what glibc's strtod and Redis's checks give. */

import assert from "node:assert/strict";
import { sortWeight } from "./c_strtod.ts";

Deno.test("sortWeight reads what strtod reads in full", () => {
  const cases: [string, number | null][] = [
    ["1", 1],
    ["-1.5", -1.5],
    ["+4", 4],
    ["1e2", 100],
    ["1.", 1],
    [".5", 0.5],
    ["  7", 7],
    ["\t-2", -2],
    ["0x10", 16],
    ["0x1p3", 8],
    ["-0x.8", -0.5],
    ["inf", Infinity],
    ["-Infinity", -Infinity],
    ["", 0],
    ["3\0abc", 3],
  ];
  for (const [text, want] of cases) assert.equal(sortWeight(text), want, JSON.stringify(text));
});

Deno.test("sortWeight refuses what Redis's SORT refuses", () => {
  for (
    const text of ["abc", "1 ", "1e", "0x", ".", " ", "nan", "-nan(1)", "1e400", "1e-400", "1,5"]
  ) {
    assert.equal(sortWeight(text), null, JSON.stringify(text));
  }
});

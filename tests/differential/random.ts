/**
 * Random replies (HRANDFIELD, SRANDMEMBER, SPOP, ZRANDMEMBER), checked by properties that
 * both servers' replies must have: how many elements, distinct or not, drawn from the
 * collection, with the right values or scores, in the right RESP shape. Redis's own reply
 * passing each property is what shows the property describes Redis.
 */

import type { Frame } from "../../src/protocol/frame.ts";
import { seq, type Sequence, type StepSpec } from "../support/differential.ts";

const text = (f: Frame): string =>
  f.kind === "bulk" ? String.fromCharCode(...f.value) : f.kind === "double" ? String(f.value) : "?";

/** The elements of an array or set reply, or null for another kind. */
function items(f: Frame): Frame[] | null {
  return f.kind === "array" || f.kind === "set" ? f.value : null;
}

/**
 * A step whose reply must be `count` elements (negative: |count| with repeats allowed)
 * from `pool`; `pairs` maps element → its value or score text when the reply has them.
 */
function randomStep(
  cmd: string,
  pool: readonly string[],
  count: number,
  kind: "array" | "set",
  pairs?: Record<string, string>,
): StepSpec {
  const n = Math.abs(count);
  const expected = count < 0 ? n : Math.min(n, pool.length);
  return {
    cmd,
    property(reply, protocol) {
      const list = items(reply);
      if (list === null) return `not an array: ${reply.kind}`;
      if (reply.kind !== (protocol === 3 ? kind : "array")) return `a ${reply.kind}, not a ${kind}`;
      const picked: string[] = [];
      if (pairs === undefined) picked.push(...list.map(text));
      else if (protocol === 3) {
        for (const p of list) {
          const pair = items(p);
          if (pair === null || pair.length !== 2) return "RESP3 pairs must be 2-element arrays";
          const [m, v] = pair.map(text);
          if (pairs[m] !== v) return `${m} came with ${v}, not ${pairs[m]}`;
          picked.push(m);
        }
      } else {
        for (let i = 0; i < list.length; i += 2) {
          const [m, v] = [text(list[i]), text(list[i + 1])];
          if (pairs[m] !== v) return `${m} came with ${v}, not ${pairs[m]}`;
          picked.push(m);
        }
      }
      if (picked.length !== expected) return `${picked.length} elements, expected ${expected}`;
      if (picked.some((m) => !pool.includes(m))) return `an element not in the collection`;
      if (count > 0 && new Set(picked).size !== picked.length) return "repeated elements";
      return null;
    },
  };
}

const H = ["a", "b", "c", "d", "e"];
const HV: Record<string, string> = { a: "1", b: "2", c: "3", d: "4", e: "5" };
const S = ["1", "2", "3", "x", "y"];
const Z = ["a", "b", "c", "d", "e"];
const ZS: Record<string, string> = { a: "1.5", b: "2", c: "3", d: "4", e: "5" };

export const sequences: Sequence[] = [
  seq(
    "random: HRANDFIELD counts",
    "HSET h a 1 b 2 c 3 d 4 e 5",
    randomStep("HRANDFIELD h 3", H, 3, "array"),
    randomStep("HRANDFIELD h -8", H, -8, "array"),
    randomStep("HRANDFIELD h 9", H, 9, "array"),
    randomStep("HRANDFIELD h 3 WITHVALUES", H, 3, "array", HV),
    randomStep("HRANDFIELD h -7 WITHVALUES", H, -7, "array", HV),
    randomStep("HRANDFIELD h 5 WITHVALUES", H, 5, "array", HV),
  ),
  seq(
    "random: SRANDMEMBER and SPOP counts",
    "SADD s 1 2 3 x y",
    randomStep("SRANDMEMBER s 3", S, 3, "array"),
    randomStep("SRANDMEMBER s -9", S, -9, "array"),
    randomStep("SRANDMEMBER s 10", S, 10, "array"),
    "SADD i 1 2 3 4 5",
    randomStep("SRANDMEMBER i 2", ["1", "2", "3", "4", "5"], 2, "array"),
    randomStep("SPOP s 2", S, 2, "set"),
    "SCARD s",
  ),
  seq(
    "random: ZRANDMEMBER counts",
    "ZADD z 1.5 a 2 b 3 c 4 d 5 e",
    randomStep("ZRANDMEMBER z 3", Z, 3, "array"),
    randomStep("ZRANDMEMBER z -6", Z, -6, "array"),
    randomStep("ZRANDMEMBER z 2 WITHSCORES", Z, 2, "array", ZS),
    randomStep("ZRANDMEMBER z -4 WITHSCORES", Z, -4, "array", ZS),
    randomStep("ZRANDMEMBER z 8 WITHSCORES", Z, 8, "array", ZS),
  ),
];

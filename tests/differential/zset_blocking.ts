/**
 * Differential sequences for BZPOPMIN / BZPOPMAX on one connection: what serves at once
 * (the first non-empty key, the lowest or highest score), WRONGTYPE, the timeout's checks,
 * and a short timeout on empty keys answering a null array.
 */

import { seq, type Sequence } from "../support/differential.ts";

export const sequences: Sequence[] = [
  seq(
    "BZPOPMIN serves the lowest score at once",
    "ZADD z 1 a 2 b 3 c",
    "BZPOPMIN z 0",
    "ZRANGE z 0 -1",
  ),
  seq(
    "BZPOPMAX serves the highest score at once",
    "ZADD z 1 a 2 b 1.5 c",
    "BZPOPMAX z 0",
    "ZCARD z",
  ),
  seq("BZPOPMIN takes the first non-empty key", "ZADD z2 5 x", "BZPOPMIN z1 z2 z3 0", "EXISTS z2"),
  seq("BZPOPMIN of the last member deletes the key", "ZADD z 1 a", "BZPOPMIN z 1", "EXISTS z"),
  seq("BZPOPMIN on another type", "SET s x", "BZPOPMIN s 0", "BZPOPMIN nokey s 0"),
  seq("BZPOPMIN times out on empty keys", "BZPOPMIN nokey1 nokey2 0.01", "BZPOPMAX nokey 0.01"),
  seq(
    "BZPOPMIN timeout errors",
    "BZPOPMIN z -1",
    "BZPOPMIN z abc",
    "BZPOPMIN z 1e400",
    "BZPOPMIN z",
  ),
  seq(
    "BZPOPMAX with fractional and inf scores",
    "ZADD z -inf a 2.5 b +inf c",
    "BZPOPMAX z 0",
    "BZPOPMIN z 0",
    "BZPOPMIN z 0",
  ),
  seq("BZPOPMIN is refused inside a script", [
    "EVAL",
    "return redis.call('bzpopmin', 'z', 0)",
    "0",
  ]),
  seq(
    "BZPOPMIN inside MULTI does not wait",
    "MULTI",
    "BZPOPMIN nokey 0",
    "ZADD z 1 a",
    "BZPOPMIN z 0",
    "EXEC",
  ),
];

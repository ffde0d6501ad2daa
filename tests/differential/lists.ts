/**
 * Differential sequences for the basic list commands (LPUSH RPUSH LPOP RPOP LLEN LRANGE
 * LINDEX): order, counts, index ranges, and empty lists vanishing as in Redis.
 */

import { seq, type Sequence } from "../support/differential.ts";

const ranges: [string, string][] = [
  ["0", "-1"],
  ["0", "0"],
  ["1", "3"],
  ["-2", "-1"],
  ["-100", "100"],
  ["3", "1"],
  ["5", "10"],
  ["-1", "-5"],
  ["0", "9223372036854775807"],
  ["-9223372036854775808", "0"],
  ["x", "1"],
];
const indexes = ["0", "1", "-1", "-5", "4", "5", "-6", "x", "9223372036854775807"];

export const sequences: Sequence[] = [
  ...ranges.map(([a, b]) => seq(`LRANGE ${a} ${b}`, "RPUSH l a b c d e", `LRANGE l ${a} ${b}`)),
  ...indexes.map((i) => seq(`LINDEX ${i}`, "RPUSH l a b c d e", `LINDEX l ${i}`)),
  seq("LPUSH prepends in argument order", "LPUSH l a b c", "LRANGE l 0 -1", "LLEN l"),
  seq("RPUSH appends", "RPUSH l a b", "RPUSH l c", "LRANGE l 0 -1"),
  seq("LPOP and RPOP one", "RPUSH l a b c", "LPOP l", "RPOP l", "LRANGE l 0 -1"),
  seq("LPOP with a count", "RPUSH l a b c", "LPOP l 2", "LPOP l 5", "EXISTS l"),
  seq("RPOP with a count", "RPUSH l a b c", "RPOP l 2", "RPOP l 0", "LLEN l"),
  seq(
    "popping the last element deletes the list",
    "RPUSH l a",
    "LPOP l",
    "TYPE l",
    "LPOP l",
    "LPOP l 2",
  ),
  seq("RPOP of a missing key with a count", "RPOP nokey 3", "RPOP nokey"),
  seq("LPOP with count zero on an existing list", "RPUSH l a", "LPOP l 0"),
  seq("LLEN of missing key", "LLEN nokey"),
  seq("LRANGE of missing key", "LRANGE nokey 0 -1"),
  seq("LINDEX of missing key", "LINDEX nokey 0"),
  seq("LPUSH then RPOP is FIFO", "LPUSH q 1 2 3", "RPOP q", "RPOP q", "RPOP q", "RPOP q"),
  seq("lists with empty elements", ["RPUSH", "l", "", "x", ""], "LRANGE l 0 -1", "LLEN l"),
  seq(
    "a long list",
    ["RPUSH", "l", ...Array.from({ length: 300 }, (_, i) => String(i))],
    "LLEN l",
    "LRANGE l 100 105",
    "LINDEX l -1",
    "LPOP l 3",
  ),
  seq("LPOP with a huge count", "RPUSH l a b", "LPOP l 9223372036854775807"),
  seq("LPOP with a negative count", "RPUSH l a b", "LPOP l -5"),
];

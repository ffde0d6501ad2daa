/**
 * Differential sequences sent as pipelines (every command in one write, so one read batch
 * on the server): replies must come back complete and in order, with the same bytes as
 * Redis, including errors and QUIT in the middle of a batch. Reuses sequences of the other
 * families, plus batches of their own.
 */

import { canPipeline, pipelined, seq, type Sequence } from "../support/differential.ts";
import { sequences as strings } from "./strings.ts";
import { sequences as keyspace } from "./keyspace.ts";
import { sequences as expiry } from "./expiry.ts";
import { sequences as errors } from "./errors.ts";
import { sequences as lists } from "./lists.ts";

const every = (n: number, all: Sequence[]) => all.filter(canPipeline).filter((_, i) => i % n === 0);

export const sequences: Sequence[] = [
  ...[
    ...every(4, strings),
    ...every(4, keyspace),
    ...every(3, expiry),
    ...every(4, errors),
    ...every(3, lists),
  ]
    .map(pipelined),
  pipelined(seq("QUIT in the middle of a batch", "SET a 1", "QUIT", "GET a", "PING")),
  pipelined(
    seq("an error in the middle of a batch", "SET a 1", "INCR a", "NOPE", "INCR a", "GET a"),
  ),
  pipelined(
    seq(
      "SELECT inside a batch",
      "SET k 0",
      "SELECT 1",
      "SET k 1",
      "SELECT 0",
      "GET k",
      "SELECT 1",
      "GET k",
    ),
  ),
  pipelined(
    seq(
      "HELLO inside a batch switches later replies",
      "GET nokey",
      { cmd: "HELLO 3", ignore: true },
      "GET nokey",
      { cmd: "HELLO 2", ignore: true },
      "GET nokey",
    ),
  ),
  pipelined(
    seq(
      "a long batch of counters",
      ...Array.from({ length: 200 }, (_, i) => `INCRBY c${i % 7} ${i}`),
      "MGET c0 c1 c2 c3 c4 c5 c6",
    ),
  ),
  pipelined(
    seq(
      "a batch with a large value",
      ["SET", "big", "v".repeat(200_000)],
      "STRLEN big",
      "GETRANGE big 0 3",
      "DEL big",
    ),
  ),
];

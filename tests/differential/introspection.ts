/**
 * Differential sequences for SLOWLOG's replies and errors and the CONFIG parameters of the
 * slow log, latency tracking and the latency monitor. What the slow log and INFO record
 * (times, addresses) is compared in tests/introspection_test.ts.
 */

import type { Sequence } from "../support/differential.ts";

/** The slow log off while a sequence runs, so a stall on a loaded host logs nothing. */
const quiet = {
  before: ["CONFIG SET slowlog-log-slower-than -1"],
  after: ["CONFIG SET slowlog-log-slower-than 10000"],
};

export const sequences: Sequence[] = [
  {
    name: "LATENCY with no events: LATEST, HISTORY, RESET, DOCTOR, GRAPH, HELP and errors",
    steps: [
      "LATENCY RESET",
      "LATENCY LATEST",
      "LATENCY HISTORY command",
      "LATENCY RESET command fast-command",
      "LATENCY DOCTOR",
      "LATENCY GRAPH command",
      "LATENCY HISTORY",
      "LATENCY GRAPH",
      "LATENCY LATEST x",
      "LATENCY NOPE",
      "LATENCY HELP",
      "CONFIG SET latency-monitor-threshold 100000",
      "LATENCY DOCTOR",
      "CONFIG SET latency-monitor-threshold 0",
    ],
    ...quiet,
  },
  {
    name: "SLOWLOG errors, HELP, RESET and an empty log",
    steps: [
      "SLOWLOG RESET",
      "SLOWLOG LEN",
      "SLOWLOG GET",
      "SLOWLOG GET 0",
      "SLOWLOG GET -1",
      "SLOWLOG GET -2",
      "SLOWLOG GET x",
      "SLOWLOG GET 1 2",
      "SLOWLOG LEN x",
      "SLOWLOG RESET x",
      "SLOWLOG NOPE",
      "SLOWLOG",
      "SLOWLOG HELP",
    ],
    ...quiet,
  },
  {
    name: "slow log and latency parameters: CONFIG GET and SET",
    steps: [
      "CONFIG GET slowlog-log-slower-than",
      "CONFIG GET slowlog-max-len",
      "CONFIG GET latency-tracking",
      "CONFIG GET latency-tracking-info-percentiles",
      "CONFIG GET latency-monitor-threshold",
      "CONFIG SET slowlog-log-slower-than -2",
      "CONFIG SET slowlog-log-slower-than x",
      "CONFIG SET slowlog-max-len -1",
      "CONFIG SET latency-monitor-threshold -1",
      "CONFIG SET latency-tracking maybe",
      ["CONFIG", "SET", "latency-tracking-info-percentiles", "50 x"],
      ["CONFIG", "SET", "latency-tracking-info-percentiles", "50 101"],
      ["CONFIG", "SET", "latency-tracking-info-percentiles", "99.99 50.0 0"],
      "CONFIG GET latency-tracking-info-percentiles",
      "CONFIG SET slowlog-max-len 5 latency-monitor-threshold 100",
      "CONFIG GET slowlog-max-len",
      "CONFIG GET latency-monitor-threshold",
    ],
    before: quiet.before,
    after: [
      ...quiet.after,
      "CONFIG SET slowlog-max-len 128 latency-monitor-threshold 0",
      ["CONFIG", "SET", "latency-tracking-info-percentiles", "50 99 99.9"],
    ],
  },
];

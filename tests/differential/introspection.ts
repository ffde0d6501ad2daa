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

/** Command lines whose keys COMMAND GETKEYS and GETKEYSANDFLAGS must find as Redis does. */
const KEY_LINES = [
  "get k",
  "set k v",
  "set k v get",
  "set k v nx get",
  "bitfield k get u8 0 overflow sat",
  "bitfield k set u8 0 1",
  "bitfield_ro k get u8 0",
  "mset a 1 b 2",
  "mget a b c",
  "lmove a b left right",
  "del a b",
  "zunionstore d 2 a b",
  "zunionstore d 3 a b",
  "zinter 2 a b",
  "eval x 2 a b c",
  "eval x 0",
  "eval x -1",
  "evalsha x 1 a",
  "fcall f 1 a",
  "sort k store d",
  "sort k get x by y limit 0 1 store d",
  "sort_ro k",
  "xread streams s1 s2 0 0",
  "xread count 2 streams s 0",
  "xreadgroup group g c streams s >",
  "incr k",
  "append k v",
  "rename a b",
  "getdel k",
  "exists a",
  "expire k 1",
  "lpush k v",
  "sinterstore d a b",
  "blmpop 0 2 a b left",
  "lmpop 2 a b left",
  "bzmpop 0 1 z min",
  "copy a b",
  "smove a b m",
  "setnx k v",
  "getex k",
  "hset h f v",
  "bitop and d a b",
  "object encoding k",
  "memory usage k",
  "type k",
  "touch k",
  "unlink k",
  "xinfo stream s",
  "xadd s * f v",
  "bitfield k get u8 0",
  "lcs a b",
  "blpop a b 0",
  "ping x",
  "nosuch x",
  "get a b",
  "client list",
  "config get x",
  "zunionstore d 0",
];

/** Commands whose COMMAND DOCS must be Redis's, byte for byte. */
const DOCUMENTED = [
  "get",
  "set",
  "zadd",
  "xadd",
  "eval",
  "sort",
  "bitfield",
  "lmpop",
  "expire",
  "monitor",
  "object|encoding",
  "config|rewrite",
];

/** Containers: Redis lists their subcommands in its hash table's order, which varies. */
const DOCUMENTED_CONTAINERS = ["slowlog", "latency", "config", "object"];

export const sequences: Sequence[] = [
  {
    name: "COMMAND DOCS is Redis's own documentation",
    steps: [
      ...DOCUMENTED.map((c) => `COMMAND DOCS ${c}`),
      ...DOCUMENTED_CONTAINERS.map((c) => ({ cmd: `COMMAND DOCS ${c}`, unordered: true })),
    ],
  },
  {
    name: "COMMAND GETKEYS and GETKEYSANDFLAGS find keys as Redis does",
    steps: [
      "COMMAND GETKEYS get",
      "COMMAND GETKEYSANDFLAGS",
      ...KEY_LINES.map((l) => `COMMAND GETKEYS ${l}`),
      ...KEY_LINES.map((l) => `COMMAND GETKEYSANDFLAGS ${l}`),
    ],
  },
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

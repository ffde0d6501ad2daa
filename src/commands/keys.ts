/** Keyspace commands: DEL EXISTS ... */

import { command } from "./command.ts";

/** DEL key [key ...] */
const del = command({
  name: "del",
  arity: -2,
  flags: ["write"],
  categories: ["keyspace", "write", "slow"],
  keys: [1, -1, 1],
  parse: (a) => a.rest(),
  execute(keys, s) {
    let n = 0;
    for (const key of keys) if (s.db.delete(key)) n++;
    s.reply.integer(n);
  },
});

/** EXISTS key [key ...] */
const exists = command({
  name: "exists",
  arity: -2,
  flags: ["readonly", "fast"],
  categories: ["keyspace", "read", "fast"],
  keys: [1, -1, 1],
  parse: (a) => a.rest(),
  execute(keys, s) {
    let n = 0;
    for (const key of keys) if (s.db.has(key)) n++;
    s.reply.integer(n);
  },
});

export const keyCommands = [del, exists];

/** Server commands: DBSIZE FLUSHDB FLUSHALL ... */

import { command, noArgs } from "./command.ts";

/** DBSIZE */
const dbsize = command({
  name: "dbsize",
  arity: 1,
  flags: ["readonly", "fast"],
  categories: ["keyspace", "read", "fast"],
  parse: noArgs,
  execute: (_, s) => s.reply.integer(s.db.size),
});

export const serverCommands = [dbsize];

/**
 * The command table: name → spec, with upper- and lower-case names both present so the
 * common spellings skip `toLowerCase()`. Each command family file exports its specs; this
 * is the one place they are listed.
 */

import type { CommandSpec } from "./command.ts";
import { connectionCommands } from "./connection.ts";
import { stringCommands } from "./strings.ts";
import { keyCommands } from "./keys.ts";
import { expireCommands } from "./expire.ts";
import { databaseCommands } from "./databases.ts";
import { serverCommands } from "./server_info.ts";
import { clientCommands } from "./client.ts";
import { commandCommands } from "./command_info.ts";
import { listCommands } from "./lists.ts";
import { listEditCommands } from "./list_edits.ts";
import { listPosCommands } from "./list_pos.ts";
import { listMoveCommands } from "./list_moves.ts";
import { bitCommands } from "./bits.ts";
import { bitfieldCommands } from "./bitfield.ts";
import { lcsCommands } from "./lcs.ts";
import { objectCommands } from "./object.ts";
import { hashCommands } from "./hashes.ts";
import { setCommands } from "./sets.ts";
import { zsetCommands } from "./zsets.ts";
import { zsetAlgebraCommands } from "./zset_algebra.ts";
import { sortCommands } from "./sort.ts";
import { pubsubCommands } from "./pubsub.ts";
import { authCommands } from "./auth.ts";
import { transactionCommands } from "./transactions.ts";
import { scriptingCommands } from "./scripting.ts";
import { zsetBlockingCommands } from "./zset_blocking.ts";
import { streamCommands } from "./streams.ts";
import { streamReadCommands } from "./stream_read.ts";
import { streamGroupCommands } from "./stream_groups.ts";
import { streamInfoCommands } from "./stream_info.ts";
import { dumpRestoreCommands } from "./dump_restore.ts";
import { persistenceCommands } from "./persistence.ts";

const table = new Map<string, CommandSpec>();

/** Every command respd knows, each once. */
export const allCommands: readonly CommandSpec[] = [
  ...connectionCommands,
  ...authCommands,
  ...stringCommands,
  ...keyCommands,
  ...expireCommands,
  ...databaseCommands,
  ...listCommands,
  ...listEditCommands,
  ...listPosCommands,
  ...listMoveCommands,
  ...bitCommands,
  ...bitfieldCommands,
  ...lcsCommands,
  ...objectCommands,
  ...hashCommands,
  ...setCommands,
  ...zsetCommands,
  ...zsetAlgebraCommands,
  ...sortCommands,
  ...streamCommands,
  ...dumpRestoreCommands,
  ...persistenceCommands,
  ...streamReadCommands,
  ...streamGroupCommands,
  ...streamInfoCommands,
  ...pubsubCommands,
  ...serverCommands,
  ...clientCommands,
  ...commandCommands,
  ...transactionCommands,
  ...scriptingCommands,
  ...zsetBlockingCommands,
] as CommandSpec[];

for (const spec of allCommands) {
  table.set(spec.name, spec);
  table.set(spec.name.toUpperCase(), spec);
}

/**
 * The last name looked up and its spec: a pipeline mostly repeats one command, and comparing
 * a short string costs less than hashing it for the table (~8% of an INCR's own cost).
 */
let lastName = "";
let lastSpec: CommandSpec | undefined;

/** The spec for a command name in any case, or undefined. */
export function lookupCommand(name: string): CommandSpec | undefined {
  if (name === lastName) return lastSpec;
  const spec = table.get(name) ?? table.get(name.toLowerCase());
  if (spec !== undefined) {
    lastName = name;
    lastSpec = spec;
  }
  return spec;
}

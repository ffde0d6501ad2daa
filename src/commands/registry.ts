/**
 * Every command family, listed once: each family file exports its specs, and this fills
 * the command table (command_table.ts) with them when it loads. Import `lookupCommand`
 * from here (it guarantees the table is filled).
 */

import type { CommandSpec } from "./command.ts";
import { allCommands as registered, registerCommands } from "./command_table.ts";
import { connectionCommands } from "./connection.ts";
import { stringCommands } from "./strings.ts";
import { keyCommands } from "./keys.ts";
import { expireCommands } from "./expire.ts";
import { databaseCommands } from "./databases.ts";
import { infoCommands } from "./info.ts";
import { configCommands } from "./config.ts";
import { timeCommands } from "./time.ts";
import { memoryCommands } from "./memory.ts";
import { clientCommands } from "./client.ts";
import { commandCommands } from "./command_info.ts";
import { listCommands } from "./lists.ts";
import { listEditCommands } from "./list_edits.ts";
import { listPosCommands } from "./list_pos.ts";
import { listMoveCommands } from "./list_moves.ts";
import { listBlockingMoveCommands } from "./list_blocking_moves.ts";
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
import { aclCommands } from "./acl.ts";
import { transactionCommands } from "./transactions.ts";
import { scriptingCommands } from "./scripting.ts";
import { zsetBlockingCommands } from "./zset_blocking.ts";
import { streamCommands } from "./streams.ts";
import { streamReadCommands } from "./stream_read.ts";
import { streamGroupCommands } from "./stream_groups.ts";
import { streamInfoCommands } from "./stream_info.ts";
import { dumpRestoreCommands } from "./dump_restore.ts";
import { persistenceCommands } from "./persistence.ts";

registerCommands([
  ...connectionCommands,
  ...authCommands,
  ...aclCommands,
  ...stringCommands,
  ...keyCommands,
  ...expireCommands,
  ...databaseCommands,
  ...listCommands,
  ...listEditCommands,
  ...listPosCommands,
  ...listMoveCommands,
  ...listBlockingMoveCommands,
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
  ...infoCommands,
  ...configCommands,
  ...timeCommands,
  ...memoryCommands,
  ...clientCommands,
  ...commandCommands,
  ...transactionCommands,
  ...scriptingCommands,
  ...zsetBlockingCommands,
] as CommandSpec[]);

export { lookupCommand } from "./command_table.ts";
/** Every command respd knows, each once. */
export const allCommands: readonly CommandSpec[] = registered;

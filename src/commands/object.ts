/**
 * OBJECT ENCODING | REFCOUNT | IDLETIME | FREQ | HELP: what Redis reports about a key's
 * value. The encoding comes from the value model (store/values.ts), which names each value
 * as Redis 7.0 would store it; idle time and access frequency from the key's `lru` field
 * (store/key_access.ts). OBJECT looks keys up without counting an access, as Redis does.
 */

import { command, commandGroup } from "./command.ts";
import type { CommandContext } from "./context.ts";
import { CommandError } from "./errors.ts";
import { helpCommand } from "./help.ts";
import { encodingOf, type Value } from "../store/values.ts";
import { isLfuPolicy } from "../store/key_access.ts";

/** Redis shares the integer objects 0..9999 unless an LRU/LFU policy needs their own clocks. */
const SHARED_INTEGERS = 10000;
const SHARED_REFCOUNT = 2147483647;

const subcommand = (
  name: string,
  answer: (v: Value, ctx: CommandContext, key: string) => void,
) =>
  command({
    name: `object|${name}`,
    arity: 3,
    flags: ["readonly"],
    categories: ["keyspace", "read", "slow"],
    keys: [2, 2, 1],
    keySpecFlags: ["RO"],
    tips: ["nondeterministic_output"],
    parse: (a) => a.next(),
    execute(key, ctx) {
      const v = ctx.db.peek(key);
      if (v === undefined) return ctx.reply.null();
      answer(v, ctx, key);
    },
  });

/** OBJECT ENCODING key */
const encoding = subcommand("encoding", (v, ctx) => ctx.reply.bulk(encodingOf(v)));

/** OBJECT REFCOUNT key: 1, or Redis's shared-object count for a small integer string. */
const refcount = subcommand("refcount", (v, ctx) => {
  const config = ctx.server.config;
  const shared = typeof v === "string" && encodingOf(v) === "int" && Number(v) >= 0 &&
    Number(v) < SHARED_INTEGERS &&
    (config.maxmemory === 0 || !/-l[rf]u$/.test(config.maxmemoryPolicy));
  ctx.reply.integer(shared ? SHARED_REFCOUNT : 1);
});

/** OBJECT IDLETIME key: seconds since the key's last access, unless an LFU policy is set. */
const idletime = subcommand("idletime", (_, ctx, key) => {
  if (isLfuPolicy(ctx.server.config.maxmemoryPolicy)) {
    throw new CommandError(
      "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that " +
        "when switching between policies at runtime LRU and LFU data will take some time " +
        "to adjust.",
    );
  }
  const access = ctx.db.access;
  ctx.reply.integer(Math.floor(access.idleMs(ctx.db.accessField(key) ?? 0) / 1000));
});

/** OBJECT FREQ key: the key's LFU counter (decayed), under an LFU policy only. */
const freq = subcommand("freq", (_, ctx, key) => {
  if (!isLfuPolicy(ctx.server.config.maxmemoryPolicy)) {
    throw new CommandError(
      "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please " +
        "note that when switching between policies at runtime LRU and LFU data will take " +
        "some time to adjust.",
    );
  }
  ctx.reply.integer(ctx.db.access.frequency(ctx.db.accessField(key) ?? 0));
});

const help = helpCommand("object", [
  "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
  "ENCODING <key>",
  "    Return the kind of internal representation used in order to store the value",
  "    associated with a <key>.",
  "FREQ <key>",
  "    Return the access frequency index of the <key>. The returned integer is",
  "    proportional to the logarithm of the recent access frequency of the key.",
  "IDLETIME <key>",
  "    Return the idle time of the <key>, that is the approximated number of",
  "    seconds elapsed since the last access to the key.",
  "REFCOUNT <key>",
  "    Return the number of references of the value associated with the specified",
  "    <key>.",
  "HELP",
  "    Prints this help.",
], ["keyspace", "slow"]);

export const objectCommands = [commandGroup("object", [encoding, refcount, idletime, freq, help])];

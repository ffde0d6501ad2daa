/**
 * OBJECT ENCODING | REFCOUNT | FREQ | HELP: what Redis reports about a key's value. The
 * encoding comes from the value model (store/values.ts), which names each value as Redis
 * 7.0 would store it. IDLETIME is not offered: respd tracks access times only under
 * allkeys-lru, so it could not answer for every key.
 */

import { command, commandGroup } from "./command.ts";
import type { CommandContext } from "./context.ts";
import { CommandError } from "./errors.ts";
import { helpCommand } from "./help.ts";
import { encodingOf, type Value } from "../store/values.ts";

/** Redis shares the integer objects 0..9999 unless an LRU/LFU policy needs their own clocks. */
const SHARED_INTEGERS = 10000;
const SHARED_REFCOUNT = 2147483647;

const subcommand = (
  name: string,
  answer: (v: Value, ctx: CommandContext) => void,
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
      const v = ctx.db.get(key);
      if (v === undefined) return ctx.reply.null();
      answer(v, ctx);
    },
  });

/** OBJECT ENCODING key */
const encoding = subcommand("encoding", (v, ctx) => ctx.reply.bulk(encodingOf(v)));

/** OBJECT REFCOUNT key: 1, or Redis's shared-object count for a small integer string. */
const refcount = subcommand("refcount", (v, ctx) => {
  const config = ctx.server.config;
  const shared = typeof v === "string" && encodingOf(v) === "int" && Number(v) >= 0 &&
    Number(v) < SHARED_INTEGERS &&
    (config.maxmemory === 0 || config.maxmemoryPolicy !== "allkeys-lru");
  ctx.reply.integer(shared ? SHARED_REFCOUNT : 1);
});

/** OBJECT FREQ key: respd has no LFU policy, so Redis's error for that case. */
const freq = subcommand("freq", () => {
  throw new CommandError(
    "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please " +
      "note that when switching between policies at runtime LRU and LFU data will take " +
      "some time to adjust.",
  );
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

export const objectCommands = [commandGroup("object", [encoding, refcount, freq, help])];

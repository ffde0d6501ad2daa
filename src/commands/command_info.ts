/**
 * COMMAND and its subcommands (COUNT, INFO, LIST, DOCS, HELP): the command table described
 * from the registry's specs (name, arity, flags, key positions, ACL categories), in Redis
 * 7.0's reply shapes, so that clients and redis-cli can introspect respd.
 *
 * What the specs do not record is left out rather than invented: tips are those a spec
 * lists (none for most), key-spec flags are a spec's own or derived from its read/write
 * flag (RO access / RW update), and COMMAND DOCS gives each command's group (from its
 * categories) but no summary.
 *
 * It reads the command table (command_table.ts) at run time, which registry.ts fills with
 * every family, this one included.
 */

import type { Args } from "./args.ts";
import {
  command,
  type CommandFlag,
  type CommandSpec,
  subcommandMap,
  wrongArgCount,
} from "./command.ts";
import { helpCommand } from "./help.ts";
import { CommandError, SYNTAX_ERROR } from "./errors.ts";
import { allCommands, lookupCommand } from "./command_table.ts";
import { globMatch } from "../store/glob.ts";
import type { ReplyWriter } from "../protocol/reply_writer.ts";
import { type FoundKey, keysBySpecs, ownRuleKeys } from "./key_specs.ts";
import { KEY_SPECS } from "./key_specs_data.ts";
import { type DocNode, mapEntries, writeDocNode } from "./command_docs.ts";
import { COMMAND_DOCS } from "./command_docs_data.ts";

/** The order Redis lists command flags in (server.c, addReplyCommandFlags). */
const FLAG_ORDER: readonly CommandFlag[] = [
  "write",
  "readonly",
  "denyoom",
  "admin",
  "pubsub",
  "noscript",
  "blocking",
  "loading",
  "stale",
  "skip_monitor",
  "fast",
  "no_auth",
  "no_mandatory_keys",
  "movablekeys",
  "allow_busy",
];

/** Writes one command's COMMAND INFO entry (10 fields, as Redis 7.0). */
function writeInfo(r: ReplyWriter, spec: CommandSpec): void {
  r.array(10);
  r.bulk(spec.name);
  r.integer(spec.arity);
  const flags = [...spec.flags].sort((a, b) => FLAG_ORDER.indexOf(a) - FLAG_ORDER.indexOf(b));
  r.set(flags.length);
  for (const f of flags) r.simple(f);
  const [first, last, step] = spec.keys ?? [0, 0, 0];
  r.integer(first);
  r.integer(last);
  r.integer(step);
  r.set(spec.categories.length);
  for (const c of spec.categories) r.simple(`@${c}`);
  const tips = spec.tips ?? [];
  r.set(tips.length);
  for (const t of tips) r.bulk(t);
  writeKeySpecs(r, spec);
  if (spec.subcommands === undefined) {
    r.set(0);
  } else {
    r.array(spec.subcommands.size);
    for (const sub of spec.subcommands.values()) writeInfo(r, sub);
  }
}

/** The key spec Redis 7 derives from (first, last, step): an index, then a key range. */
function writeKeySpecs(r: ReplyWriter, spec: CommandSpec): void {
  if (spec.keys === undefined) return r.set(0);
  const [first, last, step] = spec.keys;
  const flags = spec.keySpecFlags ??
    (spec.flags.includes("write") ? ["RW", "update"] : ["RO", "access"]);
  r.set(1);
  r.map(3);
  r.bulk("flags");
  r.set(flags.length);
  for (const f of flags) r.simple(f);
  r.bulk("begin_search");
  r.map(2);
  r.bulk("type");
  r.bulk("index");
  r.bulk("spec");
  r.map(1);
  r.bulk("index");
  r.integer(first);
  r.bulk("find_keys");
  r.map(2);
  r.bulk("type");
  r.bulk("range");
  r.bulk("spec");
  r.map(3);
  r.bulk("lastkey");
  r.integer(last < 0 ? last : last - first);
  r.bulk("keystep");
  r.integer(step);
  r.bulk("limit");
  r.integer(0);
}

/** Redis's documentation group for a command, from its ACL categories. */
function groupOf(spec: CommandSpec): string {
  const groups: Record<string, string> = {
    keyspace: "generic",
    string: "string",
    list: "list",
    hash: "hash",
    set: "set",
    sortedset: "sorted_set",
    pubsub: "pubsub",
    connection: "connection",
    transaction: "transactions",
    admin: "server",
  };
  for (const c of spec.categories) if (groups[c] !== undefined) return groups[c];
  return "server";
}

/**
 * COMMAND DOCS for `spec`: Redis's own documentation (command_docs_data.ts), a container's
 * subcommands limited to those respd has; a command Redis 7.0 lacks gets its group only.
 */
function writeDocs(r: ReplyWriter, spec: CommandSpec): void {
  const fields = mapEntries(docOf(spec))?.filter(([k]) => k !== "subcommands") ??
    [["group", groupOf(spec)] as [string, DocNode]];
  const subs = spec.subcommands;
  r.map(fields.length + (subs === undefined ? 0 : 1));
  for (const [k, v] of fields) {
    r.bulk(k);
    writeDocNode(r, v);
  }
  if (subs === undefined) return;
  // Redis's order (its hash table's) for the subcommands it documents, then respd's own
  const redisOrder = mapEntries(
    mapEntries(COMMAND_DOCS[spec.name])?.find(([k]) => k === "subcommands")?.[1],
  )?.map(([k]) => k) ?? [];
  const ordered = [...subs.values()].sort((a, b) => {
    const i = redisOrder.indexOf(a.name);
    const j = redisOrder.indexOf(b.name);
    return (i < 0 ? Infinity : i) - (j < 0 ? Infinity : j);
  });
  r.bulk("subcommands");
  r.map(ordered.length);
  for (const sub of ordered) {
    r.bulk(sub.name);
    writeDocs(r, sub);
  }
}

/** Redis's documentation of a command or subcommand, when Redis 7.0 has it. */
function docOf(spec: CommandSpec): DocNode | undefined {
  const bar = spec.name.indexOf("|");
  if (bar < 0) return COMMAND_DOCS[spec.name];
  const parent = mapEntries(COMMAND_DOCS[spec.name.slice(0, bar)]);
  const subs = mapEntries(parent?.find(([k]) => k === "subcommands")?.[1]);
  return subs?.find(([k]) => k === spec.name)?.[1];
}

/** The spec for "name" or "parent|sub", or undefined. */
function findSpec(name: string): CommandSpec | undefined {
  const bar = name.indexOf("|");
  if (bar < 0) return lookupCommand(name);
  return lookupCommand(name.slice(0, bar))?.subcommands?.get(name.slice(bar + 1).toLowerCase());
}

/** COMMAND and every subcommand: allowed while loading or stale, in @slow @connection. */
const FLAGS = ["loading", "stale"] as const;
const CATEGORIES = ["slow", "connection"];

/** COMMAND COUNT */
const count = command({
  name: "command|count",
  arity: 2,
  flags: FLAGS,
  categories: CATEGORIES,
  parse: () => undefined,
  execute: (_, ctx) => ctx.reply.integer(allCommands.length),
});

/** What INFO and DOCS share: any number of command names, the order unspecified. */
const byNames = {
  arity: -2,
  flags: FLAGS,
  categories: CATEGORIES,
  tips: ["nondeterministic_output_order"],
  parse: (a: Args) => a.rest(),
} as const;

/** COMMAND INFO [command-name ...] (null for names respd does not know) */
const infoCmd = command({
  name: "command|info",
  ...byNames,
  execute(names, ctx) {
    const specs = names.length === 0 ? allCommands : names.map(findSpec);
    ctx.reply.array(specs.length);
    for (const spec of specs) {
      if (spec === undefined) ctx.reply.null();
      else writeInfo(ctx.reply, spec);
    }
  },
});

/** COMMAND DOCS [command-name ...] (unknown names are left out) */
const docs = command({
  name: "command|docs",
  ...byNames,
  execute(names, ctx) {
    const specs = names.length === 0
      ? allCommands
      : names.map(findSpec).filter((x): x is CommandSpec => x !== undefined);
    ctx.reply.map(specs.length);
    for (const spec of specs) {
      ctx.reply.bulk(spec.name);
      writeDocs(ctx.reply, spec);
    }
  },
});

type ListFilter = ((spec: CommandSpec) => boolean) | null;

/** COMMAND LIST [FILTERBY MODULE module-name | ACLCAT category | PATTERN pattern] */
const list = command<ListFilter>({
  name: "command|list",
  arity: -2,
  flags: FLAGS,
  categories: CATEGORIES,
  tips: ["nondeterministic_output_order"],
  parse(a) {
    if (!a.hasMore()) return null;
    if (a.remaining !== 3 || a.nextOption() !== "FILTERBY") {
      throw new CommandError(SYNTAX_ERROR);
    }
    const by = a.nextOption();
    const value = a.next();
    if (by === "MODULE") return () => false; // respd loads no modules
    if (by === "ACLCAT") {
      const cat = value.toLowerCase();
      return (spec) => spec.categories.includes(cat);
    }
    if (by === "PATTERN") return (spec) => globMatch(value.toLowerCase(), spec.name);
    throw new CommandError(SYNTAX_ERROR);
  },
  execute(filter, ctx) {
    const names: string[] = [];
    const visit = (spec: CommandSpec) => {
      if (filter === null || filter(spec)) names.push(spec.name);
      for (const sub of spec.subcommands?.values() ?? []) visit(sub);
    };
    // Without a filter Redis lists top-level names only.
    if (filter === null) { for (const spec of allCommands) names.push(spec.name); }
    else for (const spec of allCommands) visit(spec);
    ctx.reply.bulkArray(names);
  },
});

/** The keys of the command line `argv` (COMMAND GETKEYS's arguments), as Redis finds them. */
function commandKeys(argv: readonly string[]): FoundKey[] {
  const base = lookupCommand(argv[0]);
  const spec = base?.subcommands !== undefined && argv.length >= 2
    ? base.subcommands.get(argv[1].toLowerCase())
    : base;
  if (spec === undefined) throw new CommandError("ERR Invalid command specified");
  const specs = KEY_SPECS[spec.name];
  if (specs === undefined) throw new CommandError("ERR The command has no key arguments");
  if (wrongArgCount(spec.arity, argv.length)) {
    throw new CommandError("ERR Invalid number of arguments specified for command");
  }
  const keys = ownRuleKeys(spec.name, argv) ?? keysBySpecs(specs, argv);
  if (keys !== null) return keys;
  if (spec.flags.includes("no_mandatory_keys")) return [];
  throw new CommandError("ERR Invalid arguments specified for command");
}

/** COMMAND GETKEYS command [arg ...] */
const getkeys = command({
  name: "command|getkeys",
  arity: -4,
  flags: FLAGS,
  categories: CATEGORIES,
  parse: (a) => a.rest(),
  execute(argv, ctx) {
    ctx.reply.bulkArray(commandKeys(argv).map((k) => k.key));
  },
});

/** COMMAND GETKEYSANDFLAGS command [arg ...]: each key with its spec's flags. */
const getkeysandflags = command({
  name: "command|getkeysandflags",
  arity: -4,
  flags: FLAGS,
  categories: CATEGORIES,
  parse: (a) => a.rest(),
  execute(argv, ctx) {
    const keys = commandKeys(argv);
    ctx.reply.array(keys.length);
    for (const { key, flags } of keys) {
      ctx.reply.array(2);
      ctx.reply.bulk(key);
      ctx.reply.set(flags.length);
      for (const f of flags) ctx.reply.simple(f);
    }
  },
});

/** COMMAND HELP */
const help = helpCommand("command", [
  "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
  "(no subcommand)",
  "    Return details about all Redis commands.",
  "COUNT",
  "    Return the total number of commands in this Redis server.",
  "LIST",
  "    Return a list of all commands in this Redis server.",
  "INFO [<command-name> ...]",
  "    Return details about multiple Redis commands.",
  "    If no command names are given, documentation details for all",
  "    commands are returned.",
  "DOCS [<command-name> ...]",
  "    Return documentation details about multiple Redis commands.",
  "    If no command names are given, documentation details for all",
  "    commands are returned.",
  "GETKEYS <full-command>",
  "    Return the keys from a full Redis command.",
  "GETKEYSANDFLAGS <full-command>",
  "    Return the keys and the access flags from a full Redis command.",
  "HELP",
  "    Prints this help.",
], CATEGORIES);

/** COMMAND [subcommand ...]: alone, every command's info; otherwise a subcommand. */
const commandSpec = command({
  name: "command",
  arity: -1,
  flags: FLAGS,
  categories: CATEGORIES,
  tips: ["nondeterministic_output_order"],
  subcommands: subcommandMap([count, infoCmd, docs, list, getkeys, getkeysandflags, help]),
  parse: () => undefined,
  execute(_, ctx) {
    ctx.reply.array(allCommands.length);
    for (const spec of allCommands) writeInfo(ctx.reply, spec);
  },
});

export const commandCommands = [commandSpec];

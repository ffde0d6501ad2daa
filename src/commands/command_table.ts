/**
 * The command table itself: name → spec, with upper- and lower-case names both present so
 * the common spellings skip `toLowerCase()`. registry.ts fills it once with every command
 * family's specs; COMMAND (command_info.ts) reads it at run time. A module of its own, with
 * no imports, so COMMAND can read the table without importing the registry that lists
 * COMMAND itself (no import cycle).
 */

import type { CommandSpec } from "./command.ts";

const table = new Map<string, CommandSpec>();
const all: CommandSpec[] = [];

/** Adds `specs` to the table (registry.ts, once at load). */
export function registerCommands(specs: readonly CommandSpec[]): void {
  for (const spec of specs) {
    all.push(spec);
    table.set(spec.name, spec);
    table.set(spec.name.toUpperCase(), spec);
  }
}

/** Every command registered, each once, in registration order. */
export const allCommands: readonly CommandSpec[] = all;

/**
 * Recent names looked up and their specs, in 8 slots picked by the name's length and first
 * letter: a pipeline mostly repeats one command and a script's calls a few (INCR, GET, SET
 * each get their slot), and comparing a short string costs less than hashing it for the
 * table (~8% of an INCR's own cost; ~40 ns a lookup when a script alternates commands).
 */
const RECENT_SLOTS = 8;
const recentNames: string[] = new Array(RECENT_SLOTS).fill("");
const recentSpecs: (CommandSpec | undefined)[] = new Array(RECENT_SLOTS).fill(undefined);

/** The spec for a command name in any case, or undefined. */
export function lookupCommand(name: string): CommandSpec | undefined {
  const slot = (name.length + name.charCodeAt(0)) & (RECENT_SLOTS - 1);
  if (name === recentNames[slot]) return recentSpecs[slot];
  const spec = table.get(name) ?? table.get(name.toLowerCase());
  if (spec !== undefined) {
    recentNames[slot] = name;
    recentSpecs[slot] = spec;
  }
  return spec;
}

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

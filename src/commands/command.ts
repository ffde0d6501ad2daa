/**
 * What a command is: a small typed unit that parses its arguments (through `Args`) into a
 * plain object and then executes it against a `CommandContext` (context.ts), writing its
 * reply. The registry (registry.ts) maps names to these; the pipeline (pipeline.ts) finds
 * them, checks arity and runs them.
 */

import type { Args } from "./args.ts";
import type { CommandContext } from "./context.ts";

/** Redis command flags that respd uses (COMMAND output, policies, subscribed mode). */
export type CommandFlag =
  | "write"
  | "readonly"
  | "denyoom"
  | "admin"
  | "pubsub"
  | "noscript"
  | "blocking"
  | "loading"
  | "stale"
  | "fast"
  | "no_auth"
  | "allow_busy"
  | "skip_slowlog"
  | "no_multi"
  | "skip_monitor"
  | "no_mandatory_keys"
  | "movablekeys";

export interface CommandSpec<T = unknown> {
  /** Lower-case name; "parent|sub" for a subcommand. */
  name: string;
  /** Redis arity: N means exactly N words (name included), -N means at least N. */
  arity: number;
  flags: readonly CommandFlag[];
  /** ACL categories without '@', e.g. ["read", "string", "fast"]. */
  categories: readonly string[];
  /** Key positions for COMMAND: first, last (-1 = last argument), step. */
  keys?: readonly [number, number, number];
  /** Key-spec flags for COMMAND INFO when not the default (RO access / RW update). */
  keySpecFlags?: readonly string[];
  /** Redis's command tips for COMMAND INFO, e.g. ["nondeterministic_output"]. */
  tips?: readonly string[];
  /** Subcommands, by lower-case name (CLIENT, CONFIG, ...). */
  subcommands?: ReadonlyMap<string, CommandSpec>;
  /** Turns the arguments into a typed command; throws `CommandError`. */
  parse(args: Args): T;
  /** Applies the command and writes its reply to `ctx.reply`. */
  execute(cmd: T, ctx: CommandContext): void;
}

/** Declares a command, keeping `parse` and `execute` in agreement on the command's type. */
export function command<T>(spec: CommandSpec<T>): CommandSpec<T> {
  return spec;
}

/** A command whose only argument processing is none: `parse` returns nothing. */
export function noArgs(_args: Args): void {
  _args.finish();
}

/** Builds a subcommand map from specs named "parent|sub". */
export function subcommandMap(specs: readonly CommandSpec[]): ReadonlyMap<string, CommandSpec> {
  return new Map(specs.map((s) => [s.name.slice(s.name.indexOf("|") + 1), s]));
}

/**
 * A container command (CLIENT, CONFIG, COMMAND ...): dispatch always routes to one of its
 * subcommands, so the container itself never parses or runs; Redis lists it with arity -2.
 */
export function commandGroup(
  name: string,
  subcommands: readonly CommandSpec[],
  categories: readonly string[] = ["slow"],
): CommandSpec<never> {
  return {
    name,
    arity: -2,
    flags: [],
    categories,
    subcommands: subcommandMap(subcommands),
    parse(): never {
      throw new Error(`${name} is routed to its subcommands`);
    },
    execute(): void {},
  };
}

/** Whether `n` arguments (the name included) break `arity` (Redis's: -N means at least N). */
export function wrongArgCount(arity: number, n: number): boolean {
  return arity > 0 ? n !== arity : n < -arity;
}

/**
 * The per-transport command policy: `--ws-commands` is an allow-list of command names and
 * `@categories` (e.g. `@read,@pubsub,@connection,ping`) that WebSocket sessions may run, so
 * an operator can expose pub/sub to a page without exposing FLUSHALL. TCP clients are not
 * restricted (they are reached only from hosts that can connect to --bind).
 *
 * Matching follows Redis ACL rules for `+name` and `+@category`: a subcommand is allowed
 * when its full name (`config|get`), its parent (`config`) or one of its own categories is
 * listed; `@all` allows everything. Commands flagged `no_auth` (AUTH, HELLO, QUIT, RESET)
 * are always allowed, as Redis allows them to every ACL user. A denied command gets Redis
 * 7.0's ACL error, `NOPERM this user has no permissions to run the '<name>' command`.
 */

import type { CommandSpec } from "../commands/command.ts";
import { lookupCommand } from "../commands/registry.ts";
import { ACL_CATEGORIES } from "../acl/user.ts";

/** An invalid `--ws-commands` entry. */
export class PolicyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PolicyError";
  }
}

/** A compiled allow-list. */
export class CommandPolicy {
  readonly #names = new Set<string>();
  readonly #categories = new Set<string>();
  #all = false;
  /** Decisions per spec: the allow-list is fixed, so each spec is judged once. */
  readonly #cache = new Map<CommandSpec, boolean>();

  /** Compiles `entries`; throws `PolicyError` for unknown commands or categories. */
  constructor(entries: readonly string[]) {
    for (const raw of entries) {
      const entry = raw.trim().toLowerCase();
      if (entry.startsWith("@")) {
        const cat = entry.slice(1);
        if (cat === "all") this.#all = true;
        else if (ACL_CATEGORIES.includes(cat)) this.#categories.add(cat);
        else throw new PolicyError(`unknown command category '${raw}' in --ws-commands`);
        continue;
      }
      const [parent, sub] = entry.split("|", 2);
      const spec = lookupCommand(parent);
      if (spec === undefined || (sub !== undefined && spec.subcommands?.get(sub) === undefined)) {
        throw new PolicyError(`unknown command '${raw}' in --ws-commands`);
      }
      this.#names.add(entry);
    }
  }

  /** Whether `spec` (a resolved command or subcommand) may run. */
  allows(spec: CommandSpec): boolean {
    let ok = this.#cache.get(spec);
    if (ok === undefined) {
      ok = this.#judge(spec);
      this.#cache.set(spec, ok);
    }
    return ok;
  }

  /** The error for a command this policy denies (Redis 7.0's ACL wording). */
  denial(spec: CommandSpec): string {
    return noPermission(spec);
  }

  #judge(spec: CommandSpec): boolean {
    if (this.#all || spec.flags.includes("no_auth")) return true;
    if (this.#names.has(spec.name)) return true;
    const bar = spec.name.indexOf("|");
    if (bar > 0 && this.#names.has(spec.name.slice(0, bar))) return true;
    return spec.categories.some((c) => this.#categories.has(c));
  }
}

/** Redis 7.0's error for a command the policy denies. */
export function noPermission(spec: CommandSpec): string {
  return `NOPERM this user has no permissions to run the '${spec.name}' command`;
}

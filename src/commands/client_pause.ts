/**
 * CLIENT PAUSE and CLIENT UNPAUSE (Redis 7.0.15): a pause holds every client's commands
 * (ALL) or only those that could change the dataset or be propagated (WRITE) until it
 * ends. A held client is "postponed" as Redis's BLOCKED_POSTPONE: the command that met the
 * pause waits, with everything the client sends after it, and runs when the pause ends
 * (in the order clients met it). While paused, keys do not expire and nothing is evicted:
 * an expired key reads as missing but stays until the pause ends.
 */

import { command } from "./command.ts";
import type { CommandSpec } from "./command.ts";
import type { ClientView, CommandContext } from "./context.ts";
import { CommandError, cString } from "./errors.ts";
import { parseInteger } from "./args.ts";
import type { Keyspace } from "../store/keyspace.ts";

/** Redis's pause types, in increasing strictness (a later pause never relaxes one). */
export type PauseType = "none" | "write" | "all";
const STRICTNESS: Record<PauseType, number> = { none: 0, write: 1, all: 2 };

/**
 * Commands Redis 7.0 flags MAY_REPLICATE (internal, not in COMMAND INFO): they write nothing
 * but are propagated, so a WRITE pause holds them too.
 */
const MAY_REPLICATE = new Set([
  "eval",
  "evalsha",
  "fcall",
  "publish",
  "spublish",
  "pfcount",
  "script|load",
  "script|flush",
]);

/** A client the pause can hold: it stops reading requests until `resume`. */
export interface PostponableClient extends ClientView {
  /** Waits before running `argv` (and everything after it) until `resume`. */
  postpone(argv: readonly string[]): void;
  /** Runs the postponed request, then the client's later ones, as if never held. */
  resume(): void;
  readonly closed: boolean;
}

/** The server's pause state and the clients it holds. */
export class ClientPause {
  #type: PauseType = "none";
  /** ms since the epoch; the pause ends then (or at CLIENT UNPAUSE). */
  #end = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #held: PostponableClient[] = [];

  constructor(readonly keyspace: Keyspace) {}

  get type(): PauseType {
    return this.#type;
  }

  /** Clients held now (counted in INFO blocked_clients). */
  get heldCount(): number {
    return this.#held.length;
  }

  /**
   * Pauses until `end` (ms since the epoch) with `type`, as Redis's pauseClients: a pause
   * in force only gets stricter and longer.
   */
  pause(end: number, type: "write" | "all"): void {
    if (STRICTNESS[type] > STRICTNESS[this.#type]) this.#type = type;
    if (end > this.#end) this.#end = end;
    this.keyspace.paused = true;
    this.#arm();
  }

  #arm(): void {
    clearTimeout(this.#timer);
    const delay = this.#end - Date.now();
    if (delay <= 0) return this.unpause();
    // setTimeout holds at most 2^31-1 ms; a longer pause re-arms when that passes.
    this.#timer = setTimeout(() => this.#arm(), Math.min(delay, 0x7fffffff));
  }

  /** Ends the pause: held clients run their requests, in the order they were held. */
  unpause(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#type = "none";
    this.#end = 0;
    this.keyspace.paused = false;
    const held = this.#held.splice(0);
    for (const client of held) if (!client.closed) client.resume();
  }

  /** Whether the pause holds `spec` from a client not exempt from it. */
  holds(spec: CommandSpec, client: ClientView & { readonly denyBlocking: boolean }): boolean {
    if (this.#type === "none" || client.denyBlocking) return false;
    if (this.#type === "all") return true;
    if (mayChangeDataset(spec)) return true;
    // EXEC is held when its queue has a command that would be.
    return spec.name === "exec" && (client.transaction.queue ?? []).some(
      (queued) => mayChangeDataset(queued.spec),
    );
  }

  /** Holds `client` with `argv` until the pause ends. */
  hold(client: PostponableClient, argv: readonly string[]): void {
    client.postpone(argv);
    this.#held.push(client);
  }

  /** Forgets a client that disconnected. */
  forget(client: ClientView): void {
    const at = this.#held.indexOf(client as PostponableClient);
    if (at !== -1) this.#held.splice(at, 1);
  }

  /** Shutdown: stops the timer; held clients are closed by the server. */
  clear(): void {
    clearTimeout(this.#timer);
    this.#held.length = 0;
    this.#type = "none";
    this.keyspace.paused = false;
  }
}

function mayChangeDataset(spec: CommandSpec): boolean {
  return spec.flags.includes("write") || MAY_REPLICATE.has(spec.name);
}

/** The timeout of CLIENT PAUSE in ms, with Redis's errors. */
function parseTimeout(text: string): number {
  const ms = parseInteger(text);
  if (ms === null) throw new CommandError("ERR timeout is not an integer or out of range");
  if (ms < 0) throw new CommandError("ERR timeout is negative");
  return Number(ms);
}

/** CLIENT PAUSE timeout [WRITE|ALL] */
const pause = command({
  name: "client|pause",
  arity: -3,
  flags: ["admin", "noscript", "loading", "stale"],
  categories: ["admin", "slow", "dangerous", "connection"],
  parse: (a) => {
    if (a.remaining > 2) {
      throw new CommandError(
        `ERR unknown subcommand or wrong number of arguments for '${
          cString(a.argv[1]).slice(0, 128)
        }'. Try CLIENT HELP.`,
      );
    }
    const timeoutText = a.next();
    let type: "write" | "all" = "all";
    if (a.hasMore()) {
      const mode = a.nextOption();
      if (mode === "WRITE") type = "write";
      else if (mode !== "ALL") {
        throw new CommandError("ERR CLIENT PAUSE mode must be WRITE or ALL");
      }
    }
    return { timeout: parseTimeout(timeoutText), type };
  },
  execute: ({ timeout, type }, ctx: CommandContext) => {
    // Redis adds the timeout to the clock in a signed 64-bit integer: a sum past its range
    // wraps into the past and the pause ends at once.
    const end = BigInt.asIntN(64, BigInt(timeout) + BigInt(Date.now()));
    ctx.server.pause.pause(Number(end), type);
    ctx.reply.ok();
  },
});

/** CLIENT UNPAUSE */
const unpause = command({
  name: "client|unpause",
  arity: 2,
  flags: ["admin", "noscript", "loading", "stale"],
  categories: ["admin", "slow", "dangerous", "connection"],
  parse: () => ({}),
  execute: (_, ctx: CommandContext) => {
    ctx.server.pause.unpause();
    ctx.reply.ok();
  },
});

export const pauseCommands = [pause, unpause];

/**
 * Clients blocked on keys (BLPOP, BRPOP, XREAD BLOCK; BLMOVE, BZPOPMIN use the same): a
 * command that finds nothing to serve calls `ctx.block(request)`, and its client waits
 * until a write makes one of its keys ready or its timeout passes, as Redis's blocking.c.
 *
 * How a wait ends:
 *   - Served: the keyspace-change hook (store/keyspace_events.ts) tells this manager that
 *     a key someone waits on was written; the key is queued as ready. After the writing
 *     command has finished (the pipeline calls `serveReady()`, as Redis's
 *     handleClientsBlockedOnKeys after call()), the clients waiting on each ready key are
 *     offered it in the order they blocked (FIFO): each `request.serve(db, key)` pops what
 *     it needs and writes its reply, or returns false (the key is empty again, or of
 *     another type), which stops the round for that key. A serve may write other keys
 *     (BLMOVE), which queues them in turn.
 *   - Timed out: the request's `timedOut()` writes the timeout reply (a null array).
 *   - Disconnected: `cancel(client)` drops the wait without a reply.
 * In each case the client's `unblocked()` is called once (not for a disconnect), and its
 * session goes on with the requests it buffered meanwhile.
 *
 * Waits are keyed by database index, not by `Database` object: SWAPDB exchanges the
 * databases behind two indexes, and a client blocked in database 0 keeps waiting on
 * whatever database 0 holds (Redis swaps the contents). Whole-database events (SWAPDB,
 * FLUSHDB) make every waited key of that database ready; `serve` decides.
 */

import type { Database } from "../store/database.ts";
import type { Keyspace } from "../store/keyspace.ts";
import type { ReplyWriter } from "../protocol/reply_writer.ts";
import { StringKeyMap } from "../store/string_key_map.ts";

/** What a blocking command leaves behind when it blocks its client. */
export interface BlockRequest {
  /** The database index and keys waited on (duplicates are ignored). */
  readonly dbIndex: number;
  readonly keys: readonly string[];
  /**
   * Milliseconds until the wait times out, 0 for never. (A bigint or a value past what a
   * timer can hold waits in steps.)
   */
  readonly timeoutMs: number;
  /**
   * `key` in `db` may now serve the client: if it does, write the client's reply (and
   * signal the writes made) and return true; return false to keep waiting.
   */
  serve(db: Database, key: string): boolean;
  /**
   * True when serving does not consume what the key holds (XREAD BLOCK: an entry is read,
   * not taken), so a waiter that is not served does not end the round: every waiter on
   * the key is offered it, as Redis's serveClientsBlockedOnStreamKey does.
   */
  readonly offersEveryWaiter?: boolean;
  /** Write the reply for a timeout. */
  timedOut(): void;
}

/** A client that can wait: told once when its wait ends with a reply. */
export interface BlockableClient {
  unblocked(): void;
  /** Queues bytes for the client (CLIENT UNBLOCK ... ERROR writes its error so). */
  deliver(write: (reply: ReplyWriter) => void): void;
}

interface Wait {
  client: BlockableClient;
  request: BlockRequest;
  /** The waited keys of this client, without duplicates. */
  keys: readonly string[];
  timer: ReturnType<typeof setTimeout> | undefined;
}

/**
 * The clients waiting on one key, in blocking order (a Set keeps insertion order), and
 * whether the key is queued as ready: a flag rather than a lookup, as a write to a waited
 * key happens on every wake.
 */
interface KeyWaits {
  readonly dbIndex: number;
  readonly key: string;
  readonly waits: Set<Wait>;
  ready: boolean;
}

/** setTimeout's largest delay; longer waits re-arm. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export class BlockingManager {
  /** dbIndex → key → its waits. */
  readonly #byKey = new Map<number, StringKeyMap<KeyWaits>>();
  readonly #byClient = new Map<BlockableClient, Wait>();
  /** Keys written since the last `serveReady`, in order (each once: `KeyWaits.ready`). */
  #ready: KeyWaits[] = [];
  /** The other ready array, swapped with `#ready` at each round of `serveReady`. */
  #spare: KeyWaits[] = [];
  #serving = false;

  constructor(readonly keyspace: Keyspace) {
    keyspace.events.subscribe((db, key) => this.#onChange(db, key));
  }

  /** Clients blocked now (INFO blocked_clients). */
  get blockedCount(): number {
    return this.#byClient.size;
  }

  /** Whether `client` is blocked. */
  isBlocked(client: BlockableClient): boolean {
    return this.#byClient.has(client);
  }

  /** Whether a write left keys to serve (the pipeline then calls `serveReady`). */
  get hasReady(): boolean {
    return this.#ready.length !== 0;
  }

  /** Blocks `client` until `request` is served or times out. */
  block(client: BlockableClient, request: BlockRequest): void {
    if (this.#byClient.has(client)) throw new Error("client is already blocked");
    const keys = request.keys.length === 1 ? request.keys : [...new Set(request.keys)];
    const wait: Wait = { client, request, keys, timer: undefined };
    const dbIndex = request.dbIndex;
    let byKey = this.#byKey.get(dbIndex);
    if (byKey === undefined) this.#byKey.set(dbIndex, byKey = new StringKeyMap());
    for (const key of keys) {
      let entry = byKey.get(key);
      if (entry === undefined) {
        byKey.set(key, entry = { dbIndex, key, waits: new Set(), ready: false });
      }
      entry.waits.add(wait);
    }
    this.#byClient.set(client, wait);
    if (request.timeoutMs > 0) this.#arm(wait, Date.now() + request.timeoutMs);
  }

  #arm(wait: Wait, deadline: number): void {
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, deadline - Date.now()));
    wait.timer = setTimeout(() => {
      if (this.#byClient.get(wait.client) !== wait) return;
      if (Date.now() < deadline) return this.#arm(wait, deadline);
      this.#remove(wait);
      wait.request.timedOut();
      wait.client.unblocked();
    }, delay);
  }

  /**
   * CLIENT UNBLOCK: ends `client`'s wait now, with its timeout reply, or with the error
   * `error` (Redis's text without the dash); false when it was not blocked.
   */
  unblock(client: object, error: string | null): boolean {
    // any client view may be asked about; only a blocked one is found
    const wait = this.#byClient.get(client as BlockableClient);
    if (wait === undefined) return false;
    this.#remove(wait);
    if (error === null) wait.request.timedOut();
    else wait.client.deliver((r) => r.error(error));
    wait.client.unblocked();
    return true;
  }

  /** Ends `client`'s wait without a reply (it disconnected). */
  cancel(client: BlockableClient): void {
    const wait = this.#byClient.get(client);
    if (wait !== undefined) this.#remove(wait);
  }

  #remove(wait: Wait): void {
    if (wait.timer !== undefined) clearTimeout(wait.timer);
    this.#byClient.delete(wait.client);
    const byKey = this.#byKey.get(wait.request.dbIndex)!;
    for (const key of wait.keys) {
      const waits = byKey.get(key)!.waits;
      waits.delete(wait);
      if (waits.size === 0) byKey.delete(key);
    }
    if (byKey.size === 0) this.#byKey.delete(wait.request.dbIndex);
  }

  #onChange(db: Database, key: string | null): void {
    if (this.#byClient.size === 0) return;
    const byKey = this.#byKey.get(db.id);
    if (byKey === undefined) return;
    if (key === null) {
      for (const entry of byKey.values()) this.#markReady(entry);
    } else {
      const entry = byKey.get(key);
      if (entry !== undefined) this.#markReady(entry);
    }
  }

  #markReady(entry: KeyWaits): void {
    if (entry.ready) return;
    entry.ready = true;
    this.#ready.push(entry);
  }

  /**
   * Serves the clients waiting on keys written since the last call, in FIFO order per
   * key, until every ready key is empty or has no waiter left. Keys a serve writes are
   * served in the same call.
   */
  serveReady(): void {
    if (this.#serving) return;
    this.#serving = true;
    try {
      while (this.#ready.length !== 0) {
        const ready = this.#ready;
        this.#ready = this.#spare;
        for (const entry of ready) entry.ready = false;
        try {
          for (const entry of ready) this.#serveKey(entry);
        } finally {
          ready.length = 0;
          this.#spare = ready;
        }
      }
    } finally {
      this.#serving = false;
    }
  }

  #serveKey({ dbIndex, key }: KeyWaits): void {
    // the key's waits now (the entry queued may have emptied and been replaced since)
    const waits = this.#byKey.get(dbIndex)?.get(key)?.waits;
    if (waits === undefined) return;
    const db = this.keyspace.dbs[dbIndex];
    // Live: a served wait is deleted as it is visited (a Set iterates past deletions), and
    // no wait is added while serving (a client blocks only in a command of its own).
    for (const wait of waits) {
      if (this.#byClient.get(wait.client) !== wait) continue;
      if (!wait.request.serve(db, key)) {
        if (wait.request.offersEveryWaiter) continue;
        break;
      }
      this.#remove(wait);
      wait.client.unblocked();
    }
  }

  /** Ends every wait (shutdown) without replies. */
  clear(): void {
    for (const wait of [...this.#byClient.values()]) this.#remove(wait);
    for (const entry of this.#ready) entry.ready = false;
    this.#ready.length = 0;
  }
}

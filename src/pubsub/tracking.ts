/**
 * Client-side caching (Redis's tracking.c): which clients read which keys, and the
 * invalidation messages they get when those keys change. It listens on the keyspace-change
 * hook, so writes from any client and transport, expiry, eviction and FLUSHDB/FLUSHALL all
 * invalidate.
 *
 * As in Redis: the table maps key names (of every database alike) to the ids of the
 * clients that read them; a change sends each of those clients one `invalidate` message and
 * forgets the key. BCAST clients instead get every change under their prefixes, gathered
 * per prefix and sent once the command is over. A RESP3 client receives a push; a client
 * that redirects (REDIRECT id) has it sent to that client, as a push when it speaks RESP3
 * or as a `__redis__:invalidate` message when it is subscribed in RESP2. FLUSHDB and
 * FLUSHALL send every tracking client a null invalidation.
 *
 * Messages caused by a command are queued and sent when the command has finished
 * (`flush`), so a client's own invalidation follows its reply, as Redis 7.0 does; each
 * client gets at most one null per command (FLUSHALL touches every database).
 *
 * `tracking-table-max-keys` bounds the table: past it, before a command runs, the oldest
 * keys are invalidated (Redis picks random ones) until it fits again.
 */

import type { ReplyWriter } from "../protocol/reply_writer.ts";
import type { Keyspace } from "../store/keyspace.ts";
import type { Subscriptions } from "./hub.ts";
import { StringKeyMap } from "../store/string_key_map.ts";

/** A client as tracking sees it. */
export interface TrackingClient {
  readonly id: number;
  readonly protocol: 2 | 3;
  readonly subscriptions: Subscriptions;
  readonly tracking: ClientTracking;
  deliver(write: (reply: ReplyWriter) => void): void;
}

/** One client's CLIENT TRACKING state. */
export class ClientTracking {
  on = false;
  bcast = false;
  optin = false;
  optout = false;
  noloop = false;
  /** CLIENT CACHING yes (OPTIN) / no (OPTOUT) applies to the next command. */
  caching = false;
  /** The redirect target disappeared (CLIENT TRACKINGINFO broken_redirect). */
  brokenRedirect = false;
  /** Client id invalidations go to; 0 = this client. */
  redirect = 0;
  /** BCAST prefixes, in the order given ("" = every key). */
  readonly prefixes = new Set<string>();
}

/** Pending BCAST keys under one prefix, and the clients listening on it. */
interface PrefixState {
  readonly clients: Set<TrackingClient>;
  /** Key → the client that changed it (for NOLOOP), or null. */
  readonly keys: Map<string, TrackingClient | null>;
}

const INVALIDATE = "invalidate";
const CHANNEL = "__redis__:invalidate";

export class TrackingTable {
  /** Key → ids of the clients that read it. */
  readonly #keys = new StringKeyMap<Set<number>>();
  readonly #prefixes = new Map<string, PrefixState>();
  /** Messages to send once the current command has finished. */
  #pending: { client: TrackingClient; key: string | null }[] = [];
  #flushScheduled = false;
  /** Clients with tracking on. */
  trackingClients = 0;
  /** The client whose command runs now (for NOLOOP and for its own invalidations). */
  current: TrackingClient | null = null;

  constructor(
    keyspace: Keyspace,
    readonly clients: ReadonlyMap<number, TrackingClient>,
    readonly config: { trackingTableMaxKeys: number },
  ) {
    keyspace.events.subscribe((_db, key, event, modified) => {
      if (this.trackingClients === 0 || !modified) return;
      if (key !== null) this.invalidateKey(key);
      else if (event === "flushdb") this.#invalidateAll();
    });
  }

  /** Keys in the table (INFO tracking_total_keys). */
  get totalKeys(): number {
    return this.#keys.size;
  }

  /** Client ids summed over keys (INFO tracking_total_items). */
  get totalItems(): number {
    let n = 0;
    for (const ids of this.#keys.values()) n += ids.size;
    return n;
  }

  /** Prefixes listened to (INFO tracking_total_prefixes). */
  get totalPrefixes(): number {
    return this.#prefixes.size;
  }

  /** CLIENT TRACKING ON with already checked options. */
  enable(
    client: TrackingClient,
    redirect: number,
    options: { bcast: boolean; optin: boolean; optout: boolean; noloop: boolean },
    prefixes: readonly string[],
  ): void {
    const t = client.tracking;
    if (!t.on) this.trackingClients++;
    t.on = true;
    t.brokenRedirect = false;
    t.redirect = redirect;
    t.bcast = options.bcast;
    t.optin = options.optin;
    t.optout = options.optout;
    t.noloop = options.noloop;
    if (options.bcast) {
      for (const p of prefixes.length === 0 ? [""] : prefixes) {
        if (t.prefixes.has(p)) continue;
        t.prefixes.add(p);
        let state = this.#prefixes.get(p);
        if (state === undefined) {
          this.#prefixes.set(p, state = { clients: new Set(), keys: new Map() });
        }
        state.clients.add(client);
      }
    }
  }

  /** CLIENT TRACKING OFF, RESET, disconnect. */
  disable(client: TrackingClient): void {
    const t = client.tracking;
    if (!t.on) return;
    for (const p of t.prefixes) {
      const state = this.#prefixes.get(p);
      state?.clients.delete(client);
      if (state !== undefined && state.clients.size === 0) this.#prefixes.delete(p);
    }
    t.prefixes.clear();
    t.on =
      t.bcast =
      t.optin =
      t.optout =
      t.noloop =
      t.caching =
      t.brokenRedirect =
        false;
    this.trackingClients--;
  }

  /** After a read-only command of a tracking client: remember the keys it read. */
  remember(client: TrackingClient, keys: readonly string[]): void {
    const t = client.tracking;
    if (t.bcast || (t.optin && !t.caching) || (t.optout && t.caching)) return;
    for (const key of keys) {
      let ids = this.#keys.get(key);
      if (ids === undefined) this.#keys.set(key, ids = new Set());
      ids.add(client.id);
    }
  }

  /** A key changed: queue an invalidation for every client that read it, and for BCAST. */
  invalidateKey(key: string, byCurrent = true): void {
    const writer = byCurrent ? this.current : null;
    if (this.#prefixes.size !== 0) {
      for (const [prefix, state] of this.#prefixes) {
        if (key.startsWith(prefix)) state.keys.set(key, writer);
      }
      this.#schedule();
    }
    const ids = this.#keys.get(key);
    if (ids === undefined) return;
    this.#keys.delete(key);
    for (const id of ids) {
      const target = this.clients.get(id);
      if (target === undefined || !target.tracking.on || target.tracking.bcast) continue;
      if (target.tracking.noloop && target === writer) continue;
      this.#pending.push({ client: target, key });
    }
    this.#schedule();
  }

  /** FLUSHDB/FLUSHALL: every tracking client gets a null invalidation. */
  #invalidateAll(): void {
    for (const client of this.clients.values()) {
      if (!client.tracking.on) continue;
      if (this.#pending.some((p) => p.client === client && p.key === null)) continue;
      this.#pending.push({ client, key: null });
    }
    this.#keys.clear();
    this.#schedule();
  }

  /**
   * Before a command: while the table holds more keys than tracking-table-max-keys,
   * invalidate the oldest (the clients drop them from their caches).
   */
  limitKeys(): void {
    const max = this.config.trackingTableMaxKeys;
    if (max === 0 || this.#keys.size <= max) return;
    for (const key of this.#keys.keys()) {
      if (this.#keys.size <= max) break;
      this.invalidateKey(key, false);
    }
    this.flush();
  }

  /** Sends every queued message (after a command, or from a microtask otherwise). */
  flush(): void {
    if (this.#pending.length !== 0) {
      const pending = this.#pending;
      this.#pending = [];
      for (const { client, key } of pending) this.#send(client, key === null ? null : [key]);
    }
    if (this.#prefixes.size !== 0) this.#broadcast();
  }

  #schedule(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    queueMicrotask(() => {
      this.#flushScheduled = false;
      this.flush();
    });
  }

  /** BCAST: one message per prefix and client with the keys changed under it. */
  #broadcast(): void {
    for (const state of this.#prefixes.values()) {
      if (state.keys.size === 0) continue;
      // Redis walks its radix tree: keys in byte order
      const keys = [...state.keys.keys()].sort((a, b) => a < b ? -1 : a > b ? 1 : 0);
      for (const client of state.clients) {
        const mine = client.tracking.noloop
          ? keys.filter((k) => state.keys.get(k) !== client)
          : keys;
        if (mine.length !== 0) this.#send(client, mine);
      }
      state.keys.clear();
    }
  }

  /** One invalidation message to `client` (or its redirect target); null = everything. */
  #send(client: TrackingClient, keys: readonly string[] | null): void {
    let target = client;
    const t = client.tracking;
    let redirected = false;
    if (t.redirect !== 0) {
      const redir = this.clients.get(t.redirect);
      if (redir === undefined) {
        t.brokenRedirect = true;
        if (client.protocol === 3) {
          const id = t.redirect;
          client.deliver((r) => {
            r.push(2);
            r.bulk("tracking-redir-broken");
            r.integer(id);
          });
        }
        return;
      }
      target = redir;
      redirected = true;
    }
    // The null is the one of the tracking client's own protocol, as Redis sends it.
    const nullProtocol = client.protocol;
    if (target.protocol === 3) {
      target.deliver((r) => {
        r.push(2);
        r.bulk(INVALIDATE);
        writeKeys(r, keys, nullProtocol);
      });
    } else if (redirected && target.subscriptions.active) {
      target.deliver((r) => {
        r.array(3);
        r.bulk("message");
        r.bulk(CHANNEL);
        writeKeys(r, keys, nullProtocol);
      });
    }
  }
}

function writeKeys(r: ReplyWriter, keys: readonly string[] | null, nullProtocol: 2 | 3): void {
  if (keys === null) {
    r.raw(nullProtocol === 3 ? NULL3 : NULL2);
    return;
  }
  r.array(keys.length);
  for (const k of keys) r.bulk(k);
}

const NULL3 = new Uint8Array([95, 13, 10]); // "_\r\n"
const NULL2 = new Uint8Array([36, 45, 49, 13, 10]); // "$-1\r\n"

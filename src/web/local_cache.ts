/**
 * The browser client's local cache of read replies (`db.cached(...)` in client.ts), kept
 * correct by the server's client-side caching: the connection runs `CLIENT TRACKING on
 * OPTIN` and each cached read is preceded by `CLIENT CACHING yes`, so the server tracks
 * exactly the keys read through the cache and pushes `invalidate` when any client changes
 * them. An entry is dropped the moment its invalidation is read; a null invalidation
 * (FLUSHDB/FLUSHALL) drops everything. Invalidations and replies share one ordered stream,
 * so an entry never outlives the last invalidation the server sent for its keys.
 *
 * Pure bookkeeping (no socket): entries by command, and which entries each key feeds.
 */

/** What the cache holds for one read command. */
interface Entry<V> {
  readonly keys: readonly string[];
  /** The reply, or the read still in flight (concurrent misses share it). */
  value: Promise<V>;
  settled: boolean;
  hits: number;
}

/** Counters for a page to show (the demo console does). */
export interface CacheStats {
  hits: number;
  misses: number;
  invalidations: number;
  /** The cached reads: the command as text and how often it was served locally. */
  entries: { command: string; keys: readonly string[]; hits: number }[];
}

/** Commands whose every argument is a key; for any other, the key is the first argument. */
const ALL_KEYS = new Set(["mget", "exists"]);

/** The keys a read command depends on. */
export function readKeys(args: readonly string[]): string[] {
  return ALL_KEYS.has(args[0].toLowerCase()) ? args.slice(1) : args.slice(1, 2);
}

export class LocalCache<V> {
  readonly #entries = new Map<string, Entry<V>>();
  readonly #byKey = new Map<string, Set<string>>();
  hits = 0;
  misses = 0;
  invalidations = 0;

  /** The cached reply for `args`, or undefined (a miss: the caller reads and `store`s). */
  lookup(args: readonly string[]): Promise<V> | undefined {
    const entry = this.#entries.get(commandKey(args));
    if (entry === undefined) return undefined;
    entry.hits++;
    this.hits++;
    return entry.value;
  }

  /** Remembers the read of `args` (in flight); a failed read forgets it again. */
  store(args: readonly string[], value: Promise<V>): Promise<V> {
    this.misses++;
    const id = commandKey(args);
    const keys = readKeys(args);
    const entry: Entry<V> = { keys, value, settled: false, hits: 0 };
    this.#entries.set(id, entry);
    for (const k of keys) {
      let ids = this.#byKey.get(k);
      if (ids === undefined) this.#byKey.set(k, ids = new Set());
      ids.add(id);
    }
    value.then(
      () => (entry.settled = true),
      () => {
        if (this.#entries.get(id) === entry) this.#remove(id);
      },
    );
    return value;
  }

  /** An `invalidate` push: drops every entry that read one of `keys` (null: all). */
  invalidate(keys: readonly string[] | null): void {
    this.invalidations++;
    if (keys === null) return this.clear();
    for (const k of keys) {
      const ids = this.#byKey.get(k);
      if (ids === undefined) continue;
      for (const id of [...ids]) this.#remove(id);
    }
  }

  /** Forgets everything (disconnect, FLUSHALL). */
  clear(): void {
    this.#entries.clear();
    this.#byKey.clear();
  }

  get size(): number {
    return this.#entries.size;
  }

  stats(): CacheStats {
    return {
      hits: this.hits,
      misses: this.misses,
      invalidations: this.invalidations,
      entries: [...this.#entries].map(([id, e]) => ({
        command: id.split("\u0000").join(" "),
        keys: e.keys,
        hits: e.hits,
      })),
    };
  }

  #remove(id: string): void {
    const entry = this.#entries.get(id);
    if (entry === undefined) return;
    this.#entries.delete(id);
    for (const k of entry.keys) {
      const ids = this.#byKey.get(k);
      ids?.delete(id);
      if (ids?.size === 0) this.#byKey.delete(k);
    }
  }
}

/** One string per command: the name in upper case, arguments as given, NUL-separated. */
function commandKey(args: readonly string[]): string {
  return [args[0].toUpperCase(), ...args.slice(1)].join("\u0000");
}

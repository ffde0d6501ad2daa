/**
 * The slow log (SLOWLOG GET/LEN/RESET): the last `slowlog-max-len` commands that ran for
 * at least `slowlog-log-slower-than` µs, newest first, each with Redis's entry fields. The
 * arguments are cut as Redis cuts them (at most 32, each at most 128 bytes, with a note of
 * what was left out), so a huge MSET does not keep its whole payload alive.
 */

const MAX_ARGS = 32;
const MAX_STRING = 128;

export interface SlowLogEntry {
  readonly id: number;
  /** Unix time in seconds. */
  readonly time: number;
  readonly usec: number;
  readonly args: readonly string[];
  /** `ip:port` of the client (`?:0` for the script client). */
  readonly addr: string;
  readonly name: string;
}

export class SlowLog {
  /** Newest first. */
  #entries: SlowLogEntry[] = [];
  #nextId = 0;

  get length(): number {
    return this.#entries.length;
  }

  /** Adds an entry (arguments already redacted) and trims the log to `maxLen`. */
  push(args: readonly string[], usec: number, addr: string, name: string, maxLen: number): void {
    const kept: string[] = [];
    const n = Math.min(args.length, MAX_ARGS);
    for (let i = 0; i < n; i++) {
      if (i === MAX_ARGS - 1 && args.length > MAX_ARGS) {
        kept.push(`... (${args.length - MAX_ARGS + 1} more arguments)`);
        break;
      }
      const a = args[i];
      kept.push(
        a.length > MAX_STRING
          ? `${a.slice(0, MAX_STRING)}... (${a.length - MAX_STRING} more bytes)`
          : a,
      );
    }
    this.#entries.unshift({
      id: this.#nextId++,
      time: Math.floor(Date.now() / 1000),
      usec,
      args: kept,
      addr,
      name,
    });
    this.trim(maxLen);
  }

  /** Drops the oldest entries past `maxLen` (CONFIG SET slowlog-max-len trims at once). */
  trim(maxLen: number): void {
    if (this.#entries.length > maxLen) this.#entries.length = Math.max(0, maxLen);
  }

  /** The newest `count` entries (all when count is -1). */
  get(count: number): readonly SlowLogEntry[] {
    return count < 0 ? this.#entries : this.#entries.slice(0, count);
  }

  reset(): void {
    this.#entries = [];
  }
}

/**
 * Redis's client-output-buffer-limit rule (networking.c, checkClientOutputBufferLimits),
 * kept apart from the session so it can be tested with plain numbers: a client is cut off
 * when its unsent output reaches the hard limit, or stays at or over the soft limit for
 * more than `softSeconds`. Dropping under the soft limit restarts the soft timer. A limit
 * of 0 is off. The session picks the class (pubsub while it has any subscription, else
 * normal) and counts every unsent byte, including those a transport holds in flight.
 */

import type { OutputLimit } from "./config.ts";
import type { Clock } from "./store/clock.ts";

/** The soft-limit timer of one client. */
export class OutputLimitTracker {
  /** When the client went over the soft limit (ms), or null while it is under. */
  #softSince: number | null = null;

  /**
   * True when a client with `used` unsent bytes must be cut off now. The clock is read
   * only over the soft limit: this runs after every batch.
   */
  exceeded(limit: OutputLimit, used: number, clock: Clock): boolean {
    if (limit.hard > 0 && used >= limit.hard) return true;
    if (limit.soft === 0 || used < limit.soft) {
      this.#softSince = null;
      return false;
    }
    const now = clock.now();
    if (this.#softSince === null) {
      this.#softSince = now;
      return false;
    }
    return now - this.#softSince > limit.softSeconds * 1000;
  }
}

/** Parses redis.conf's `<class> <hard> <soft> <soft seconds>` groups, e.g. "pubsub 32mb 8mb 60". */
export function parseOutputLimits(
  text: string,
  base: { normal: OutputLimit; pubsub: OutputLimit },
  parseSize: (s: string) => number | null,
): { normal: OutputLimit; pubsub: OutputLimit } {
  const words = text.trim().split(/\s+/).filter((w) => w !== "");
  if (words.length === 0 || words.length % 4 !== 0) {
    throw new Error("expected groups of <class> <hard limit> <soft limit> <soft seconds>");
  }
  const out = { normal: { ...base.normal }, pubsub: { ...base.pubsub } };
  for (let i = 0; i < words.length; i += 4) {
    const cls = words[i].toLowerCase();
    const hard = parseSize(words[i + 1]);
    const soft = parseSize(words[i + 2]);
    const seconds = /^\d+$/.test(words[i + 3]) ? Number(words[i + 3]) : null;
    if (hard === null || soft === null || seconds === null) {
      throw new Error(`invalid limits for class '${words[i]}'`);
    }
    if (cls === "normal" || cls === "pubsub") out[cls] = { hard, soft, softSeconds: seconds };
    else if (cls !== "replica" && cls !== "slave") {
      throw new Error(`unknown client class '${words[i]}' (normal, pubsub or replica)`);
    }
    // replica/slave limits are accepted for redis.conf compatibility: respd has no replicas.
  }
  return out;
}

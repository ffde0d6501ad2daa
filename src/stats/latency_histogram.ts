/**
 * A latency histogram with the resolution Redis's hdr_histogram gives its per-command
 * latencies (INFO latencystats): values in nanoseconds from 1 to 1 s, two significant
 * digits. Values below 256 are kept exactly; above, each power-of-two range is split into
 * 128 equal steps, so a value is known to within 1/128 of itself. A percentile is read as
 * the highest value of the step holding it, as hdr_value_at_percentile does, so the figures
 * print as Redis's (p50=1.003 for a 1 µs command).
 */

/** The smallest and largest values Redis's command histograms track (ns). */
const MIN_VALUE = 1;
const MAX_VALUE = 1_000_000_000;
const EXACT = 256;
const HALF = 128;
/** Enough slots for MAX_VALUE (2^30): 256 exact ones, then 128 per power of two. */
const SLOTS = EXACT + 23 * HALF;

/** The slot of `v` (an integer from 1 to MAX_VALUE). */
function slotOf(v: number): number {
  if (v < EXACT) return v;
  const shift = 32 - Math.clz32(v) - 8;
  return EXACT + (shift - 1) * HALF + ((v >>> shift) - HALF);
}

/** The lowest value that falls in `slot`. */
function lowestIn(slot: number): number {
  if (slot < EXACT) return slot;
  const shift = Math.floor((slot - EXACT) / HALF) + 1;
  return ((slot - EXACT) % HALF + HALF) * 2 ** shift;
}

/** The highest value that falls in `slot`. */
function highestIn(slot: number): number {
  if (slot < EXACT) return slot;
  const shift = Math.floor((slot - EXACT) / HALF) + 1;
  return lowestIn(slot) + 2 ** shift - 1;
}

export class LatencyHistogram {
  #counts = new Float64Array(SLOTS);
  #total = 0;

  /** Records a value in nanoseconds `times` times (clamped to the tracked range, as Redis). */
  record(ns: number, times = 1): void {
    const v = ns < MIN_VALUE ? MIN_VALUE : ns > MAX_VALUE ? MAX_VALUE : Math.floor(ns);
    this.#counts[slotOf(v)] += times;
    this.#total += times;
  }

  get count(): number {
    return this.#total;
  }

  /**
   * LATENCY HISTOGRAM's buckets: [µs, calls at or below] at powers of two from 1024 ns, as
   * Redis's log iteration reports them, only where the count grew.
   */
  cumulative(): [number, number][] {
    const out: [number, number][] = [];
    let previous = 0;
    let seen = 0;
    let slot = 0;
    for (let bound = 1024; seen < this.#total && bound <= MAX_VALUE * 2; bound *= 2) {
      const top = slotOf(Math.min(bound, MAX_VALUE));
      for (; slot <= top; slot++) seen += this.#counts[slot];
      if (seen > previous) out.push([Math.floor(highestIn(top) / 1000), seen]);
      previous = seen;
    }
    return out;
  }

  /**
   * The value at `percentile` (0-100) as hdr_value_at_percentile: the highest value of its
   * step (the lowest for percentile 0); 0 when empty.
   */
  valueAt(percentile: number): number {
    if (this.#total === 0) return 0;
    const wanted = Math.max(1, Math.floor((Math.min(percentile, 100) / 100) * this.#total + 0.5));
    let seen = 0;
    for (let slot = 0; slot < SLOTS; slot++) {
      seen += this.#counts[slot];
      if (seen >= wanted) return percentile === 0 ? lowestIn(slot) : highestIn(slot);
    }
    return MAX_VALUE;
  }
}

/**
 * Byte ranges carved one after another from one ArrayBuffer: a bump allocator for the many
 * small buffers of one owner that are made in order and mostly die in that order (a
 * stream's nodes). In Deno every ArrayBuffer costs ~1–2 µs of CPU however small it is, and
 * each adds to V8's external-memory bookkeeping (more GC), while a typed-array view of an
 * existing buffer costs ~15 ns; a stream appending 100 entries per node paid two buffers
 * per node, ~6% of an XADD's own cost (bench/request_cost.ts, `--cpu-prof`).
 *
 * Only offsets are handed out; the caller makes its views of `buffer`. The range handed
 * out last (the tail) may grow or shrink in place, since nothing follows it yet. The
 * ArrayBuffer lives as long as any view of it does, so an owner sizes its slabs to what it
 * holds (see Stream): a range freed early keeps its bytes until its neighbours go too.
 */

/** Ranges start at multiples of this, so any typed-array view of them is aligned. */
const ALIGN = 8;

function aligned(n: number): number {
  return (n + ALIGN - 1) & ~(ALIGN - 1);
}

export class ByteSlab {
  readonly buffer: ArrayBuffer;
  /** Where the next range starts (aligned). */
  #top = 0;

  constructor(readonly size: number) {
    this.buffer = new ArrayBuffer(size);
  }

  /** Bytes not handed out yet. */
  get free(): number {
    return this.size - this.#top;
  }

  /** The offset of `n` fresh bytes, or -1 when they do not fit. */
  take(n: number): number {
    const at = this.#top;
    const end = at + aligned(n);
    if (end > this.size) return -1;
    this.#top = end;
    return at;
  }

  /** Whether the range `[at, at + n)` is the last one handed out. */
  isTail(at: number, n: number): boolean {
    return at + aligned(n) === this.#top;
  }

  /**
   * Resizes the tail range `[at, at + n)` to `size` bytes in place (its bytes stay where
   * they are); false, changing nothing, when it is not the tail or `size` does not fit.
   * A size of 0 gives the whole range back.
   */
  resizeTail(at: number, n: number, size: number): boolean {
    if (!this.isTail(at, n)) return false;
    const end = at + aligned(size);
    if (end > this.size) return false;
    this.#top = end;
    return true;
  }
}

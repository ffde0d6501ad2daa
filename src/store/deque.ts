/**
 * A double-ended queue for list values: O(1) push and pop at both ends and O(1) indexing,
 * which LPUSH/RPUSH/LPOP/RPOP/LINDEX/LRANGE need (`Array.prototype.unshift` is O(n)).
 *
 * A small list is one ring buffer that doubles up to CHUNK slots. Past that it becomes a ring of
 * fixed CHUNK-slot arrays (like Redis's quicklist): growing adds a chunk and never copies
 * elements, only the ring of chunk references (1/CHUNK as many) is ever reallocated. A list of
 * millions so never allocates one huge array, whose copies and large-object GC made the old
 * doubling ring slow. Popped slots are cleared, emptied chunks are dropped (one kept as a spare),
 * and a list that drains to empty goes back to a small ring.
 */

const CHUNK_BITS = 9;
/** Slots per chunk; also the largest small ring. */
const CHUNK = 1 << CHUNK_BITS;
const IN_CHUNK = CHUNK - 1;
const SMALL_START = 8;
/** Slots in the ring of chunks when a list first becomes chunked; it never shrinks below. */
const RING_START = 4;

type Slots<T> = (T | undefined)[];

export class Deque<T> {
  /** Small mode: the ring buffer (power-of-two length); null once chunked. */
  #small: Slots<T> | null = new Array(SMALL_START);
  /** Chunked mode: a ring (power-of-two length) of `#used` chunks starting at `#first`. */
  #chunks: (Slots<T> | undefined)[] = [];
  #first = 0;
  #used = 0;
  /** An emptied chunk kept for the next one needed, so a list at a chunk edge doesn't churn. */
  #spare: Slots<T> | undefined = undefined;
  /** Small mode: ring index of the front. Chunked mode: slot of the front in the first chunk. */
  #head = 0;
  #size = 0;

  get length(): number {
    return this.#size;
  }

  pushBack(v: T): void {
    let small = this.#small;
    if (small !== null) {
      if (this.#size === small.length) small = this.#growSmall(small);
      if (small !== null) {
        small[(this.#head + this.#size++) & (small.length - 1)] = v;
        return;
      }
    }
    const p = this.#head + this.#size;
    const c = p >>> CHUNK_BITS;
    if (c === this.#used) this.#addChunkBack();
    this.#chunks[(this.#first + c) & (this.#chunks.length - 1)]![p & IN_CHUNK] = v;
    this.#size++;
  }

  pushFront(v: T): void {
    let small = this.#small;
    if (small !== null) {
      if (this.#size === small.length) small = this.#growSmall(small);
      if (small !== null) {
        this.#head = (this.#head - 1) & (small.length - 1);
        small[this.#head] = v;
        this.#size++;
        return;
      }
    }
    if (this.#head === 0) {
      this.#addChunkFront();
      this.#head = CHUNK;
    }
    this.#chunks[this.#first]![--this.#head] = v;
    this.#size++;
  }

  popFront(): T | undefined {
    if (this.#size === 0) return undefined;
    const small = this.#small;
    if (small !== null) {
      const v = small[this.#head];
      small[this.#head] = undefined;
      this.#head = (this.#head + 1) & (small.length - 1);
      this.#size--;
      return v;
    }
    const chunk = this.#chunks[this.#first]!;
    const v = chunk[this.#head];
    chunk[this.#head] = undefined;
    if (--this.#size === 0) this.#becomeSmall();
    else if (++this.#head === CHUNK) {
      this.#dropChunkFront();
      this.#head = 0;
    }
    return v;
  }

  popBack(): T | undefined {
    if (this.#size === 0) return undefined;
    const small = this.#small;
    if (small !== null) {
      const i = (this.#head + --this.#size) & (small.length - 1);
      const v = small[i];
      small[i] = undefined;
      return v;
    }
    const p = this.#head + --this.#size;
    const chunk = this.#chunks[(this.#first + (p >>> CHUNK_BITS)) & (this.#chunks.length - 1)]!;
    const v = chunk[p & IN_CHUNK];
    chunk[p & IN_CHUNK] = undefined;
    if (this.#size === 0) this.#becomeSmall();
    else if ((p & IN_CHUNK) === 0) this.#dropChunkBack();
    return v;
  }

  /** The element at `index` (0 = front); undefined when out of range. */
  at(index: number): T | undefined {
    if (index < 0 || index >= this.#size) return undefined;
    const small = this.#small;
    if (small !== null) return small[(this.#head + index) & (small.length - 1)];
    const p = this.#head + index;
    return this.#chunks[(this.#first + (p >>> CHUNK_BITS)) & (this.#chunks.length - 1)]![
      p & IN_CHUNK
    ];
  }

  /** Replaces the element at `index`; a RangeError when out of range. */
  setAt(index: number, v: T): void {
    if (!(index >= 0 && index < this.#size)) {
      throw new RangeError(`index ${index} out of range for length ${this.#size}`);
    }
    const small = this.#small;
    if (small !== null) {
      small[(this.#head + index) & (small.length - 1)] = v;
      return;
    }
    const p = this.#head + index;
    this.#chunks[(this.#first + (p >>> CHUNK_BITS)) & (this.#chunks.length - 1)]![
      p & IN_CHUNK
    ] = v;
  }

  /**
   * Inserts `v` so that it ends up at `index` (0 to length): the elements on the nearer
   * side move out and back, so the cost is the distance to the nearer end.
   */
  insertAt(index: number, v: T): void {
    if (!(index >= 0 && index <= this.#size)) {
      throw new RangeError(`index ${index} out of range for length ${this.#size}`);
    }
    const moved: T[] = [];
    if (index <= this.#size - index) {
      for (let i = 0; i < index; i++) moved.push(this.popFront()!);
      this.pushFront(v);
      for (let i = moved.length - 1; i >= 0; i--) this.pushFront(moved[i]);
    } else {
      for (let i = this.#size; i > index; i--) moved.push(this.popBack()!);
      this.pushBack(v);
      for (let i = moved.length - 1; i >= 0; i--) this.pushBack(moved[i]);
    }
  }

  /** Empties the deque (back to a small ring). */
  clear(): void {
    this.#becomeSmall();
    this.#size = 0;
  }

  /** Elements `from` to `to` inclusive, clamped to the deque. */
  slice(from: number, to: number): T[] {
    const out: T[] = [];
    for (let i = Math.max(0, from); i <= Math.min(to, this.#size - 1); i++) out.push(this.at(i)!);
    return out;
  }

  *[Symbol.iterator](): Iterator<T> {
    for (let i = 0; i < this.#size; i++) yield this.at(i)!;
  }

  /**
   * A full small ring doubles, up to CHUNK slots; a full CHUNK-slot ring becomes chunked.
   * Returns the new small ring, or null once chunked.
   */
  #growSmall(small: Slots<T>): Slots<T> | null {
    const mask = small.length - 1;
    if (small.length < CHUNK) {
      const items: Slots<T> = new Array(small.length * 2);
      for (let i = 0; i < this.#size; i++) items[i] = small[(this.#head + i) & mask];
      this.#small = items;
      this.#head = 0;
      return items;
    }
    // Rotated into chunk order (front at slot 0): one copy of CHUNK elements per list.
    const chunk: Slots<T> = this.#head === 0 ? small : new Array(CHUNK);
    if (chunk !== small) {
      for (let i = 0; i < CHUNK; i++) {
        chunk[i] = small[(this.#head + i) & mask];
      }
    }
    this.#chunks = new Array(RING_START);
    this.#chunks[0] = chunk;
    this.#first = 0;
    this.#used = 1;
    this.#head = 0;
    this.#small = null;
    return null;
  }

  /** Back to an empty small ring: the chunks (all slots already cleared) are let go. */
  #becomeSmall(): void {
    this.#small = new Array(SMALL_START);
    this.#chunks = [];
    this.#first = this.#used = this.#head = 0;
    this.#spare = undefined;
  }

  #newChunk(): Slots<T> {
    const spare = this.#spare;
    if (spare === undefined) return new Array(CHUNK);
    this.#spare = undefined;
    return spare;
  }

  #addChunkBack(): void {
    if (this.#used === this.#chunks.length) this.#resizeRing(this.#chunks.length * 2);
    this.#chunks[(this.#first + this.#used++) & (this.#chunks.length - 1)] = this.#newChunk();
  }

  #addChunkFront(): void {
    if (this.#used === this.#chunks.length) this.#resizeRing(this.#chunks.length * 2);
    this.#first = (this.#first - 1) & (this.#chunks.length - 1);
    this.#chunks[this.#first] = this.#newChunk();
    this.#used++;
  }

  #dropChunkFront(): void {
    this.#spare ??= this.#chunks[this.#first];
    this.#chunks[this.#first] = undefined;
    this.#first = (this.#first + 1) & (this.#chunks.length - 1);
    this.#used--;
    this.#shrinkRingIfSparse();
  }

  #dropChunkBack(): void {
    const last = (this.#first + --this.#used) & (this.#chunks.length - 1);
    this.#spare ??= this.#chunks[last];
    this.#chunks[last] = undefined;
    this.#shrinkRingIfSparse();
  }

  /** Halves the ring of chunks when a quarter or less is used (amortized O(1) per drop). */
  #shrinkRingIfSparse(): void {
    const size = this.#chunks.length;
    if (size > RING_START && this.#used * 4 <= size) this.#resizeRing(size / 2);
  }

  /** Copies the chunk references (never the elements) into a ring of `size` slots. */
  #resizeRing(size: number): void {
    const old = this.#chunks;
    const chunks: (Slots<T> | undefined)[] = new Array(size);
    for (let i = 0; i < this.#used; i++) chunks[i] = old[(this.#first + i) & (old.length - 1)];
    this.#chunks = chunks;
    this.#first = 0;
  }
}

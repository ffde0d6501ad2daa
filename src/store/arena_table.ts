/**
 * The large form of hashes and sets ("hashtable"): every key (and, for hashes, its value)
 * is a record of bytes in one shared `Uint8Array` arena, found through an open-addressing
 * index over typed arrays. No JavaScript string or `Map` entry per element: a V8 string
 * costs a 16-byte header plus its bytes rounded up to 8, and a `Map` entry ~30 bytes more,
 * which made a large set ~2.2× Redis's memory; here an element costs its bytes, a 1-byte
 * length, a 4-byte position entry and ~8–16 bytes of index (BENCHMARKS.md, "Memory per
 * element"). Typed arrays are also invisible to the garbage collector's marking.
 *
 * Layout:
 * - records: `[varint key length][key bytes]` and, with values, `[varint value length]
 *   [value bytes]` right after (lengths as in store/packed.ts: 7 bits per byte, high bit
 *   "more"). Keys and values are byte strings (one char per byte, protocol/latin1.ts).
 * - positions 0..size-1 (`#starts`: each position's record offset) are dense: a deletion
 *   moves the last position into the hole, so a random element (SPOP, SRANDMEMBER,
 *   HRANDFIELD) is one read, exactly as store/dense_table.ts does for sorted sets.
 * - the index (position_index.ts, as the keyspace's): linear probing over a power-of-two
 *   table of [position + 1, hash] pairs (0: empty), at most 3/4 full; deletion shifts the
 *   following entries back, so there are no tombstones. The full hash in the slot makes
 *   probing, growing and shifting read no record.
 * - a replaced or deleted record is left in the arena as garbage; once garbage passes half
 *   the arena, the live records are copied into a new one in position order (positions do
 *   not change, so a scan in progress is unaffected).
 *
 * Scans (HSCAN, SSCAN) keep Redis's guarantee as DenseTable's do: the cursor walks positions
 * from the top down and entries only ever move down (a deletion moves the last entry into
 * a lower hole; an insertion appends), so an entry present for the whole scan is returned.
 *
 * Hashing: key_hash.ts's keyed HalfSipHash-1-3 of the bytes, as the keyspace's, so a client
 * cannot aim colliding members at one set and make its probes linear.
 */

import { bytesToString } from "../protocol/latin1.ts";
import { PositionIndex } from "./position_index.ts";
import { hashBytes, hashString } from "./key_hash.ts";

const MIN_ARENA = 64;
const MAX_ARENA = 0x7fffffff;

/** The length stored at `p` and (module scratch) where its bytes start. */
let BODY = 0;
function readLength(a: Uint8Array, p: number): number {
  let c = a[p++];
  if (c < 128) {
    BODY = p;
    return c;
  }
  let len = c & 0x7f, scale = 128;
  do {
    c = a[p++];
    len += (c & 0x7f) * scale;
    scale *= 128;
  } while (c >= 128);
  BODY = p;
  return len;
}

function headerSize(len: number): number {
  let n = 1;
  while (len >= 128) {
    len = Math.floor(len / 128);
    n++;
  }
  return n;
}

function writeLength(a: Uint8Array, p: number, len: number): number {
  while (len >= 128) {
    a[p++] = 0x80 | (len & 0x7f);
    len = Math.floor(len / 128);
  }
  a[p++] = len;
  return p;
}

function writeBytes(a: Uint8Array, p: number, s: string): number {
  const n = s.length;
  for (let i = 0; i < n; i++) a[p + i] = s.charCodeAt(i);
  return p + n;
}

export class ArenaTable {
  #size = 0;
  /** The hash index: [position + 1 (0: empty), hash] per slot (position_index.ts). */
  #index = new PositionIndex();
  /** The record offset of each position. */
  #starts = new Int32Array(4);
  #arena = new Uint8Array(MIN_ARENA);
  /** Bytes of the arena in use, garbage included. */
  #used = 0;
  /** Bytes of replaced or deleted records. */
  #garbage = 0;
  /**
   * The key last found and its position, so that the same key asked again (redis-benchmark's
   * SADD of one member, a client polling one field) skips hashing and comparing its bytes;
   * reset whenever positions move (deletions). The parser's cache of recent arguments often
   * makes the comparison a pointer check.
   */
  #hintKey: string | null = null;
  #hintAt = -1;

  /** `withValues`: each key carries a value (hashes); without, keys only (sets). */
  constructor(readonly withValues: boolean) {}

  get size(): number {
    return this.#size;
  }

  /** Arena bytes held by records (live and garbage) plus the index: MEMORY USAGE, tests. */
  get bytes(): number {
    return this.#arena.byteLength + this.#index.bytes + this.#starts.byteLength;
  }

  /** Whether the key of the record at `p` is `key`. */
  #keyEquals(p: number, key: string): boolean {
    const a = this.#arena;
    const len = readLength(a, p);
    if (len !== key.length) return false;
    const body = BODY;
    for (let i = 0; i < len; i++) if (a[body + i] !== key.charCodeAt(i)) return false;
    return true;
  }

  /** The slot holding `key` (hash `h`), or -1 - the empty slot where it would go. */
  #find(key: string, h: number): number {
    const index = this.#index, slots = index.slots, mask = index.mask, starts = this.#starts;
    for (let s = h & mask;; s = (s + 1) & mask) {
      const v = slots[2 * s];
      if (v === 0) return -1 - s;
      if (slots[2 * s + 1] === h && this.#keyEquals(starts[v - 1], key)) return s;
    }
  }

  /** Position of `key`, or -1. */
  indexOf(key: string): number {
    if (key === this.#hintKey) return this.#hintAt;
    const s = this.#find(key, hashString(key));
    if (s < 0) return -1;
    const i = this.#index.slots[2 * s] - 1;
    this.#hintKey = key;
    this.#hintAt = i;
    return i;
  }

  has(key: string): boolean {
    return this.indexOf(key) >= 0;
  }

  /** The value of `key`, or undefined. */
  get(key: string): string | undefined {
    const i = this.indexOf(key);
    return i < 0 ? undefined : this.valueAt(i);
  }

  /** The key at position `i` (0 ≤ i < size). */
  keyAt(i: number): string {
    const a = this.#arena;
    const len = readLength(a, this.#starts[i]);
    return bytesToString(a, BODY, BODY + len);
  }

  /** The value at position `i` (tables with values). */
  valueAt(i: number): string {
    const a = this.#arena;
    const klen = readLength(a, this.#starts[i]);
    const len = readLength(a, BODY + klen);
    return bytesToString(a, BODY, BODY + len);
  }

  /** Bytes of the key at position `i` (no string built: MEMORY USAGE's samples). */
  keyLengthAt(i: number): number {
    return readLength(this.#arena, this.#starts[i]);
  }

  /** Bytes of the value at position `i`. */
  valueLengthAt(i: number): number {
    const a = this.#arena;
    const klen = readLength(a, this.#starts[i]);
    return readLength(a, BODY + klen);
  }

  /** Adds a key without a value (sets); true when new. */
  add(key: string): boolean {
    if (key === this.#hintKey) return false;
    const h = hashString(key);
    const s = this.#find(key, h);
    if (s >= 0) {
      this.#hintKey = key;
      this.#hintAt = this.#index.slots[2 * s] - 1;
      return false;
    }
    this.#insert(-1 - s, h, key, "");
    return true;
  }

  /** Adds or replaces; true when `key` is new. */
  set(key: string, value: string): boolean {
    let i = this.#hintAt;
    if (key !== this.#hintKey) {
      const h = hashString(key);
      const s = this.#find(key, h);
      if (s < 0) {
        this.#insert(-1 - s, h, key, value);
        return true;
      }
      i = this.#index.slots[2 * s] - 1;
      this.#hintKey = key;
      this.#hintAt = i;
    }
    const a = this.#arena, start = this.#starts[i];
    const klen = readLength(a, start);
    const vlen = readLength(a, BODY + klen);
    if (vlen === value.length) {
      writeBytes(a, BODY, value); // same length: in place
      return false;
    }
    const old = BODY + vlen - start;
    // appended first: a compaction on the way still counts the old record as live
    const next = this.#append(key, value);
    this.#starts[i] = next;
    this.#garbage += old;
    this.#maybeCompact();
    return false;
  }

  /** Room for `n` more bytes in the arena. */
  #reserve(n: number): void {
    const need = this.#used + n;
    if (need <= this.#arena.length) return;
    // offsets are int32: refuse (the command fails before writing) rather than wrap
    if (need - this.#garbage > MAX_ARENA) throw new RangeError("a set or hash past 2 GiB");
    if (this.#garbage > 0 && (this.#garbage >= (this.#used >> 1) || need > MAX_ARENA)) {
      this.#compact(n);
      return;
    }
    const next = new Uint8Array(
      Math.min(MAX_ARENA, Math.max(need, Math.ceil(this.#arena.length * 1.5))),
    );
    next.set(this.#arena.subarray(0, this.#used));
    this.#arena = next;
  }

  /** Appends the record of `key` (and `value`); returns its offset. */
  #append(key: string, value: string): number {
    const with_ = this.withValues;
    const n = headerSize(key.length) + key.length +
      (with_ ? headerSize(value.length) + value.length : 0);
    this.#reserve(n);
    const a = this.#arena, start = this.#used;
    let p = writeBytes(a, writeLength(a, start, key.length), key);
    if (with_) p = writeBytes(a, writeLength(a, p, value.length), value);
    this.#used = p;
    return start;
  }

  #insert(slot: number, h: number, key: string, value: string): void {
    const i = this.#size;
    if (i === this.#starts.length) {
      const next = new Int32Array(Math.ceil(i * 1.5) + 1);
      next.set(this.#starts);
      this.#starts = next;
    }
    this.#starts[i] = this.#append(key, value);
    this.#size = i + 1;
    this.#index.place(slot, i, h);
  }

  /** Removes `key`; true when it was there. */
  delete(key: string): boolean {
    const s = this.#find(key, hashString(key));
    if (s < 0) return false;
    this.#removeSlot(s);
    return true;
  }

  /** Removes the entry at position `i`, moving the last entry into its place. */
  removeAt(i: number): void {
    const a = this.#arena;
    const len = readLength(a, this.#starts[i]);
    this.#removeSlot(this.#index.slotOf(i, hashBytes(a, BODY, len)));
  }

  #removeSlot(s: number): void {
    this.#hintKey = null; // positions move
    const index = this.#index, starts = this.#starts;
    const i = index.slots[2 * s] - 1;
    // the record becomes garbage
    const a = this.#arena, start = starts[i];
    this.#garbage += this.#recordEnd(a, start) - start;
    index.remove(s);
    // the last position fills position i
    const last = this.#size - 1;
    if (i !== last) {
      const len = readLength(a, starts[last]);
      index.slots[2 * index.slotOf(last, hashBytes(a, BODY, len))] = i + 1;
      starts[i] = starts[last];
    }
    this.#size = last;
    if (last === 0) {
      this.#used = 0;
      this.#garbage = 0;
    }
    this.#shrink();
  }

  /** Gives memory back after many deletions. */
  #shrink(): void {
    this.#index.shrinkFor(this.#size);
    if (this.#starts.length > 16 && 4 * this.#size < this.#starts.length) {
      this.#starts = this.#starts.slice(0, Math.max(4, 2 * this.#size));
    }
    this.#maybeCompact();
  }

  #maybeCompact(): void {
    if (this.#garbage > MIN_ARENA && this.#garbage >= (this.#used >> 1)) this.#compact(0);
  }

  /** The offset after the record at `start`. */
  #recordEnd(a: Uint8Array, start: number): number {
    const klen = readLength(a, start);
    const keyEnd = BODY + klen;
    if (!this.withValues) return keyEnd;
    const vlen = readLength(a, keyEnd);
    return BODY + vlen;
  }

  /** Copies the live records into a new arena in position order, with room for `extra`. */
  #compact(extra: number): void {
    const live = this.#used - this.#garbage;
    const old = this.#arena, starts = this.#starts;
    const size = Math.max(MIN_ARENA, Math.ceil((live + extra) * 1.25));
    const next = new Uint8Array(Math.max(live + extra, Math.min(MAX_ARENA, size)));
    let p = 0;
    for (let i = 0; i < this.#size; i++) {
      const start = starts[i];
      const end = this.#recordEnd(old, start);
      next.set(old.subarray(start, end), p);
      starts[i] = p;
      p += end - start;
    }
    this.#arena = next;
    this.#used = p;
    this.#garbage = 0;
  }

  /** A uniformly random position (the table must not be empty). */
  randomIndex(): number {
    return Math.floor(Math.random() * this.#size);
  }

  /** Every key, in position order (a new array). */
  keys(): string[] {
    const out = new Array<string>(this.#size);
    for (let i = 0; i < this.#size; i++) out[i] = this.keyAt(i);
    return out;
  }

  /** Every key and value in position order. */
  forEach(visit: (key: string, value: string) => void): void {
    for (let i = 0; i < this.#size; i++) {
      visit(this.keyAt(i), this.withValues ? this.valueAt(i) : "");
    }
  }

  /**
   * One scan step: visits up to `count` positions from `cursor` downwards and returns the
   * next cursor, 0 when done. Cursor 0 starts at the top; cursor c continues at position
   * c - 1 (clamped to the top, which may have shrunk since).
   */
  scan(cursor: number, count: number, visit: (index: number) => void): number {
    // a cursor no scan of this table returned (-1 wraps to 2^64-1 in Redis): nothing left
    if (cursor >= Number.MAX_SAFE_INTEGER) return 0;
    let pos = cursor === 0 ? this.#size - 1 : Math.min(cursor - 1, this.#size - 1);
    for (let n = 0; n < count && pos >= 0; n++, pos--) visit(pos);
    return pos < 0 ? 0 : pos + 1;
  }

  /** A deep copy (COPY): the same records, compacted. */
  copy(): ArenaTable {
    const t = new ArenaTable(this.withValues);
    t.#size = this.#size;
    t.#index = this.#index.copy();
    t.#starts = this.#starts.slice(0, Math.max(4, this.#size));
    t.#arena = this.#arena.slice(0, Math.max(this.#used, 1));
    t.#used = this.#used;
    t.#garbage = this.#garbage;
    if (t.#garbage > 0) t.#compact(0);
    return t;
  }
}

/**
 * The stream value: entries packed in nodes (byte buffers, like Redis's listpacks), the
 * nodes kept in id order in one array (Redis keeps them in a radix tree keyed by each
 * node's first id). Appending is O(1); finding an id is a binary search over the nodes
 * then over one node's entries, so a range read is O(log N + M); deleting marks one
 * entry, trimming drops whole nodes from the front and marks entries in at most one, so
 * neither rewrites the stream.
 *
 * Nodes split exactly where Redis's do (at 100 entries, deleted ones included, or when the
 * node's listpack would pass 4096 bytes: `redisBytes` tracks what Redis's listpack would
 * weigh), because approximate trimming (`MAXLEN ~`) removes whole nodes only and must
 * remove the same entries as Redis does. The bookkeeping Redis 7.0 keeps for consumer
 * groups (entries-added, max-deleted-entry-id, the recorded first id) lives here too; the
 * groups themselves are in stream_groups.ts.
 *
 * An entry in a node's buffer: a flags byte (deleted, same fields as the node's first
 * entry), the ms delta from the node's first id and the sequence (a delta when the ms is
 * the same) as varints, then — unless it has the node's fields — the field count and
 * fields, then the values, each string as a varint length and its bytes.
 */

import { bytesToString } from "../protocol/latin1.ts";
import { ByteSlab } from "./byte_slab.ts";
import {
  big,
  compareIds,
  isZeroId,
  MAX_ID,
  MIN_ID,
  nextId,
  norm,
  type StreamId,
  sub,
  type U64,
} from "./stream_id.ts";
import type { ConsumerGroup } from "./stream_groups.ts";

/** Redis's stream-node-max-entries and stream-node-max-bytes defaults. */
export const NODE_MAX_ENTRIES = 100;
export const NODE_MAX_BYTES = 4096;
/** The last byte an entry may start at in a node (its offsets are 16-bit). */
const MAX_ENTRY_OFFSET = 0xffff;

/** The field names of a field-value list `fv[from..]`. */
function fieldNames(fv: readonly string[], from: number): string[] {
  const fields = new Array<string>((fv.length - from) >> 1);
  for (let i = 0; i < fields.length; i++) fields[i] = fv[from + i * 2];
  return fields;
}

const FLAG_DELETED = 1;
const FLAG_SAMEFIELDS = 2;
/** The first node's buffer; later nodes start at what the previous one filled. */
const INITIAL_BYTES = 512;
/** Spare bytes a closed node may keep rather than pay for a copy (see `shrink`). */
const SPARE_KEPT = 64;
/** Nodes a stream holds before it carves new nodes' buffers from slabs (Stream.#newNode). */
const SLAB_AFTER_NODES = 8;
const SLAB_MIN_BYTES = 8 * 1024;
const SLAB_MAX_BYTES = 64 * 1024;
/** A carved node's offsets: room for a full node's entries. */
const CARVED_OFFSETS_BYTES = NODE_MAX_ENTRIES * 2;

/** An entry: its id and its fields and values, flat (f1, v1, f2, v2, ...). */
export interface StreamEntry {
  id: StreamId;
  fields: string[];
}

/** How XADD / XTRIM trim: MAXLEN or MINID, exact or `~`, with LIMIT (0: none). */
export interface TrimSpec {
  strategy: "maxlen" | "minid";
  maxlen: number;
  minid: StreamId;
  approx: boolean;
  limit: number;
}

// ---- Redis's listpack sizes (listpack.c), for node splitting only ----

/** Bytes of an integer element in a listpack (encoding + backlen). */
function lpIntBytes(v: U64): number {
  if (typeof v === "bigint") v = norm(BigInt.asIntN(64, v));
  if (typeof v === "bigint") return 10;
  if (v >= 0 && v <= 127) return 2;
  if (v >= -4096 && v <= 4095) return 3;
  if (v >= -32768 && v <= 32767) return 4;
  if (v >= -8388608 && v <= 8388607) return 5;
  if (v >= -2147483648 && v <= 2147483647) return 6;
  return 10;
}

function lpBacklenBytes(l: number): number {
  return l <= 127 ? 1 : l < 16383 ? 2 : l < 2097151 ? 3 : l < 268435455 ? 4 : 5;
}

/** Listpack's string-to-int64 test (string2ll rules): the integer, or null. */
function lpAsInteger(s: string): U64 | null {
  const n = s.length;
  if (n === 0 || n > 20) return null;
  const c = s.charCodeAt(0);
  if (c !== 45 && (c < 48 || c > 57)) return null; // not '-' nor a digit: most values
  if (!/^(0|-?[1-9][0-9]*)$/.test(s)) return null;
  if (n <= 15) return Number(s);
  const v = BigInt(s);
  if (v > 9223372036854775807n || v < -9223372036854775808n) return null;
  return norm(v);
}

/** Bytes of a string element in a listpack (stored as an integer when it is one). */
function lpStringBytes(s: string): number {
  const asInt = s.length <= 20 ? lpAsInteger(s) : null;
  if (asInt !== null) return lpIntBytes(asInt);
  const len = s.length;
  const head = len < 64 ? 1 : len < 4096 ? 2 : 5;
  return head + len + lpBacklenBytes(head + len);
}

/** Redis stores id deltas as uint64 differences read back as int64. */
function wrappedDelta(a: U64, b: U64): U64 {
  if (typeof a === "number" && typeof b === "number") return a - b;
  return norm(BigInt.asIntN(64, big(a) - big(b)));
}

// ---- varints ----

function writeVarint(buf: Uint8Array, pos: number, v: U64): number {
  if (typeof v === "number" && v <= 0x7fffffff) {
    // small values (lengths, id deltas, sequences): 32-bit integer operations
    while (v >= 128) {
      buf[pos++] = (v & 127) | 128;
      v >>>= 7;
    }
    buf[pos++] = v;
    return pos;
  }
  if (typeof v === "number") {
    while (v >= 128) {
      buf[pos++] = (v % 128) | 128;
      v = Math.floor(v / 128);
    }
    buf[pos++] = v;
    return pos;
  }
  while (v >= 128n) {
    buf[pos++] = Number(v & 127n) | 128;
    v >>= 7n;
  }
  buf[pos++] = Number(v);
  return pos;
}

/** Reader state shared by the decoding helpers (one per call site, never kept). */
class Cursor {
  pos = 0;
  constructor(readonly buf: Uint8Array) {}

  varint(): U64 {
    const buf = this.buf;
    let b = buf[this.pos++];
    if (b < 128) return b;
    let v = b & 127, mul = 128, n = 1;
    do {
      b = buf[this.pos++];
      v += (b & 127) * mul;
      mul *= 128;
      n++;
    } while (b >= 128 && n < 7);
    if (b < 128) return v;
    // Past 49 bits: finish in bigint.
    let bv = BigInt(v), shift = 49n;
    do {
      b = buf[this.pos++];
      bv += BigInt(b & 127) << shift;
      shift += 7n;
    } while (b >= 128);
    return norm(bv);
  }

  /** A small varint (lengths, counts): always a number. */
  small(): number {
    return this.varint() as number;
  }

  string(): string {
    const len = this.small();
    const start = this.pos;
    this.pos += len;
    return bytesToString(this.buf, start, this.pos);
  }

  skipString(): void {
    const len = this.small();
    this.pos += len;
  }
}

/** One node: up to NODE_MAX_ENTRIES entries (deleted ones included) packed in a buffer. */
class StreamNode {
  used = 0;
  /** Entries held, deleted ones included. */
  count = 0;
  live = 0;
  deleted = 0;
  /** What this node's listpack would weigh in Redis. */
  redisBytes: number;
  /** What `fields` weigh in `bytes()`, counted once. */
  readonly #fieldBytes: number;
  /**
   * The slab `buf` is carved from while it is the slab's last range, so it can grow and
   * shrink in place (the stream's open node); null for a buffer of its own, or once closed.
   */
  #slab: ByteSlab | null;
  /** Whether `offsets` is carved from a slab (it then keeps room for a full node). */
  readonly #carved: boolean;

  /**
   * `buf` holds the entries; `offsets` says where each entry starts in it, deleted entries
   * included. 16 bits suffice: an entry is added only while the node's listpack (as Redis
   * would weigh it) is under 4096 bytes, and this encoding is never much larger than a
   * listpack, so no entry but the first can start past 64 KiB (and the first starts at 0,
   * however large it is). The stream chooses both buffers' sizes (`Stream.#newNode`).
   */
  constructor(
    readonly master: StreamId,
    readonly fields: readonly string[],
    public buf: Uint8Array,
    public offsets: Uint16Array,
    slab: ByteSlab | null = null,
  ) {
    this.#slab = slab;
    this.#carved = slab !== null;
    // header + end, count, deleted, field count, fields, master terminator
    let bytes = 7 + lpIntBytes(0) + lpIntBytes(0) + lpIntBytes(fields.length) + lpIntBytes(0);
    let fieldBytes = 0;
    for (const f of fields) {
      bytes += lpStringBytes(f);
      fieldBytes += 16 + f.length;
    }
    this.redisBytes = bytes;
    this.#fieldBytes = fieldBytes;
  }

  /** Whether Redis would start a new node before adding an entry of `payload` bytes. */
  full(payload: number): boolean {
    return this.redisBytes + payload >= NODE_MAX_BYTES || this.count >= NODE_MAX_ENTRIES;
  }

  /** Whether `fv[from..]` has this node's fields, in order. */
  sameFields(fv: readonly string[], from = 0): boolean {
    const f = this.fields;
    if (fv.length - from !== f.length * 2) return false;
    for (let i = 0; i < f.length; i++) if (fv[from + i * 2] !== f[i]) return false;
    return true;
  }

  /** Makes room for `n` more bytes; returns how much `buf` grew. */
  #reserve(n: number): number {
    const old = this.buf.length;
    if (this.used + n <= old) return 0;
    let size = Math.max(old * 2, 64);
    while (size < this.used + n) size *= 2;
    const slab = this.#slab;
    if (slab !== null) {
      const at = this.buf.byteOffset;
      if (slab.resizeTail(at, old, size)) {
        // the bytes already written stay where they are: a longer view, no copy
        this.buf = new Uint8Array(slab.buffer, at, size);
        return size - old;
      }
      // no room left in the slab: the node moves to a buffer of its own
      slab.resizeTail(at, old, 0);
      this.#slab = null;
    }
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.used));
    this.buf = next;
    return size - old;
  }

  /** One more entry's room in `offsets`; returns how much it grew in bytes. */
  #growOffsets(): number {
    // A node that outgrows 16 entries usually fills up: one copy to the most it can hold
    // (a full node keeps exactly that; `shrink` trims one closed early). A node loaded
    // from an RDB may hold more (another stream-node-max-entries): it doubles.
    const old = this.offsets;
    const next = new Uint16Array(Math.max(NODE_MAX_ENTRIES, old.length * 2));
    next.set(old);
    this.offsets = next;
    return next.byteLength - old.byteLength;
  }

  /**
   * Appends an entry whose fields and values are `fv[from..]` (`payload`: their total
   * length); returns how much `bytes()` grew.
   */
  append(id: StreamId, fv: readonly string[], from: number, payload: number): number {
    const count = this.count;
    const same = count === 0 || this.sameFields(fv, from);
    const strings = fv.length - from;
    // at most: flags, two 64-bit varints, the pair count, each string's length and bytes
    let grown = this.#reserve(26 + payload + 5 * strings);
    if (count === this.offsets.length) grown += this.#growOffsets();
    this.offsets[count] = this.used;
    const buf = this.buf;
    const master = this.master;
    let p = this.used;
    buf[p++] = same ? FLAG_SAMEFIELDS : 0;
    // The ms delta, then the sequence (a delta when the ms is the master's). Redis's listpack
    // holds both deltas as int64s (uint64 differences read back signed): for safe integers,
    // the plain differences.
    let lpBytes: number;
    if (
      typeof id.ms === "number" && typeof master.ms === "number" &&
      typeof id.seq === "number" && typeof master.seq === "number"
    ) {
      const msDelta = id.ms - master.ms, seqDelta = id.seq - master.seq;
      const seqPart = msDelta === 0 ? seqDelta : id.seq;
      // (one byte each, most of the time)
      if (msDelta < 128) buf[p++] = msDelta;
      else p = writeVarint(buf, p, msDelta);
      if (seqPart < 128) buf[p++] = seqPart;
      else p = writeVarint(buf, p, seqPart);
      lpBytes = lpIntBytes(msDelta) + lpIntBytes(seqDelta);
    } else {
      const msDelta = sub(id.ms, master.ms);
      p = writeVarint(buf, p, msDelta);
      p = writeVarint(buf, p, msDelta === 0 ? sub(id.seq, master.seq) : id.seq);
      lpBytes = lpIntBytes(wrappedDelta(id.ms, master.ms)) +
        lpIntBytes(wrappedDelta(id.seq, master.seq));
    }
    const pairs = strings >> 1;
    // Redis's listpack growth for this entry: flags (0 or 2: two bytes either way), the
    // ms and seq deltas (above), [the field count and fields,] the values, the lp-count,
    // and the node's count rewritten.
    lpBytes += 2;
    if (!same) {
      p = writeVarint(buf, p, pairs);
      lpBytes += lpIntBytes(pairs);
    }
    const step = same ? 2 : 1;
    for (let i = same ? from + 1 : from; i < fv.length; i += step) {
      const s = fv[i];
      const len = s.length;
      if (len < 128) buf[p++] = len;
      else p = writeVarint(buf, p, len);
      for (let j = 0; j < len; j++) buf[p++] = s.charCodeAt(j);
      // (most values: short, and not integers, which start with a digit or '-')
      const c = s.charCodeAt(0);
      lpBytes += len < 64 && (c > 57 || (c < 48 && c !== 45)) ? len + 2 : lpStringBytes(s);
    }
    this.used = p;
    this.count = count + 1;
    const live = ++this.live;
    lpBytes += lpIntBytes(same ? pairs + 3 : pairs * 2 + 4);
    // (the count is one byte up to 127, two from 128: only then does rewriting it grow)
    if (live > 127) lpBytes += lpIntBytes(live) - lpIntBytes(live - 1);
    this.redisBytes += lpBytes;
    return grown;
  }

  /**
   * A node that will take no more entries gives back its spare buffer: in place when it
   * is its slab's last range, else by a copy unless the spare is small (the copy would cost
   * more than the bytes are worth). Returns how much `bytes()` changed.
   */
  shrink(): number {
    const before = this.bytes();
    const slab = this.#slab;
    if (slab !== null) {
      this.#slab = null;
      const at = this.buf.byteOffset;
      if (this.used < this.buf.length && slab.resizeTail(at, this.buf.length, this.used)) {
        this.buf = new Uint8Array(slab.buffer, at, this.used);
      }
      // (its offsets, carved before it, keep room for a full node: reclaiming them would
      // take a buffer of their own)
    } else {
      if (this.used + SPARE_KEPT < this.buf.length) this.buf = this.buf.slice(0, this.used);
      if (this.count < this.offsets.length && !this.#carved) {
        this.offsets = this.offsets.slice(0, this.count);
      }
    }
    return this.bytes() - before;
  }

  flagsAt(i: number): number {
    return this.buf[this.offsets[i]];
  }

  /** The id of entry `i`. */
  idAt(i: number): StreamId {
    const c = new Cursor(this.buf);
    c.pos = this.offsets[i] + 1;
    return this.#readId(c);
  }

  #readId(c: Cursor): StreamId {
    const msDelta = c.varint();
    const seq = c.varint();
    if (msDelta === 0) {
      const m = this.master;
      return {
        ms: m.ms,
        seq: typeof m.seq === "number" && typeof seq === "number" && m.seq + seq <= 2 ** 53 - 1
          ? m.seq + seq
          : norm(big(m.seq) + big(seq)),
      };
    }
    const ms = this.master.ms;
    return {
      ms: typeof ms === "number" && typeof msDelta === "number" && ms + msDelta <= 2 ** 53 - 1
        ? ms + msDelta
        : norm(big(ms) + big(msDelta)),
      seq,
    };
  }

  /** Entry `i` in full. */
  entryAt(i: number): StreamEntry {
    const c = new Cursor(this.buf);
    c.pos = this.offsets[i];
    const flags = this.buf[c.pos++];
    const id = this.#readId(c);
    if (flags & FLAG_SAMEFIELDS) {
      const f = this.fields;
      const fields = new Array<string>(f.length * 2);
      for (let k = 0; k < f.length; k++) {
        fields[k * 2] = f[k];
        fields[k * 2 + 1] = c.string();
      }
      return { id, fields };
    }
    const pairs = c.small();
    const fields = new Array<string>(pairs * 2);
    for (let k = 0; k < pairs * 2; k++) fields[k] = c.string();
    return { id, fields };
  }

  /** First entry index whose id is >= `id` (count when none). Deleted entries included. */
  lowerBound(id: StreamId): number {
    let lo = 0, hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareIds(this.idAt(mid), id) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Marks entry `i` deleted (it must be live). */
  markDeleted(i: number): void {
    this.buf[this.offsets[i]] |= FLAG_DELETED;
    this.redisBytes += lpIntBytes(this.live - 1) - lpIntBytes(this.live);
    this.redisBytes += lpIntBytes(this.deleted + 1) - lpIntBytes(this.deleted);
    this.live--;
    this.deleted++;
  }

  isDeleted(i: number): boolean {
    return (this.buf[this.offsets[i]] & FLAG_DELETED) !== 0;
  }

  /** A copy with buffers of its own. */
  clone(): StreamNode {
    const n = new StreamNode(this.master, this.fields, this.buf.slice(), this.offsets.slice());
    n.used = this.used;
    n.count = this.count;
    n.live = this.live;
    n.deleted = this.deleted;
    n.redisBytes = this.redisBytes;
    return n;
  }

  /** Bytes this node holds (buffers and fields), for MEMORY USAGE. */
  bytes(): number {
    return 96 + this.buf.length + this.offsets.byteLength + this.#fieldBytes;
  }
}

/** An id as Redis's 128-bit big-endian radix-tree key. */
function encodeId(id: StreamId): Uint8Array {
  const out = new Uint8Array(16);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, big(id.ms));
  view.setBigUint64(8, big(id.seq));
  return out;
}

/** A stream: entries in id order, plus what consumer groups need to know about it. */
export class Stream {
  /** The value model's discriminant (store/values.ts). */
  readonly kind = "stream";
  /** Nodes in id order; the live ones are `nodes[head..]` (trimming advances `head`). */
  #nodes: StreamNode[] = [];
  #head = 0;
  /** The nodes' bytes, kept as they change: MEMORY USAGE and maxmemory read it per write. */
  #nodeBytes = 0;
  /** Where nodes after the first SLAB_AFTER_NODES take their buffers (see #newNode). */
  #slab: ByteSlab | null = null;
  length = 0;
  lastId: StreamId = MIN_ID;
  /** The first live entry's id when Redis last recorded it (recorded-first-entry-id). */
  firstId: StreamId = MIN_ID;
  maxDeletedId: StreamId = MIN_ID;
  entriesAdded: U64 = 0;
  /** Consumer groups by name; created on first use, as in Redis. */
  groups: Map<string, ConsumerGroup> | null = null;

  /**
   * Each node as Redis's radix tree holds it (RDB and DUMP write them so): its master id
   * and fields, and every entry it holds, deleted ones flagged.
   */
  *packedNodes(): Generator<{
    master: StreamId;
    fields: readonly string[];
    entries: { entry: StreamEntry; deleted: boolean }[];
  }> {
    for (let n = this.#head; n < this.#nodes.length; n++) {
      const node = this.#nodes[n];
      const entries: { entry: StreamEntry; deleted: boolean }[] = [];
      for (let i = 0; i < node.count; i++) {
        entries.push({ entry: node.entryAt(i), deleted: node.isDeleted(i) });
      }
      yield { master: node.master, fields: node.fields, entries };
    }
  }

  /** Radix-tree keys in Redis's terms: how many nodes hold entries. */
  get nodeCount(): number {
    return this.#nodes.length - this.#head;
  }

  /**
   * Redis's `radix-tree-nodes` (XINFO STREAM): the nodes of a radix tree holding each
   * node's first id as a 16-byte big-endian key. A rax node sits at the root, at every
   * branching point, below each branch, and at each key's end; single-child runs between
   * them are compressed into one node.
   */
  radixTreeNodes(): number {
    const keys: Uint8Array[] = [];
    for (let i = this.#head; i < this.#nodes.length; i++) {
      keys.push(encodeId(this.#nodes[i].master));
    }
    const count = (lo: number, hi: number, depth: number, mustBeNode: boolean): number => {
      if (depth === 16) return 1;
      const bounds = [lo];
      for (let i = lo + 1; i < hi; i++) if (keys[i][depth] !== keys[i - 1][depth]) bounds.push(i);
      bounds.push(hi);
      if (bounds.length === 2) return (mustBeNode ? 1 : 0) + count(lo, hi, depth + 1, false);
      // a branching node; below it, each child starts a node of its own
      let total = 1;
      for (let b = 0; b + 1 < bounds.length; b++) {
        total += count(bounds[b], bounds[b + 1], depth + 1, true);
      }
      return total;
    };
    return keys.length === 0 ? 1 : count(0, keys.length, 0, true);
  }

  /** The id XADD `*` gives at `now` (ms): the clock, or the last id's successor. */
  autoId(now: number): StreamId | null {
    return now > this.lastId.ms ? { ms: now, seq: 0 } : nextId(this.lastId);
  }

  /**
   * Appends an entry whose fields and values are `fv[from..]` (XADD passes its arguments
   * as they are); `id` must be greater than `lastId` (the caller checks).
   */
  append(id: StreamId, fv: readonly string[], from = 0): void {
    let payload = 0;
    for (let i = from; i < fv.length; i++) payload += fv[i].length;
    const nodes = this.#nodes;
    let node = nodes.length > this.#head ? nodes[nodes.length - 1] : undefined;
    if (node !== undefined && node.full(payload)) {
      this.#nodeBytes += node.shrink();
      node = undefined;
    }
    if (node === undefined) {
      node = this.#newNode(id, fv, from);
      nodes.push(node);
      this.#nodeBytes += node.bytes();
    }
    this.#nodeBytes += node.append(id, fv, from, payload);
    this.length++;
    this.entriesAdded = typeof this.entriesAdded === "number"
      ? this.entriesAdded + 1
      : norm(this.entriesAdded + 1n);
    this.lastId = id;
    if (this.length === 1) this.firstId = id;
  }

  /**
   * A node for an entry with id `id` and fields `fv[from..]`, after the nodes there are.
   * A stream's entries tend to look alike, so its buffer starts at the size the previous
   * node ended with (plus a little), and filling it needs no copy to grow and none to
   * shrink. A stream of a few nodes gives each its own buffers; a longer one carves them
   * from a slab (byte_slab.ts: an ArrayBuffer costs far more than the bytes written into
   * it), sized to half what the stream holds (8–64 KiB), so what a slab keeps alive beyond
   * its live nodes (ranges of nodes trimmed or deleted, its unused end) stays within that.
   */
  #newNode(id: StreamId, fv: readonly string[], from: number): StreamNode {
    const fields = fieldNames(fv, from);
    const nodes = this.#nodes;
    const held = nodes.length - this.#head;
    if (held === 0) {
      return new StreamNode(id, fields, new Uint8Array(INITIAL_BYTES), new Uint16Array(16));
    }
    const previous = nodes[nodes.length - 1];
    // (a node of one huge entry is no guide: past twice the node size, start as usual)
    const guess = previous.used + SPARE_KEPT / 2;
    const size = guess > 2 * NODE_MAX_BYTES ? INITIAL_BYTES : (guess + 7) & ~7;
    if (held < SLAB_AFTER_NODES) {
      const offsets = new Uint16Array(Math.max(16, previous.count));
      return new StreamNode(id, fields, new Uint8Array(size), offsets);
    }
    const need = CARVED_OFFSETS_BYTES + size;
    let slab = this.#slab;
    let at = slab === null ? -1 : slab.take(need);
    if (at < 0) {
      let slabSize = SLAB_MIN_BYTES;
      while (slabSize < SLAB_MAX_BYTES && slabSize < this.#nodeBytes / 2) slabSize *= 2;
      this.#slab = slab = new ByteSlab(Math.max(slabSize, need));
      at = slab.take(need);
    }
    return new StreamNode(
      id,
      fields,
      new Uint8Array(slab!.buffer, at + CARVED_OFFSETS_BYTES, size),
      new Uint16Array(slab!.buffer, at, NODE_MAX_ENTRIES),
      slab,
    );
  }

  /** Index (into #nodes) of the last node whose first id is <= `id`, or head - 1. */
  #nodeAtOrBefore(id: StreamId): number {
    let lo = this.#head, hi = this.#nodes.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareIds(this.#nodes[mid].master, id) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }

  /**
   * Visits live entries with `start <= id <= end`, ascending (descending when `rev`), at
   * most `count` of them (0: all). `visit` returns false to stop early.
   */
  range(
    start: StreamId,
    end: StreamId,
    rev: boolean,
    count: number,
    visit: (entry: StreamEntry) => boolean | void,
  ): number {
    if (compareIds(start, end) > 0) return 0;
    const nodes = this.#nodes;
    let seen = 0;
    if (!rev) {
      let n = Math.max(this.#head, this.#nodeAtOrBefore(start));
      let i = n < nodes.length ? nodes[n].lowerBound(start) : 0;
      for (; n < nodes.length; n++, i = 0) {
        const node = nodes[n];
        for (; i < node.count; i++) {
          if (node.isDeleted(i)) continue;
          const entry = node.entryAt(i);
          if (compareIds(entry.id, end) > 0) return seen;
          seen++;
          if (visit(entry) === false || seen === count) return seen;
        }
      }
      return seen;
    }
    let n = this.#nodeAtOrBefore(end);
    if (n < this.#head) return 0;
    let i = nodes[n].lowerBound(end);
    if (i === nodes[n].count || compareIds(nodes[n].idAt(i), end) > 0) i--;
    for (; n >= this.#head; n--, i = n >= this.#head ? nodes[n].count - 1 : 0) {
      const node = nodes[n];
      for (; i >= 0; i--) {
        if (node.isDeleted(i)) continue;
        const entry = node.entryAt(i);
        if (compareIds(entry.id, start) < 0) return seen;
        seen++;
        if (visit(entry) === false || seen === count) return seen;
      }
    }
    return seen;
  }

  /** Where live entry `id` is, or null. */
  #find(id: StreamId): [number, number] | null {
    const n = this.#nodeAtOrBefore(id);
    if (n < this.#head) return null;
    const node = this.#nodes[n];
    const i = node.lowerBound(id);
    if (i === node.count || node.isDeleted(i) || compareIds(node.idAt(i), id) !== 0) return null;
    return [n, i];
  }

  /** The live entry with `id`, or undefined. */
  get(id: StreamId): StreamEntry | undefined {
    const at = this.#find(id);
    return at === null ? undefined : this.#nodes[at[0]].entryAt(at[1]);
  }

  has(id: StreamId): boolean {
    return this.#find(id) !== null;
  }

  /** The first (or last) live entry, or undefined when empty. */
  edgeEntry(last: boolean): StreamEntry | undefined {
    let found: StreamEntry | undefined;
    this.range(MIN_ID, MAX_ID, last, 1, (e) => {
      found = e;
    });
    return found;
  }

  /** The last live entry's id (Redis's streamLastValidID), 0-0 when empty. */
  lastValidId(): StreamId {
    return this.edgeEntry(true)?.id ?? MIN_ID;
  }

  /** Deletes one live entry (XDEL's streamDeleteItem); true when it existed. */
  #deleteOne(id: StreamId): boolean {
    const at = this.#find(id);
    if (at === null) return false;
    const [n, i] = at;
    const node = this.#nodes[n];
    if (node.live === 1) this.#removeNode(n);
    else node.markDeleted(i);
    this.length--;
    return true;
  }

  #removeNode(n: number): void {
    this.#nodeBytes -= this.#nodes[n].bytes();
    if (n === this.#head) {
      this.#nodes[n] = undefined as unknown as StreamNode;
      this.#head++;
    } else {
      this.#nodes.splice(n, 1);
    }
  }

  /** Drops the removed prefix once it is most of the array: amortised O(1) per node. */
  #compact(): void {
    if (this.#head === this.#nodes.length) {
      this.#nodes = [];
      this.#head = 0;
    } else if (this.#head > 32 && this.#head * 2 > this.#nodes.length) {
      this.#nodes = this.#nodes.slice(this.#head);
      this.#head = 0;
    }
  }

  /** XDEL: deletes the live entries among `ids`, keeping Redis's bookkeeping; the count. */
  delete(ids: readonly StreamId[]): number {
    let deleted = 0;
    let firstEntry = false;
    for (const id of ids) {
      if (!this.#deleteOne(id)) continue;
      if (compareIds(id, this.firstId) === 0) firstEntry = true;
      if (compareIds(id, this.maxDeletedId) > 0) this.maxDeletedId = id;
      deleted++;
    }
    this.#compact();
    if (deleted) {
      if (this.length === 0) this.firstId = MIN_ID;
      else if (firstEntry) this.firstId = this.edgeEntry(false)!.id;
    }
    return deleted;
  }

  /** XTRIM / XADD's trimming (Redis's streamTrim): entries removed. */
  trim(spec: TrimSpec): number {
    const nodes = this.#nodes;
    let deleted = 0;
    while (this.#head < nodes.length) {
      if (spec.strategy === "maxlen" && this.length <= spec.maxlen) break;
      const node = nodes[this.#head];
      const entries = node.live;
      if (spec.limit && deleted + entries > spec.limit) break;
      const removeNode = spec.strategy === "maxlen"
        ? this.length - entries >= spec.maxlen
        : compareIds(node.idAt(node.count - 1), spec.minid) < 0;
      if (removeNode) {
        this.#removeNode(this.#head);
        this.length -= entries;
        deleted += entries;
        continue;
      }
      if (spec.approx) break;
      // Mark entries deleted inside this node, then stop: the rest is newer.
      for (let i = 0; i < node.count; i++) {
        const stop = spec.strategy === "maxlen"
          ? this.length <= spec.maxlen
          : compareIds(node.idAt(i), spec.minid) >= 0;
        if (stop) break;
        if (!node.isDeleted(i)) {
          node.markDeleted(i);
          this.length--;
          deleted++;
        }
      }
      break;
    }
    this.#compact();
    if (this.length === 0) this.firstId = MIN_ID;
    else if (deleted) this.firstId = this.edgeEntry(false)!.id;
    return deleted;
  }

  /** Whether a tombstone may lie in [start, end] (Redis's streamRangeHasTombstones). */
  rangeHasTombstones(start: StreamId | null, end: StreamId | null): boolean {
    if (this.length === 0 || isZeroId(this.maxDeletedId)) return false;
    // the latest tombstone is before the first entry: none is left in the stream
    if (compareIds(this.firstId, this.maxDeletedId) > 0) return false;
    const s = start ?? MIN_ID, e = end ?? MAX_ID;
    return compareIds(s, this.maxDeletedId) <= 0 && compareIds(this.maxDeletedId, e) <= 0;
  }

  /** Estimated bytes (MEMORY USAGE): the nodes' buffers and the groups. */
  bytes(): number {
    let n = 128 + this.#nodeBytes;
    if (this.groups) { for (const g of this.groups.values()) n += g.bytes(); }
    return n;
  }

  /**
   * Appends a node as it was saved (RDB, RESTORE): its first id, its fields and its
   * entries, deleted ones included, so the node layout (which `~` trims and XINFO see) is
   * the saved one, as Redis loads listpacks as they are; but a saved node past 64 KiB (a
   * Redis with a larger stream-node-max-bytes) continues in a new node where it passes
   * it. The caller then restores the ids and counters (lastId, entriesAdded ...) it saved.
   */
  restoreNode(
    master: StreamId,
    fields: readonly string[],
    entries: readonly { id: StreamId; fields: readonly string[]; deleted: boolean }[],
  ): void {
    if (entries.length === 0) return;
    const tail = this.#nodes.length > this.#head ? this.#nodes[this.#nodes.length - 1] : null;
    if (tail !== null) this.#nodeBytes += tail.shrink();
    let node = new StreamNode(master, fields, new Uint8Array(INITIAL_BYTES), new Uint16Array(16));
    for (const e of entries) {
      if (node.used > MAX_ENTRY_OFFSET) {
        // A saved node past 64 KiB (a Redis with a larger stream-node-max-bytes): the rest
        // of its entries go to a new node, whose offsets fit in 16 bits again.
        node.shrink();
        this.#nodes.push(node);
        this.#nodeBytes += node.bytes();
        const names = fieldNames(e.fields, 0);
        node = new StreamNode(e.id, names, new Uint8Array(INITIAL_BYTES), new Uint16Array(16));
      }
      let payload = 0;
      for (const s of e.fields) payload += s.length;
      node.append(e.id, e.fields, 0, payload);
      if (e.deleted) node.markDeleted(node.count - 1);
      else this.length++;
    }
    this.#nodes.push(node);
    this.#nodeBytes += node.bytes();
    if (this.length && isZeroId(this.firstId)) this.firstId = this.edgeEntry(false)!.id;
  }

  /** The nodes' bytes counted afresh (tests check the running count against it). */
  recountNodeBytes(): number {
    let n = 0;
    for (let i = this.#head; i < this.#nodes.length; i++) n += this.#nodes[i].bytes();
    return n;
  }

  /** The running count of the nodes' bytes. */
  get nodeBytes(): number {
    return this.#nodeBytes;
  }

  /** A deep copy (COPY): the same nodes, tombstones included, as Redis's streamDup. */
  copy(copyGroup: (g: ConsumerGroup) => ConsumerGroup): Stream {
    const s = new Stream();
    for (let i = this.#head; i < this.#nodes.length; i++) s.#nodes.push(this.#nodes[i].clone());
    s.#nodeBytes = this.#nodeBytes;
    s.length = this.length;
    s.lastId = this.lastId;
    s.firstId = this.firstId;
    s.maxDeletedId = this.maxDeletedId;
    s.entriesAdded = this.entriesAdded;
    if (this.groups) {
      s.groups = new Map();
      for (const [name, g] of this.groups) s.groups.set(name, copyGroup(g));
    }
    return s;
  }
}

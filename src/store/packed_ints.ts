/**
 * Redis's intset: the sorted integers of a small set packed into one string, each in the
 * same width (2, 4 or 8 bytes, little-endian two's complement: int16, int32 or int64) as
 * wide as its widest member needs, searched by bisection. A member costs what it costs
 * Redis. Integers are handled as two 32-bit halves, so the whole int64 range is exact
 * without a BigInt except to print a member past 2^53. Immutable strings, as store/
 * packed.ts explains: a write builds the new string with a join.
 *
 * Members come in as canonical integer strings (set.ts checks them with
 * `isIntsetMember`), and go out the same way.
 */

const TWO_32 = 2 ** 32;
/** The halves of the last integer split or read (module scratch: no tuple per call). */
let HI = 0, LO = 0;

/** Splits a canonical int64 string into HI (signed) and LO (unsigned) 32-bit halves. */
function split(m: string): void {
  if (m.length <= 15) {
    const n = Number(m);
    HI = Math.floor(n / TWO_32);
    LO = n - HI * TWO_32;
  } else {
    const b = BigInt(m);
    HI = Number(BigInt.asIntN(32, b >> 32n));
    LO = Number(BigInt.asUintN(32, b));
  }
}

/** The width (bytes) the integer in HI/LO needs. */
function widthOf(hi: number, lo: number): number {
  if ((hi === 0 && lo <= 0x7fff) || (hi === -1 && lo >= TWO_32 - 0x8000)) return 2;
  if ((hi === 0 && lo <= 0x7fffffff) || (hi === -1 && lo >= 0x80000000)) return 4;
  return 8;
}

function encode(hi: number, lo: number, width: number): string {
  const f = String.fromCharCode;
  if (width === 2) return f(lo & 0xff, (lo >>> 8) & 0xff);
  const low = f(lo & 0xff, (lo >>> 8) & 0xff, (lo >>> 16) & 0xff, (lo >>> 24) & 0xff);
  if (width === 4) return low;
  return low + f(hi & 0xff, (hi >>> 8) & 0xff, (hi >>> 16) & 0xff, (hi >>> 24) & 0xff);
}

function toText(hi: number, lo: number): string {
  if (hi >= -0x200000 && hi < 0x200000) return String(hi * TWO_32 + lo); // |v| < 2^53
  return String((BigInt(hi) << 32n) + BigInt(lo));
}

export class PackedInts {
  /** The members, sorted, `#width` bytes each. */
  #data = "";
  #width = 2;

  get size(): number {
    return this.#data.length / this.#width;
  }

  /** Bytes held. */
  get bytes(): number {
    return this.#data.length;
  }

  /** Reads the member at index `i` into HI/LO. */
  #read(i: number): void {
    const s = this.#data, w = this.#width, p = i * w;
    if (w === 2) {
      const v = s.charCodeAt(p) | (s.charCodeAt(p + 1) << 8);
      HI = v >= 0x8000 ? -1 : 0;
      LO = v >= 0x8000 ? v - 0x10000 + TWO_32 : v;
      return;
    }
    LO = (s.charCodeAt(p) | (s.charCodeAt(p + 1) << 8) | (s.charCodeAt(p + 2) << 16) |
      (s.charCodeAt(p + 3) << 24)) >>> 0;
    if (w === 4) HI = LO >= 0x80000000 ? -1 : 0;
    else {
      HI = s.charCodeAt(p + 4) | (s.charCodeAt(p + 5) << 8) | (s.charCodeAt(p + 6) << 16) |
        (s.charCodeAt(p + 7) << 24);
    }
  }

  /** Index of the integer hi/lo, or -(insertion point) - 1. */
  #search(hi: number, lo: number): number {
    let a = 0, b = this.size - 1;
    while (a <= b) {
      const mid = (a + b) >> 1;
      this.#read(mid);
      if (HI === hi && LO === lo) return mid;
      if (HI < hi || (HI === hi && LO < lo)) a = mid + 1;
      else b = mid - 1;
    }
    return -a - 1;
  }

  has(m: string): boolean {
    split(m);
    const hi = HI, lo = LO;
    return widthOf(hi, lo) <= this.#width && this.#search(hi, lo) >= 0;
  }

  /** Adds a member; true when it is new. */
  add(m: string): boolean {
    split(m);
    const hi = HI, lo = LO;
    const width = widthOf(hi, lo);
    if (width > this.#width) this.#upgrade(width);
    const at = this.#search(hi, lo);
    if (at >= 0) return false;
    const p = (-at - 1) * this.#width, s = this.#data;
    this.#data = [s.slice(0, p), encode(hi, lo, this.#width), s.slice(p)].join("");
    return true;
  }

  /** Every member re-encoded in a wider width (Redis's intsetUpgradeAndAdd). */
  #upgrade(width: number): void {
    const parts: string[] = [];
    for (let i = 0; i < this.size; i++) {
      this.#read(i);
      parts.push(encode(HI, LO, width));
    }
    this.#data = parts.join("");
    this.#width = width;
  }

  /** Removes a member; true when it was there. */
  delete(m: string): boolean {
    split(m);
    const hi = HI, lo = LO;
    if (widthOf(hi, lo) > this.#width) return false;
    const at = this.#search(hi, lo);
    if (at < 0) return false;
    this.#removeIndex(at);
    return true;
  }

  #removeIndex(i: number): void {
    const s = this.#data, w = this.#width;
    this.#data = s.length === w ? "" : [s.slice(0, i * w), s.slice((i + 1) * w)].join("");
  }

  /** The member at index `i`. */
  at(i: number): string {
    this.#read(i);
    return toText(HI, LO);
  }

  /** Removes the member at index `i` and returns it. */
  removeAt(i: number): string {
    const m = this.at(i);
    this.#removeIndex(i);
    return m;
  }

  /** Every member in order. */
  members(): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.size; i++) out.push(this.at(i));
    return out;
  }

  /** A copy (the string is immutable and shared). */
  copy(): PackedInts {
    const c = new PackedInts();
    c.#data = this.#data;
    c.#width = this.#width;
    return c;
  }
}

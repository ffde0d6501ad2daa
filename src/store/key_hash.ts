/**
 * The hash of every key respd's tables index (the keyspace, key_table.ts; large hashes and
 * sets, arena_table.ts): HalfSipHash-1-3 under a random 64-bit key drawn at start.
 *
 * Why a keyed hash: a client chooses the keys, and with an unkeyed hash, or one whose collisions do
 * not depend on its key (MurmurHash3, used here before, has such multicollisions: key_hash_test.ts
 * checks 4096 keys, from tests/support/murmur_multicollision.ts, with one hash under every seed),
 * it can send keys that all land in one probe run and turn every lookup into a walk of the whole
 * run (65,536 such SETs held the server for 16 s; BENCHMARKS.md, "Hash flooding"). Redis uses
 * SipHash for the same reason. HalfSipHash-1-3 is SipHash's variant on 32-bit words, which
 * JavaScript's integer operations handle without 64-bit emulation (the Linux kernel hashes its
 * tables with it on 32-bit machines): an attacker who never sees hash values, as here (nothing
 * respd shows depends on them), cannot aim keys at one slot.
 *
 * `hashString` (a byte string, one char per byte) and `hashBytes` give the same value for
 * the same bytes, so a key can be looked up from a request's bytes before it is a string
 * (key_prefetch.ts).
 */

const key = new Uint32Array(2);
crypto.getRandomValues(key);
const K0 = key[0] | 0, K1 = key[1] | 0;

/** The message words of the hash being computed, for inputs up to 4 KiB. */
const words = new Int32Array(1024);

/** Room for `n` words: the shared scratch, or (a long member, rare) an array of its own. */
function wordsFor(n: number): Int32Array {
  return n <= words.length ? words : new Int32Array(n);
}

/** HalfSipHash-1-3 of byte string `s` under this process's key. */
export function hashString(s: string): number {
  const n = s.length, count = n >> 2, w = wordsFor(count);
  for (let i = 0, j = 0; j < count; i += 4, j++) {
    w[j] = s.charCodeAt(i) | (s.charCodeAt(i + 1) << 8) | (s.charCodeAt(i + 2) << 16) |
      (s.charCodeAt(i + 3) << 24);
  }
  const blocks = count << 2;
  let b = n << 24;
  switch (n & 3) {
    case 3:
      b |= s.charCodeAt(blocks + 2) << 16;
    // falls through
    case 2:
      b |= s.charCodeAt(blocks + 1) << 8;
    // falls through
    case 1:
      b |= s.charCodeAt(blocks);
  }
  return sipWords(K0, K1, w, count, b);
}

/** The same hash of `len` bytes of `a` from `from`. */
export function hashBytes(a: Uint8Array, from: number, len: number): number {
  return halfSipHash13(K0, K1, a, from, len);
}

/**
 * HalfSipHash-1-3 (32-bit output) of `len` bytes of `a` from `from` under the key
 * (`k0`, `k1`): the key's two little-endian words.
 */
export function halfSipHash13(
  k0: number,
  k1: number,
  a: Uint8Array,
  from: number,
  len: number,
): number {
  const count = len >> 2, w = wordsFor(count);
  for (let i = from, j = 0; j < count; i += 4, j++) {
    w[j] = a[i] | (a[i + 1] << 8) | (a[i + 2] << 16) | (a[i + 3] << 24);
  }
  const blocks = from + (count << 2);
  let b = len << 24;
  switch (len & 3) {
    case 3:
      b |= a[blocks + 2] << 16;
    // falls through
    case 2:
      b |= a[blocks + 1] << 8;
    // falls through
    case 1:
      b |= a[blocks];
  }
  return sipWords(k0, k1, w, count, b);
}

/**
 * The rounds: one SipRound per message word `w[0, count)`, then the last block `b` (the
 * length's low byte on top, the tail bytes below), then the three finishing rounds.
 */
function sipWords(k0: number, k1: number, w: Int32Array, count: number, b: number): number {
  let v0 = k0 | 0, v1 = k1 | 0, v2 = 0x6c796765 ^ k0, v3 = 0x74656462 ^ k1;
  // rounds: count + 1 compressing (word j, then b), then 3 finishing; one loop, one body
  const last = count + 3;
  for (let r = 0; r <= last; r++) {
    const m = r < count ? w[r] : r === count ? b : 0;
    if (r <= count) v3 ^= m;
    else if (r === count + 1) v2 ^= 0xff;
    v0 = (v0 + v1) | 0;
    v1 = ((v1 << 5) | (v1 >>> 27)) ^ v0;
    v0 = (v0 << 16) | (v0 >>> 16);
    v2 = (v2 + v3) | 0;
    v3 = ((v3 << 8) | (v3 >>> 24)) ^ v2;
    v0 = (v0 + v3) | 0;
    v3 = ((v3 << 7) | (v3 >>> 25)) ^ v0;
    v2 = (v2 + v1) | 0;
    v1 = ((v1 << 13) | (v1 >>> 19)) ^ v2;
    v2 = (v2 << 16) | (v2 >>> 16);
    v0 ^= m;
  }
  return v1 ^ v3;
}

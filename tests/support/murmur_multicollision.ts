/**
 * Keys that collide under MurmurHash3 (x86, 32-bit) whatever its seed: the hash respd's
 * tables used before key_hash.ts, kept for the test that shows the attack is gone
 * (src/store/key_hash_test.ts) and for bench/hash_flood.ts.
 *
 * MurmurHash3's block step is `h = rotl(h ^ f(m), 13) * 5 + n`, with `f` a bijection, and a
 * difference in the top bit passes through `* 5` and `+ n` unchanged. So two blocks (m1,
 * m2) and (f⁻¹(f(m1) ^ 2^18), f⁻¹(f(m2) ^ 2^31)) leave the same state whatever the seed,
 * and k such pairs side by side make 2^k keys with one hash under every seed.
 */

const C1 = 0xcc9e2d51, C2 = 0x1b873593;
const rotl = (x: number, r: number) => (x << r) | (x >>> (32 - r));

export function murmur3(bytes: Uint8Array, seed: number): number {
  let h = seed | 0;
  for (let i = 0; i + 4 <= bytes.length; i += 4) {
    const m = bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24);
    h = (Math.imul(rotl(h ^ f(m), 13), 5) + 0xe6546b64) | 0;
  }
  h ^= bytes.length; // the keys below are whole blocks: no tail
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

function f(m: number): number {
  return Math.imul(rotl(Math.imul(m, C1), 15), C2);
}

/** The inverse of an odd number modulo 2^32 (Newton's iteration). */
function inverse(x: number): number {
  let y = x;
  for (let i = 0; i < 5; i++) y = Math.imul(y, 2 - Math.imul(x, y));
  return y;
}

function fInverse(y: number): number {
  return Math.imul(rotl(Math.imul(y, inverse(C2)), 17), inverse(C1));
}

/** 2^chunks keys of 8 × chunks bytes with one MurmurHash3 value under every seed. */
export function murmurMulticollision(chunks: number): string[] {
  const pairs: number[][][] = [];
  for (let c = 0; c < chunks; c++) {
    const m1 = 0x41414141 + c, m2 = 0x42424242 + c;
    pairs.push([[m1, m2], [fInverse(f(m1) ^ 0x40000), fInverse(f(m2) ^ 0x80000000)]]);
  }
  const keys: string[] = [];
  for (let pick = 0; pick < 1 << chunks; pick++) {
    const words = pairs.flatMap((pair, c) => pair[(pick >> c) & 1]);
    const bytes = new Uint8Array(new Uint32Array(words).buffer); // little-endian words
    keys.push(String.fromCharCode(...bytes));
  }
  return keys;
}

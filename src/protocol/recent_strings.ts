/**
 * A small cache of recently decoded short arguments, so that a key or value sent again and
 * again (a counter, a queue, a hot key: the common case) comes back as the very string
 * object made the first time. That saves building the string, and more: V8 caches a
 * string's hash in the string, and two keys that are the same object compare at once, so a
 * `Map` lookup with a repeated key skips hashing and comparing it (measured: a fresh
 * 16-byte key costs ~56 ns to build and look up, a repeated one ~7 ns). Repeated values
 * stored many times (LPUSH of the same element) share one string.
 *
 * Direct-mapped: the slot comes from the length and three of the bytes: the fifth (where
 * the id of a `key:1000` or `user:1000` begins, Redis's documented `object-type:id`
 * naming), the middle and the last. A hit is verified against every byte, so the result
 * always equals the bytes. A miss costs that compare, then the string is built as usual
 * and takes the slot. Arguments that differ only in bytes the slot does not sample share
 * a slot and evict each other: they cost the compare more than no cache would, never a
 * wrong answer. (Hashing every byte avoids that but costs more than it saves: measured
 * ~15–20% on a SET's own cost.) The compare does not stop at the first difference:
 * arguments include passwords (AUTH, HELLO), and how long a compare took must not tell a
 * client how much of its guess matched a cached argument; only "equal" or "not" shows,
 * which AUTH's own reply tells anyway. The cache is process-wide (its answers depend only
 * on the bytes) and holds at most SLOTS strings shorter than MAX_CACHED_LENGTH.
 */

import { bytesToString } from "./latin1.ts";

/** Arguments shorter than this are cached (longer ones are rarely repeated verbatim). */
export const MAX_CACHED_LENGTH = 48;
const SLOTS = 1024;

const slots: string[] = new Array<string>(SLOTS).fill("");

/** `buf[start, start + len)` as a byte string, `len` > 0 and < MAX_CACHED_LENGTH. */
export function recentString(buf: Uint8Array, start: number, len: number): string {
  const last = start + len - 1;
  const slot = (len * 97 + buf[start + Math.min(4, len - 1)] * 31 + buf[last] * 1021 +
    buf[start + (len >> 1)] * 7) & (SLOTS - 1);
  const cached = slots[slot];
  if (cached.length === len && sameBytes(cached, buf, start)) return cached;
  const fresh = bytesToString(buf, start, start + len);
  slots[slot] = fresh;
  return fresh;
}

/** Whether `s` holds the bytes at `buf[start]` (as many as its length), in constant time. */
function sameBytes(s: string, buf: Uint8Array, start: number): boolean {
  let differ = 0;
  for (let i = 0; i < s.length; i++) differ |= s.charCodeAt(i) ^ buf[start + i];
  return differ === 0;
}

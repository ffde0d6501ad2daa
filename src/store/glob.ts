/**
 * Glob-style matching exactly as Redis's `stringmatchlen` (util.c, 7.0) does it, for KEYS,
 * SCAN MATCH and PSUBSCRIBE: `*` any run, `?` one byte, `[abc]`, `[^a]`, `[a-z]` (ends in
 * either order), `\x` a literal x. Both sides are byte strings (protocol/latin1.ts).
 *
 * Quirks kept on purpose, because clients see them: an unclosed `[` class ends at the end
 * of the pattern; a trailing lone `\` matches a backslash; `-` and `]` are literal where
 * Redis reads them so; ranges compare bytes as signed chars, as Redis on x86 does. Like Redis 7.0.9+, once the rest of a pattern after a `*` fails at
 * every position, earlier stars give up too (no exponential backtracking on `a*a*a*b`).
 */

const STAR = 42;
const QUESTION = 63;
const OPEN = 91;
const CLOSE = 93;
const CARET = 94;
const BACKSLASH = 92;
const DASH = 45;

/** True when byte string `s` matches glob `pattern` (case-sensitive, as KEYS and SCAN). */
export function globMatch(pattern: string, s: string): boolean {
  if (pattern.length === 1 && pattern.charCodeAt(0) === STAR) return true;
  return matchFrom(pattern, 0, s, 0, { skipLonger: false });
}

/** A byte as a signed C `char` (-128..127). */
function signedChar(b: number): number {
  return (b << 24) >> 24;
}

/** Byte `i` of `t`, or 0 past the end, as C reads a NUL-terminated sds string. */
function at(t: string, i: number): number {
  return i < t.length ? t.charCodeAt(i) : 0;
}

function matchFrom(
  pattern: string,
  p: number,
  s: string,
  i: number,
  state: { skipLonger: boolean },
): boolean {
  const plen = pattern.length;
  const slen = s.length;
  while (p < plen && i < slen) {
    const c = pattern.charCodeAt(p);
    if (c === STAR) {
      while (p + 1 < plen && pattern.charCodeAt(p + 1) === STAR) p++;
      if (p + 1 === plen) return true;
      while (i < slen) {
        if (matchFrom(pattern, p + 1, s, i, state)) return true;
        if (state.skipLonger) return false;
        i++;
      }
      state.skipLonger = true;
      return false;
    } else if (c === QUESTION) {
      i++;
    } else if (c === OPEN) {
      p++;
      const not = at(pattern, p) === CARET;
      if (not) p++;
      const sc = s.charCodeAt(i);
      let match = false;
      for (;;) {
        const pc = at(pattern, p);
        if (pc === BACKSLASH && plen - p >= 2) {
          p++;
          if (pattern.charCodeAt(p) === sc) match = true;
        } else if (pc === CLOSE && p < plen) {
          break;
        } else if (p >= plen) {
          p--; // the class ran to the end: step back so the `p++` below lands on the end
          break;
        } else if (plen - p >= 3 && pattern.charCodeAt(p + 1) === DASH) {
          // Redis compares ranges as C `char`, which is signed on x86: bytes 0x80-0xFF
          // sort before 0x00 there, so [\x00-\xff] is the range -1..0, not everything.
          let start = signedChar(pc);
          let end = signedChar(pattern.charCodeAt(p + 2));
          if (start > end) [start, end] = [end, start];
          p += 2;
          const c = signedChar(sc);
          if (c >= start && c <= end) match = true;
        } else if (pc === sc) {
          match = true;
        }
        p++;
      }
      if (not) match = !match;
      if (!match) return false;
      i++;
    } else {
      if (c === BACKSLASH && plen - p >= 2) p++;
      if (pattern.charCodeAt(p) !== s.charCodeAt(i)) return false;
      i++;
    }
    p++;
    if (i === slen) {
      while (p < plen && pattern.charCodeAt(p) === STAR) p++;
      break;
    }
  }
  return p === plen && i === slen;
}

/**
 * The longest common subsequence of two byte strings, as Redis's LCS computes it: the
 * classic dynamic-programming table, then one walk back from the end that yields the
 * subsequence and its matching ranges. The walk's tie rule (move in `a` only when that
 * keeps a strictly longer LCS) decides which of several equally long subsequences and
 * which ranges come out, so it follows Redis's exactly.
 */

/** One run of consecutive matching bytes: `a[aStart..aEnd]` equals `b[bStart..bEnd]`. */
export interface LcsMatch {
  aStart: number;
  aEnd: number;
  bStart: number;
  bEnd: number;
}

export interface LcsResult {
  /** The subsequence itself. */
  text: string;
  /** Its length. */
  length: number;
  /** The runs found walking back from the end of both strings, last run first. */
  matches: LcsMatch[];
}

/** Bytes the table takes, as Redis counts them: one uint32 per (i, j) pair. */
export function lcsTableBytes(aLength: number, bLength: number): number {
  return (aLength + 1) * (bLength + 1) * 4;
}

/** The LCS of `a` and `b` with its matching runs. */
export function lcs(a: string, b: string): LcsResult {
  const alen = a.length, blen = b.length;
  const width = blen + 1;
  const table = new Uint32Array((alen + 1) * width);
  for (let i = 1; i <= alen; i++) {
    const ai = a.charCodeAt(i - 1);
    const row = i * width, up = row - width;
    for (let j = 1; j <= blen; j++) {
      if (ai === b.charCodeAt(j - 1)) table[row + j] = table[up + j - 1] + 1;
      else {
        const l1 = table[up + j], l2 = table[row + j - 1];
        table[row + j] = l1 > l2 ? l1 : l2;
      }
    }
  }
  const length = table[alen * width + blen];
  const chars = new Array<number>(length);
  const matches: LcsMatch[] = [];
  let k = length;
  // `aStart === -1`: no run open.
  let aStart = -1, aEnd = 0, bStart = 0, bEnd = 0;
  let i = alen, j = blen;
  while (i > 0 && j > 0) {
    let emit = false;
    if (a.charCodeAt(i - 1) === b.charCodeAt(j - 1)) {
      chars[--k] = a.charCodeAt(i - 1);
      if (aStart === -1) {
        aStart = aEnd = i - 1;
        bStart = bEnd = j - 1;
      } else if (aStart === i && bStart === j) {
        aStart--;
        bStart--;
      } else emit = true;
      if (aStart === 0 || bStart === 0) emit = true;
      i--;
      j--;
    } else {
      if (table[(i - 1) * width + j] > table[i * width + j - 1]) i--;
      else j--;
      if (aStart !== -1) emit = true;
    }
    if (emit) {
      matches.push({ aStart, aEnd, bStart, bEnd });
      aStart = -1;
    }
  }
  let text = "";
  for (let p = 0; p < length; p += 8192) {
    text += String.fromCharCode.apply(null, chars.slice(p, p + 8192));
  }
  return { text, length, matches };
}

/**
 * Splits an inline command line into arguments exactly as Redis's `sdssplitargs` does:
 * blanks separate words, "double quotes" take \n \r \t \b \a \\ \" and \xHH escapes,
 * 'single quotes' take only \', and a closing quote must be followed by a blank or the
 * end of the line. Works on byte strings (see latin1.ts); a NUL byte ends the line, as it
 * does for the C string Redis scans.
 */

import { bytesToString } from "./latin1.ts";

const NUL = 0;

/** Bytes that end an unquoted run: blanks that end a word, NUL, and the two quotes. */
const ENDS_UNQUOTED_RUN = new Uint8Array(256);
for (const c of [32, 10, 13, 9, NUL, 34, 39]) ENDS_UNQUOTED_RUN[c] = 1;

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

function hexValue(c: number): number {
  return c <= 57 ? c - 48 : (c | 32) - 87;
}

/** The arguments of `line`, or `null` for unbalanced quotes. */
export function splitInlineArgs(line: Uint8Array): string[] | null {
  const at = (i: number) => (i < line.length ? line[i] : NUL);
  const args: string[] = [];
  let p = 0;
  for (;;) {
    while (at(p) !== NUL && isSpace(at(p))) p++;
    if (at(p) === NUL) return args;
    let inDouble = false, inSingle = false, done = false;
    // Fast path: the unquoted run that starts a word is taken whole (most inline commands
    // are nothing else); the loop below goes on from its first quote or blank.
    let q = p;
    while (q < line.length && !ENDS_UNQUOTED_RUN[line[q]]) q++;
    let current = bytesToString(line, p, q);
    p = q;
    while (!done) {
      const c = at(p);
      if (inDouble) {
        if (c === 92 && at(p + 1) === 120 && isHex(at(p + 2)) && isHex(at(p + 3))) {
          current += String.fromCharCode(hexValue(at(p + 2)) * 16 + hexValue(at(p + 3)));
          p += 3;
        } else if (c === 92 && at(p + 1) !== NUL) {
          p++;
          const e = at(p);
          current += e === 110
            ? "\n"
            : e === 114
            ? "\r"
            : e === 116
            ? "\t"
            : e === 98
            ? "\b"
            : e === 97
            ? "\x07"
            : String.fromCharCode(e);
        } else if (c === 34) {
          if (at(p + 1) !== NUL && !isSpace(at(p + 1))) return null;
          done = true;
        } else if (c === NUL) {
          return null;
        } else {
          current += String.fromCharCode(c);
        }
      } else if (inSingle) {
        if (c === 92 && at(p + 1) === 39) {
          p++;
          current += "'";
        } else if (c === 39) {
          if (at(p + 1) !== NUL && !isSpace(at(p + 1))) return null;
          done = true;
        } else if (c === NUL) {
          return null;
        } else {
          current += String.fromCharCode(c);
        }
      } else if (c === 32 || c === 10 || c === 13 || c === 9 || c === NUL) {
        done = true;
      } else if (c === 34) {
        inDouble = true;
      } else if (c === 39) {
        inSingle = true;
      } else {
        current += String.fromCharCode(c);
      }
      if (at(p) !== NUL) p++;
    }
    args.push(current);
  }
}

/**
 * C's `strtod` as SORT uses it to read a weight: glibc's grammar (leading blanks, a sign,
 * decimal or hexadecimal digits with an exponent, `inf`, `infinity`, `nan`), the string
 * read as a C string (it ends at the first NUL byte), and Redis's rule that the whole
 * string must be consumed, without a range error and without NaN. JavaScript's `Number`
 * differs on most of these (blanks at the end, hex floats, `1e` ...), hence this module.
 */

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/;
const HEX = /^([+-]?)0[xX]((?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+))(?:[pP]([+-]?\d+))?/;
const SPECIAL = /^[+-]?(?:inf(?:inity)?|nan(?:\([0-9A-Za-z_]*\))?)/i;
const BLANKS = /^[ \t\n\v\f\r]*/;
/** The smallest normal double: below it glibc reports an underflow (ERANGE). */
const MIN_NORMAL = 2.2250738585072014e-308;

/** The value of a hexadecimal float's digits and binary exponent. */
function hexValue(sign: string, digits: string, exponent: string | undefined): number {
  const dot = digits.indexOf(".");
  const whole = dot < 0 ? digits : digits.slice(0, dot) + digits.slice(dot + 1);
  const fraction = dot < 0 ? 0 : digits.length - dot - 1;
  const mantissa = whole === "" ? 0 : Number(BigInt("0x" + whole));
  const v = mantissa * 2 ** (Number(exponent ?? "0") - 4 * fraction);
  return sign === "-" ? -v : v;
}

/**
 * The number `s` holds by Redis's SORT rules, or null when SORT would call it not a
 * double ("One or more scores can't be converted into double").
 */
export function sortWeight(s: string): number | null {
  const nul = s.indexOf("\0");
  if (nul >= 0) s = s.slice(0, nul);
  if (s === "") return 0; // nothing converted, but the end pointer is at the terminator
  const body = s.slice(BLANKS.exec(s)![0].length);
  let match: RegExpExecArray | null;
  let value: number;
  if ((match = HEX.exec(body)) !== null) {
    value = hexValue(match[1], match[2], match[3]);
  } else if ((match = SPECIAL.exec(body)) !== null) {
    if (/nan/i.test(match[0])) return null;
    value = match[0].startsWith("-") ? -Infinity : Infinity;
  } else if ((match = DECIMAL.exec(body)) !== null) {
    value = Number(match[0]);
  } else return null; // no conversion: the end pointer stays at the first character
  if (match[0].length !== body.length) return null;
  if (match !== null && !SPECIAL.test(body)) {
    const magnitude = Math.abs(value);
    if (magnitude === Infinity) return null; // overflow
    if (magnitude < MIN_NORMAL && /[1-9a-fA-F]/.test(match[0].replace(/[xXpPeE].*$/, ""))) {
      return null; // underflow
    }
  }
  return value;
}

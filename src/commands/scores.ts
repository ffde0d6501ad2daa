/**
 * Sorted-set scores as Redis 7.0 reads and prints them: `strtod` rules for input (no NaN,
 * no overflow to infinity, no underflow to zero, "inf"/"-inf" spelled out), `%.17g` for
 * output (so 1.1 prints as 1.1000000000000001, as Redis 7.0 does).
 */

import { parseInteger } from "./args.ts";
import { CommandError, NOT_FLOAT } from "./errors.ts";

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
const INFINITY = /^[+-]?inf(inity)?$/i;
const HEX = /^[+-]?0x[0-9a-f]+$/i;

/**
 * A score argument, or null when Redis's `getDoubleFromObject` refuses it: blanks, NaN,
 * values that overflow to ±inf or underflow to 0 (strtod's ERANGE).
 */
export function parseScore(s: string): number | null {
  // the common case first: a plain integer (no regex, no float parsing)
  const int = parseInteger(s);
  if (typeof int === "number") return int;
  if (INFINITY.test(s)) return s.charCodeAt(0) === 45 ? -Infinity : Infinity;
  if (HEX.test(s)) {
    const v = parseInt(s.replace(/^[+-]/, ""), 16);
    return !Number.isFinite(v) ? null : s.charCodeAt(0) === 45 ? -v : v;
  }
  if (!DECIMAL.test(s)) return null;
  const v = Number(s);
  if (!Number.isFinite(v)) return null;
  if (v === 0 && /[1-9]/.test(s.replace(/e.*$/i, ""))) return null;
  return v;
}

/** A score argument or Redis's "not a valid float" error. */
export function scoreArg(s: string, message = NOT_FLOAT): number {
  const v = parseScore(s);
  if (v === null) throw new CommandError(message);
  return v;
}

/** C's `%.17g`: 17 significant digits, trailing zeros dropped, exponent past 1e17. */
export function formatScore(x: number): string {
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0" : "0";
  const exp = x.toExponential(16); // d.dddddddddddddddde±X, correctly rounded
  const e = exp.indexOf("e");
  const power = Number(exp.slice(e + 1));
  if (power < -4 || power >= 17) {
    let mantissa = exp.slice(0, e);
    if (mantissa.includes(".")) mantissa = mantissa.replace(/\.?0+$/, "");
    const sign = power < 0 ? "-" : "+";
    const digits = String(Math.abs(power)).padStart(2, "0");
    return `${mantissa}e${sign}${digits}`;
  }
  const fixed = x.toFixed(16 - power);
  return fixed.includes(".") ? fixed.replace(/\.?0+$/, "") : fixed;
}

/**
 * A score as a listpack holds it (ZSCAN of a small set): integers within 64 bits as
 * integers, as Redis's d2string writes them, anything else as `%.17g`.
 */
export function formatListpackScore(x: number): string {
  if (Number.isInteger(x) && Math.abs(x) < 9223372036854775808) return BigInt(x).toString();
  return formatScore(x);
}

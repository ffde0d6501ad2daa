/**
 * The argument cursor every command parses through, so that integer, float and syntax
 * errors are raised in one place with Redis's wording. Arity is checked before a command
 * sees its cursor (pipeline.ts), so the mandatory arguments are always there.
 */

import { CommandError, NOT_FLOAT, NOT_INTEGER, SYNTAX_ERROR } from "./errors.ts";

const MAX_INT64 = 9223372036854775807n;
const MIN_INT64 = -9223372036854775808n;

/**
 * Redis's `string2ll`: an optional '-', digits with no leading zero, no blanks, within
 * signed 64 bits. Returns a number when it is a safe integer, a bigint beyond, null if invalid.
 */
export function parseInteger(s: string): number | bigint | null {
  const n = s.length;
  if (n === 0 || n > 20) return null;
  let p = 0;
  if (s.charCodeAt(0) === 45) {
    if (n === 1) return null;
    p = 1;
  }
  const first = s.charCodeAt(p);
  if (first === 48) return n === 1 ? 0 : null;
  if (first < 49 || first > 57) return null;
  // Up to 15 digits the running value is exact, and cheaper than Number(s) (INCR's path).
  let v = first - 48;
  for (let i = p + 1; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return null;
    v = v * 10 + (c - 48);
  }
  if (n - p <= 15) return p === 1 ? -v : v;
  const big = BigInt(s);
  if (big > MAX_INT64 || big < MIN_INT64) return null;
  return Number.isSafeInteger(Number(big)) ? Number(big) : big;
}

/**
 * Redis's `string2ld`/`strtod` rules for float arguments: no blanks, no empty string, no
 * NaN; "inf", "+inf", "-inf" (any case) accepted. Returns null if invalid.
 */
export function parseFloatArg(s: string): number | null {
  if (s.length === 0 || /^\s|\s$/.test(s)) return null;
  const lower = s.toLowerCase();
  if (lower === "inf" || lower === "+inf" || lower === "infinity" || lower === "+infinity") {
    return Infinity;
  }
  if (lower === "-inf" || lower === "-infinity") return -Infinity;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(s) && !/^[+-]?0x[0-9a-f]+$/i.test(s)) {
    return null;
  }
  const v = Number(s);
  return Number.isNaN(v) ? null : v;
}

/**
 * True when `s` has only printable ASCII and no spaces (bytes 33-126): the rule Redis
 * applies to client names and CLIENT SETINFO values.
 */
export function isPlainName(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 33 || c > 126) return false;
  }
  return true;
}

/**
 * Walks the arguments after the command name. The pipeline checks, after `parse`, that a
 * variable-arity command left no argument unread (`unread`), unless the parser read the
 * raw `argv` itself (it then answers for every argument).
 */
export class Args {
  #i: number;
  readonly #argv: readonly string[];
  #raw = false;

  constructor(argv: readonly string[], start = 1) {
    this.#argv = argv;
    this.#i = start;
  }

  /** Every argument, the command name included; a parser reading these checks them all. */
  get argv(): readonly string[] {
    this.#raw = true;
    return this.#argv;
  }

  /** Arguments the cursor never reached, when the parser used only the cursor. */
  get unread(): boolean {
    return !this.#raw && this.#i < this.#argv.length;
  }

  /** How many arguments are left. */
  get remaining(): number {
    return this.#argv.length - this.#i;
  }

  hasMore(): boolean {
    return this.#i < this.#argv.length;
  }

  /** The next argument; a syntax error when there is none. */
  next(): string {
    if (this.#i >= this.#argv.length) throw new CommandError(SYNTAX_ERROR);
    return this.#argv[this.#i++];
  }

  /** The next argument upper-cased, for matching option names. */
  nextOption(): string {
    return this.next().toUpperCase();
  }

  /** The next argument upper-cased, without consuming it; "" when none. */
  peekOption(): string {
    return this.#i < this.#argv.length ? this.#argv[this.#i].toUpperCase() : "";
  }

  /** All arguments left. */
  rest(): string[] {
    const out = this.#argv.slice(this.#i);
    this.#i = this.#argv.length;
    return out;
  }

  /** The next argument as a 64-bit integer (a bigint only beyond 2^53). */
  int64(message = NOT_INTEGER): number | bigint {
    const v = parseInteger(this.next());
    if (v === null) throw new CommandError(message);
    return v;
  }

  /** The next argument as an integer that must fit in a JavaScript safe integer. */
  int(message = NOT_INTEGER): number {
    const v = this.int64(message);
    if (typeof v === "bigint") throw new CommandError(message);
    return v;
  }

  float(message = NOT_FLOAT): number {
    const v = parseFloatArg(this.next());
    if (v === null) throw new CommandError(message);
    return v;
  }

  /** Ends parsing: anything left is a syntax error. */
  finish(): void {
    if (this.#i < this.#argv.length) throw new CommandError(SYNTAX_ERROR);
  }
}

/**
 * The values that cross between scripts and commands: what a command answers a script's
 * `redis.call`, and what a script returns to its caller. A small tree instead of RESP bytes,
 * so the Lua side converts it without parsing, and `writeReply` encodes it for the caller's
 * protocol. Bulk strings are byte strings (protocol/latin1.ts).
 */

import type { ReplyWriter } from "../protocol/reply_writer.ts";

export type Reply =
  | string // bulk string
  | number // integer (safe range)
  | bigint // integer past 2^53
  | null // null bulk (RESP2) / null (RESP3)
  | Reply[] // array
  | { kind: "status"; value: string }
  | { kind: "error"; value: string }
  | { kind: "nullarray" }
  | { kind: "double"; value: number }
  | { kind: "boolean"; value: boolean }
  | { kind: "map"; value: [Reply, Reply][] }
  | { kind: "set"; value: Reply[] }
  | { kind: "bignum"; value: string }
  | { kind: "verbatim"; format: string; value: string };

/** C's `printf("%.<p>g", x)`: what Redis uses to turn Lua numbers into text. */
export function formatG(x: number, precision: number): string {
  if (Number.isNaN(x)) return x < 0 ? "-nan" : "nan";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0" : "0";
  const exp = Math.floor(Math.log10(Math.abs(x)));
  let s = x.toExponential(precision - 1);
  let e = Number(s.slice(s.indexOf("e") + 1));
  if (Number.isNaN(e)) e = exp;
  if (e < -4 || e >= precision) {
    let [mant, ex] = s.split("e");
    if (mant.includes(".")) mant = mant.replace(/0+$/, "").replace(/\.$/, "");
    const sign = ex[0] === "-" ? "-" : "+";
    const digits = ex.replace(/^[+-]/, "").padStart(2, "0");
    return `${mant}e${sign}${digits}`;
  }
  s = x.toFixed(Math.max(0, precision - 1 - e));
  if (s.includes(".")) s = s.replace(/0+$/, "").replace(/\.$/, "");
  return s;
}

/** Writes `r` to the caller in its protocol. */
export function writeReply(w: ReplyWriter, r: Reply): void {
  if (typeof r === "string") return w.bulk(r);
  if (typeof r === "number" || typeof r === "bigint") return w.integer(r);
  if (r === null) return w.null();
  if (Array.isArray(r)) {
    w.array(r.length);
    for (const item of r) writeReply(w, item);
    return;
  }
  switch (r.kind) {
    case "status":
      return w.simple(r.value.replace(/[\r\n]/g, " "));
    case "error":
      return w.error(r.value);
    case "nullarray":
      return w.nullArray();
    case "double":
      return w.double(r.value, formatG(r.value, 17));
    case "boolean":
      return w.boolean(r.value);
    case "map":
      w.map(r.value.length);
      for (const [k, v] of r.value) {
        writeReply(w, k);
        writeReply(w, v);
      }
      return;
    case "set":
      w.set(r.value.length);
      for (const item of r.value) writeReply(w, item);
      return;
    case "bignum":
      if (w.protocol === 3) return w.raw(new TextEncoder().encode(`(${r.value}\r\n`));
      return w.bulk(r.value);
    case "verbatim":
      return w.verbatim(r.format, r.value);
  }
}

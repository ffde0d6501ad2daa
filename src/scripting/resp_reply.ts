/**
 * Reads back what a command wrote for a script's fake client: RESP bytes from respd's own
 * ReplyWriter (well-formed by construction) into the `Reply` tree script_vm.ts converts for
 * Lua, as Redis's script engine parses its fake client's reply buffer.
 */

import { bytesToString } from "../protocol/latin1.ts";
import type { Reply } from "./reply.ts";

/** Parses every reply in `buf[0, end)`; a command writes exactly one. */
export function parseReplies(buf: Uint8Array, end: number): Reply[] {
  let pos = 0;
  const line = (): string => {
    const start = pos;
    while (buf[pos] !== 13) pos++;
    const s = bytesToString(buf, start, pos);
    pos += 2;
    return s;
  };
  const read = (): Reply => {
    const type = buf[pos++];
    switch (type) {
      case 43: // +
        return { kind: "status", value: line() };
      case 45: // -
        return { kind: "error", value: line() };
      case 58: { // :
        // Short integers (counters, lengths) without building a string.
        let n = 0, p = pos, negative = false;
        if (buf[p] === 45) (negative = true, p++);
        const start = p;
        while (buf[p] !== 13) n = n * 10 + buf[p++] - 48;
        if (p - start <= 15) {
          pos = p + 2;
          return negative ? -n : n;
        }
        // As ReplyCapture builds it: a number while it is a safe integer, a bigint beyond.
        const big = BigInt(line());
        return big >= -9007199254740991n && big <= 9007199254740991n ? Number(big) : big;
      }
      case 36: { // $
        const n = Number(line());
        if (n < 0) return null;
        const s = bytesToString(buf, pos, pos + n);
        pos += n + 2;
        return s;
      }
      case 42: // *
      case 126: // ~
      case 62: { // >
        const n = Number(line());
        if (n < 0) return { kind: "nullarray" };
        const items: Reply[] = new Array(n);
        for (let i = 0; i < n; i++) items[i] = read();
        return type === 126 ? { kind: "set", value: items } : items;
      }
      case 37: { // %
        const n = Number(line());
        const pairs: [Reply, Reply][] = new Array(n);
        for (let i = 0; i < n; i++) pairs[i] = [read(), read()];
        return { kind: "map", value: pairs };
      }
      case 95: // _
        line();
        return null;
      case 44: { // ,
        const s = line();
        const x = s === "inf" ? Infinity : s === "-inf" ? -Infinity : s === "nan" ? NaN : Number(s);
        return { kind: "double", value: x };
      }
      case 35: // #
        return { kind: "boolean", value: line() === "t" };
      case 40: // (
        return { kind: "bignum", value: line() };
      case 61: { // =
        const n = Number(line());
        const s = bytesToString(buf, pos, pos + n);
        pos += n + 2;
        return { kind: "verbatim", format: s.slice(0, 3), value: s.slice(4) };
      }
    }
    throw new Error(`unexpected reply byte ${type} at ${pos - 1}`);
  };
  const out: Reply[] = [];
  while (pos < end) out.push(read());
  return out;
}

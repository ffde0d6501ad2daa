/**
 * cjson.decode's parsing side: JSON text (UTF-8 bytes in a byte string) to plain JS values
 * whose strings are byte strings again, for script_vm.ts to push as Lua tables. JSON.parse
 * does the parsing; lua_cjson's error texts are kept for the common failure.
 */

import { fromText, toText } from "../protocol/latin1.ts";

/** The decoded value, or `{ error }` with cjson's message. */
export function jsonDecode(bytes: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(toText(bytes));
  } catch {
    return {
      error: bytes.trim() === ""
        ? "Expected value but found T_END at character 1"
        : "Expected value but found invalid token at character 1",
    };
  }
  return toBytes(value);
}

function toBytes(v: unknown): unknown {
  if (typeof v === "string") return fromText(v);
  if (Array.isArray(v)) return v.map(toBytes);
  if (v !== null && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[fromText(k)] = toBytes(x);
    return out;
  }
  return v;
}

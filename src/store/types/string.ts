/**
 * The string type: a byte string, one JavaScript char per byte (protocol/latin1.ts).
 * Strings are immutable, so a copy shares the value, and they are never "empty
 * containers" (an empty string is a value).
 */

import { STRING_OVERHEAD } from "../value_sizes.ts";
import type { ValueType } from "../values.ts";

/** Redis's OBJECT ENCODING rule: integers that fit a long are "int", short strings "embstr". */
function encoding(v: string): string {
  if (v.length <= 20 && /^-?[1-9]\d*$|^0$/.test(v)) {
    const n = BigInt(v);
    if (n >= -9223372036854775808n && n <= 9223372036854775807n) return "int";
  }
  return v.length <= 44 ? "embstr" : "raw";
}

export const StringType: ValueType<string> = {
  name: "string",
  is: (v): v is string => typeof v === "string",
  encoding,
  copy: (v) => v,
  bytes: (v) => STRING_OVERHEAD + v.length,
  isEmpty: () => false,
};

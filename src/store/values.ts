/**
 * What a key can hold. Strings are byte strings (one char per byte, see
 * protocol/latin1.ts); the other types are small classes so `instanceof` tells the type.
 */

import { Deque } from "./deque.ts";
import { HashValue } from "./hash_value.ts";
import { SetValue } from "./set_value.ts";
import { SortedSetValue } from "./sorted_set_value.ts";

export { HashValue, SetValue, SortedSetValue };

/** A list value: a deque of byte strings. */
export class ListValue extends Deque<string> {}

export type Value = string | ListValue | HashValue | SetValue | SortedSetValue;

/** The name TYPE reports for a value. */
export function typeName(v: Value): string {
  if (typeof v === "string") return "string";
  if (v instanceof ListValue) return "list";
  if (v instanceof HashValue) return "hash";
  if (v instanceof SortedSetValue) return "zset";
  return "set";
}

/** A deep copy of `v` (COPY): strings are immutable and shared. */
export function copyValue(v: Value): Value {
  if (typeof v === "string") return v;
  if (v instanceof ListValue) {
    const list = new ListValue();
    for (const item of v) list.pushBack(item);
    return list;
  }
  return v.copy();
}

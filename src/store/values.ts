/**
 * What a key can hold. Strings are byte strings (one char per byte, see
 * protocol/latin1.ts); the other types are small classes so `instanceof` tells the type.
 */

import { Deque } from "./deque.ts";
import { Stream } from "./stream.ts";

/** A list value: a deque of byte strings. */
export class ListValue extends Deque<string> {}

/** A hash value: field → value, in insertion order. */
export class HashValue extends Map<string, string> {}

/** A set value. */
export class SetValue extends Set<string> {}

export type Value = string | ListValue | HashValue | SetValue | Stream;

/** The name TYPE reports for a value. */
export function typeName(v: Value): string {
  if (typeof v === "string") return "string";
  if (v instanceof ListValue) return "list";
  if (v instanceof HashValue) return "hash";
  if (v instanceof Stream) return "stream";
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
  if (v instanceof HashValue) return new HashValue(v);
  if (v instanceof Stream) return v.copy((g) => g.clone());
  return new SetValue(v);
}

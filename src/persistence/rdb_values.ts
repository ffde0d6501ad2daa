/**
 * Between the store's values and their RDB form (rdb_object.ts): which encoding Redis 7.0
 * would write for a value (its OBJECT ENCODING decides: listpack, intset, hashtable ...)
 * and the value a loaded object becomes. One exhaustive switch per direction, so a new
 * value type does not compile until it can be saved and loaded.
 */

import { ListValue, typeOf, type Value } from "../store/values.ts";
import type { RdbObject } from "./rdb_object.ts";
import { RdbFormatError } from "./rdb_bytes.ts";

/** Raised by the `never` default: a value type without its case here. */
function unknownValue(v: never): never {
  throw new TypeError(`no RDB form for ${String(v)}`);
}

/** The RDB description of `v`, in the encoding it has. */
export function toRdbObject(v: Value): RdbObject {
  if (typeof v === "string") return { type: "string", value: v };
  switch (v.kind) {
    case "list":
      return { type: "list", items: [...v] };
    default:
      return unknownValue(v.kind);
  }
}

/** The value a loaded object becomes; throws for an object that is not a valid value. */
export function fromRdbObject(o: RdbObject): Value {
  switch (o.type) {
    case "string":
      return o.value;
    case "list": {
      if (o.items.length === 0) throw new RdbFormatError("Empty list in RDB");
      const list = new ListValue();
      for (const item of o.items) list.pushBack(item);
      return list;
    }
    default:
      throw new RdbFormatError(`respd cannot hold a ${o.type} value yet`);
  }
}

/** Whether the value's type is one the RDB format can hold (all of them). */
export function rdbTypeName(v: Value): string {
  return typeOf(v).name;
}

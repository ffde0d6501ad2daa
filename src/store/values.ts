/**
 * The closed set of value types a key can hold, and what each declares in one place: its
 * TYPE name, its OBJECT ENCODING, a deep copy (COPY), its size in the memory model
 * (MEMORY USAGE, --maxmemory) and whether it is an emptied container (which the database
 * then deletes, so no key ever holds an empty list, hash, set ...).
 *
 * Strings are JavaScript strings; every other type is a class with a `kind` discriminant
 * (`readonly kind = "list"`), so `Value` is a discriminated union and `typeOf` is an
 * exhaustive switch: its `never` default stops compiling when a type is missing.
 *
 * Adding a type (hash, set, zset, stream) is:
 *   1. one file `store/types/<name>.ts` exporting the value class (with `readonly kind`)
 *      and its `ContainerType` descriptor, as types/list.ts does;
 *   2. its class added to `Value` below and a `case` to `typeOf` (the compiler points at it);
 *   3. commands use `db.lookup(key, HashType)` (WRONGTYPE raised there),
 *      `db.lookupOrCreate(key, HashType)` for writes that create the key, and
 *      `db.modifiedContainer(key, value, event)` after an in-place write (signals the
 *      change and deletes the key if the write emptied it). See store/database.ts.
 */

import { ListType, type ListValue } from "./types/list.ts";
import { StringType } from "./types/string.ts";
import { HashType, type HashValue } from "./types/hash.ts";
import { SetType, type SetValue } from "./types/set.ts";
import { type SortedSetValue, ZSetType } from "./types/zset.ts";
import { StreamType, type StreamValue } from "./types/stream.ts";

export { ListValue } from "./types/list.ts";
export { HashValue } from "./types/hash.ts";
export { SetValue } from "./types/set.ts";
export { SortedSetValue } from "./types/zset.ts";
export { StreamValue } from "./types/stream.ts";

/** What a key can hold. */
export type Value = string | ListValue | HashValue | SetValue | SortedSetValue | StreamValue;

/** The TYPE names of `Value`'s members. */
export type TypeName = "string" | "list" | "hash" | "set" | "zset" | "stream";

/** What every value type declares. */
export interface ValueType<V extends Value> {
  /** TYPE's reply (and SCAN's TYPE filter). */
  readonly name: TypeName;
  /** Whether `v` is of this type (the typed lookup's check). */
  is(v: Value): v is V;
  /** OBJECT ENCODING's reply (Redis 7.0's name for a value like this one). */
  encoding(v: V): string;
  /** A deep copy that shares nothing mutable with `v` (COPY). */
  copy(v: V): V;
  /** Estimated bytes of the value without its key (store/memory.ts). */
  bytes(v: V): number;
  /** True for a container with no element left: the database deletes such a key. */
  isEmpty(v: V): boolean;
}

/** A type whose values are containers a write may create empty and then fill. */
export interface ContainerType<V extends Value> extends ValueType<V> {
  create(): V;
}

/** Raised by the `never` default of an exhaustive switch: a type without its case. */
function unknownValue(v: never): never {
  throw new TypeError(`not a value type: ${String(v)}`);
}

/** The descriptor of `v`'s type. */
export function typeOf(v: Value): ValueType<Value> {
  if (typeof v === "string") return StringType as ValueType<Value>;
  const kind = v.kind;
  switch (kind) {
    case "list":
      return ListType as ValueType<Value>;
    case "hash":
      return HashType as ValueType<Value>;
    case "set":
      return SetType as ValueType<Value>;
    case "zset":
      return ZSetType as ValueType<Value>;
    case "stream":
      return StreamType as ValueType<Value>;
    default:
      return unknownValue(kind);
  }
}

/** The name TYPE reports for a value. */
export function typeName(v: Value): TypeName {
  return typeOf(v).name;
}

/** A deep copy of `v` (COPY): strings are immutable and shared. */
export function copyValue(v: Value): Value {
  return typeOf(v).copy(v);
}

/** Estimated bytes of a value (without its key), in the memory model. */
export function valueBytes(v: Value): number {
  return typeOf(v).bytes(v);
}

/** OBJECT ENCODING of a value. */
export function encodingOf(v: Value): string {
  return typeOf(v).encoding(v);
}

/** Whether `v` is an emptied container (never true for a string). */
export function isEmptyValue(v: Value): boolean {
  return typeOf(v).isEmpty(v);
}

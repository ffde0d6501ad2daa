/**
 * Typed lookup for the container commands (hashes, sets, sorted sets): the value at a key
 * if it is of the wanted class, WRONGTYPE otherwise; creation on first write; and the one
 * place where a container emptied by a write is deleted.
 */

import { CommandError, WRONGTYPE } from "./errors.ts";
import type { Database } from "../store/database.ts";
import type { Value } from "../store/values.ts";

// deno-lint-ignore no-explicit-any
type Class<V> = abstract new (...args: any[]) => V;

/** The value at `key` if it is a `type`; undefined when missing; WRONGTYPE otherwise. */
export function lookupTyped<V extends Value>(
  db: Database,
  key: string,
  type: Class<V>,
): V | undefined {
  const v = db.get(key);
  if (v === undefined || v instanceof type) return v as V | undefined;
  throw new CommandError(WRONGTYPE);
}

/** The container at `key`, created with `create` and stored when missing. */
export function lookupOrCreate<V extends Value>(
  db: Database,
  key: string,
  type: Class<V>,
  create: () => V,
): V {
  let v = lookupTyped(db, key, type);
  if (v === undefined) db.set(key, v = create());
  return v;
}

/** After a write to the container at `key`: deletes the key if the write emptied it. */
export function modifiedContainer(
  db: Database,
  key: string,
  container: { readonly size: number },
  _event: string,
): void {
  if (container.size === 0 && db.data.get(key) === container) db.delete(key);
}

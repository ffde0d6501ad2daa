/**
 * The list type: a deque of byte strings (store/deque.ts, chunked like Redis's
 * quicklist), which is also its OBJECT ENCODING in Redis 7.0.
 */

import { Deque } from "../deque.ts";
import { containerBytes, SAMPLES } from "../value_sizes.ts";
import type { ContainerType } from "../values.ts";

/** A list value. `kind` tells the value model's exhaustive switch which type this is. */
export class ListValue extends Deque<string> {
  readonly kind = "list";
}

/** Size from up to SAMPLES elements spread over the list. */
function bytes(v: ListValue): number {
  const n = v.length;
  const step = Math.max(1, Math.floor(n / SAMPLES));
  let sampled = 0;
  let total = 0;
  for (let i = 0; i < n && sampled < SAMPLES; i += step, sampled++) total += v.at(i)!.length;
  return containerBytes(n, total, sampled);
}

export const ListType: ContainerType<ListValue> = {
  name: "list",
  is: (v): v is ListValue => typeof v !== "string" && v.kind === "list",
  encoding: () => "quicklist",
  copy(v) {
    const list = new ListValue();
    for (const item of v) list.pushBack(item);
    return list;
  },
  bytes,
  isEmpty: (v) => v.length === 0,
  create: () => new ListValue(),
};

/**
 * COMMAND DOCS's contents: Redis 7.0.15's own documentation of each command (summary,
 * since, group, complexity, history, arguments …), read from redis-server into
 * command_docs_data.ts by scripts/gen_command_docs.ts, kept as the reply tree Redis sent
 * so it is written back the same in RESP2 and RESP3. A container lists the subcommands
 * respd has; a command Redis 7.0 lacks gets only its group.
 */

import type { ReplyWriter } from "../protocol/reply_writer.ts";

/** A reply as Redis sent it: bulk strings, integers, simple strings, arrays, sets, maps. */
export type DocNode =
  | string
  | number
  | { s: string }
  | { a: DocNode[] }
  | { set: DocNode[] }
  | { m: [string, DocNode][] };

/** The entries of a map node, or undefined for any other node. */
export function mapEntries(n: DocNode | undefined): [string, DocNode][] | undefined {
  return typeof n === "object" && "m" in n ? n.m : undefined;
}

export function writeDocNode(r: ReplyWriter, n: DocNode): void {
  if (typeof n === "string") return r.bulk(n);
  if (typeof n === "number") return r.integer(n);
  if ("s" in n) return r.simple(n.s);
  if ("a" in n) {
    r.array(n.a.length);
    for (const x of n.a) writeDocNode(r, x);
    return;
  }
  if ("set" in n) {
    r.set(n.set.length);
    for (const x of n.set) writeDocNode(r, x);
    return;
  }
  r.map(n.m.length);
  for (const [k, v] of n.m) {
    r.bulk(k);
    writeDocNode(r, v);
  }
}

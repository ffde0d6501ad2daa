/**
 * The key names a command's arguments hold, from its spec's key positions (first, last,
 * step; as COMMAND INFO gives them). Client-side caching remembers these after a read.
 */

import type { CommandSpec } from "./command.ts";

/** The keys in `argv` for `spec`; none for commands without key positions. */
export function keysOf(spec: CommandSpec, argv: readonly string[]): string[] {
  const keys = spec.keys;
  if (keys === undefined || keys[0] === 0 || keys[0] >= argv.length) return [];
  const last = keys[1] < 0 ? argv.length + keys[1] : Math.min(keys[1], argv.length - 1);
  const step = Math.max(1, keys[2]);
  const out: string[] = [];
  for (let i = keys[0]; i <= last; i += step) out.push(argv[i]);
  return out;
}

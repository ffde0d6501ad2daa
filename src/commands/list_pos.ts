/**
 * LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]: where an element sits in
 * a list. Options are parsed (with Redis's own error texts) before the key is looked up.
 */

import { command } from "./command.ts";
import { CommandError, NOT_INTEGER, SYNTAX_ERROR } from "./errors.ts";
import { parseInteger } from "./args.ts";
import { ListType } from "../store/types/list.ts";

const RANK_ZERO = "ERR RANK can't be zero: use 1 to start from the first match, 2 from the " +
  "second ... or use negative to start from the end of the list";
const MIN_LONG = -9223372036854775808n;

/** A non-negative `long`, or Redis's message for that option. */
function nonNegative(text: string, message: string): number {
  const v = parseInteger(text);
  if (v === null || v < 0) throw new CommandError(message);
  return Number(v);
}

interface Lpos {
  key: string;
  element: string;
  /** 1-based rank of the first match to report, counted from `fromTail`'s end. */
  rank: number;
  fromTail: boolean;
  /** -1: COUNT not given (reply one index or null). */
  count: number;
  /** 0: no limit. */
  maxlen: number;
  /**
   * RANK -2^63: Redis negates it and it stays negative, so every match qualifies and a
   * COUNT never stops the scan (its check overflows too).
   */
  noCountLimit: boolean;
}

const lpos = command({
  name: "lpos",
  arity: -3,
  flags: ["readonly"],
  categories: ["read", "list", "slow"],
  keys: [1, 1, 1],
  parse(a): Lpos {
    const cmd: Lpos = {
      key: a.next(),
      element: a.next(),
      rank: 1,
      fromTail: false,
      count: -1,
      maxlen: 0,
      noCountLimit: false,
    };
    while (a.hasMore()) {
      const opt = a.nextOption();
      if (!a.hasMore()) throw new CommandError(SYNTAX_ERROR);
      if (opt === "RANK") {
        const v = parseInteger(a.next());
        if (v === null) throw new CommandError(NOT_INTEGER);
        if (v === 0) throw new CommandError(RANK_ZERO);
        cmd.fromTail = v < 0;
        cmd.noCountLimit = BigInt(v) === MIN_LONG;
        cmd.rank = cmd.noCountLimit ? 1 : Math.abs(Number(v));
      } else if (opt === "COUNT") {
        cmd.count = nonNegative(a.next(), "ERR COUNT can't be negative");
      } else if (opt === "MAXLEN") {
        cmd.maxlen = nonNegative(a.next(), "ERR MAXLEN can't be negative");
      } else throw new CommandError(SYNTAX_ERROR);
    }
    return cmd;
  },
  execute(cmd, ctx) {
    const list = ctx.db.lookup(cmd.key, ListType);
    if (list === undefined) return cmd.count === -1 ? ctx.reply.null() : ctx.reply.array(0);
    const n = list.length;
    const limit = cmd.maxlen === 0 ? n : Math.min(n, cmd.maxlen);
    const found: number[] = [];
    let matches = 0;
    for (let k = 0; k < limit; k++) {
      const index = cmd.fromTail ? n - 1 - k : k;
      if (list.at(index) !== cmd.element || ++matches < cmd.rank) continue;
      found.push(index);
      if (cmd.count === -1) break;
      if (cmd.count !== 0 && !cmd.noCountLimit && matches - cmd.rank + 1 >= cmd.count) break;
    }
    if (cmd.count === -1) {
      return found.length === 0 ? ctx.reply.null() : ctx.reply.integer(found[0]);
    }
    ctx.reply.array(found.length);
    for (const i of found) ctx.reply.integer(i);
  },
});

export const listPosCommands = [lpos];

/**
 * LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN]: the longest common
 * subsequence of two strings (store/lcs.ts), its length, or its matching ranges. As in
 * Redis 7.0 (t_string.c), both keys are checked before the options, missing keys read as
 * empty strings, and the table may not exceed proto-max-bulk-len bytes.
 */

import { parseInteger } from "./args.ts";
import { command } from "./command.ts";
import { CommandError, NOT_INTEGER, SYNTAX_ERROR } from "./errors.ts";
import { StringType } from "../store/types/string.ts";
import { lcs, lcsTableBytes } from "../store/lcs.ts";

const lcsCommand = command({
  name: "lcs",
  arity: -3,
  flags: ["readonly"],
  categories: ["read", "string", "slow"],
  keys: [1, 2, 1],
  parse: (a) => ({ a: a.next(), b: a.next(), options: a.rest() }),
  execute(cmd, ctx) {
    const va = ctx.db.get(cmd.a), vb = ctx.db.get(cmd.b);
    if (
      (va !== undefined && !StringType.is(va)) || (vb !== undefined && !StringType.is(vb))
    ) {
      throw new CommandError("ERR The specified keys must contain string values");
    }
    let getLen = false, getIdx = false, withMatchLen = false, minMatchLen = 0;
    const opts = cmd.options;
    for (let i = 0; i < opts.length; i++) {
      const opt = opts[i].toUpperCase();
      if (opt === "IDX") getIdx = true;
      else if (opt === "LEN") getLen = true;
      else if (opt === "WITHMATCHLEN") withMatchLen = true;
      else if (opt === "MINMATCHLEN" && i + 1 < opts.length) {
        const v = parseInteger(opts[++i]);
        if (v === null) throw new CommandError(NOT_INTEGER);
        minMatchLen = v < 0 ? 0 : Number(v);
      } else throw new CommandError(SYNTAX_ERROR);
    }
    if (getIdx && getLen) {
      throw new CommandError("ERR If you want both the length and indexes, please just use IDX.");
    }
    const a = (va as string | undefined) ?? "", b = (vb as string | undefined) ?? "";
    if (lcsTableBytes(a.length, b.length) > ctx.server.config.protoMaxBulkLen) {
      throw new CommandError(
        "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len",
      );
    }
    const result = lcs(a, b);
    const r = ctx.reply;
    if (!getIdx) return getLen ? r.integer(result.length) : r.bulk(result.text);
    const shown = result.matches.filter((m) =>
      minMatchLen === 0 || m.aEnd - m.aStart + 1 >= minMatchLen
    );
    r.map(2);
    r.bulk("matches");
    r.array(shown.length);
    for (const m of shown) {
      r.array(withMatchLen ? 3 : 2);
      r.array(2);
      r.integer(m.aStart);
      r.integer(m.aEnd);
      r.array(2);
      r.integer(m.bStart);
      r.integer(m.bEnd);
      if (withMatchLen) r.integer(m.aEnd - m.aStart + 1);
    }
    r.bulk("len");
    r.integer(result.length);
  },
});

export const lcsCommands = [lcsCommand];

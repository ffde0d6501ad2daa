/** TIME, as Redis 7.0.15. */

import { command } from "./command.ts";

/** TIME: [unix seconds, microseconds] as two bulk strings. */
const time = command({
  name: "time",
  arity: 1,
  flags: ["loading", "stale", "fast"],
  categories: ["fast"],
  tips: ["nondeterministic_output"],
  parse: () => undefined,
  execute(_, ctx) {
    const us = Math.floor((performance.timeOrigin + performance.now()) * 1000);
    ctx.reply.array(2);
    ctx.reply.bulk(String(Math.floor(us / 1e6)));
    ctx.reply.bulk(String(us % 1e6));
  },
});

export const timeCommands = [time];

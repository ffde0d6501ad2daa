/**
 * MONITOR: the calling client receives every command the server runs from now on, one
 * simple-string line each (stats/monitor.ts builds them), over whatever transport it came
 * by. As in Redis, a second MONITOR gets no reply, RESET or a disconnect ends it, and a
 * client that expects one reply per command (inside EXEC, a script) may not monitor.
 */

import { command, noArgs } from "./command.ts";
import { CommandError } from "./errors.ts";

/** MONITOR */
const monitor = command({
  name: "monitor",
  arity: 1,
  flags: ["admin", "noscript", "loading", "stale"],
  categories: ["admin", "slow", "dangerous"],
  parse: noArgs,
  execute(_, ctx) {
    const client = ctx.client;
    if (client.inExec || client.denyBlocking) {
      throw new CommandError("ERR MONITOR isn't allowed for DENY BLOCKING client");
    }
    if (client.monitoring) return; // already monitoring: Redis does not answer
    client.monitoring = true;
    ctx.server.introspection.monitors.add(client);
    ctx.reply.ok();
  },
});

export const monitorCommands = [monitor];

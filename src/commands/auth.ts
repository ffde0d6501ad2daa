/**
 * AUTH, as Redis 7.0 with only the `default` user: `--requirepass` is its password, and
 * without one the default user takes any password (so AUTH default x is +OK, while the
 * one-argument form is an error that points at the missing configuration). The password
 * check itself is Session.authenticate (shared with HELLO AUTH and the WebSocket token).
 */

import { command } from "./command.ts";
import { CommandError, SYNTAX_ERROR } from "./errors.ts";

const NO_PASSWORD_CONFIGURED = "ERR AUTH <password> called without any password configured " +
  "for the default user. Are you sure your configuration is correct?";

interface Auth {
  /** null: the one-argument (legacy requirepass) form. */
  user: string | null;
  password: string;
}

/** AUTH [username] password */
const auth = command<Auth>({
  name: "auth",
  arity: -2,
  flags: ["noscript", "loading", "stale", "fast", "no_auth", "allow_busy"],
  categories: ["fast", "connection"],
  parse(a) {
    if (a.remaining > 2) throw new CommandError(SYNTAX_ERROR);
    const first = a.next();
    return a.hasMore() ? { user: first, password: a.next() } : { user: null, password: first };
  },
  execute(cmd, ctx) {
    if (cmd.user === null && ctx.server.config.requirepass === null) {
      throw new CommandError(NO_PASSWORD_CONFIGURED);
    }
    if (ctx.client.authenticate(cmd.user ?? "default", cmd.password)) ctx.reply.ok();
  },
});

export const authCommands = [auth];

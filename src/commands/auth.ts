/**
 * AUTH [username] password, as Redis 7.0: the one-argument form logs in as `default`
 * (whose password is `--requirepass`) and is an error while the default user needs no
 * password; the two-argument form logs in as any ACL user (acl/acl_registry.ts). The
 * check itself is Session.authenticate (shared with HELLO AUTH).
 */

import { command } from "./command.ts";
import { CommandError, SYNTAX_ERROR } from "./errors.ts";
import { commandWord } from "./connection.ts";

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
    if (cmd.user === null && ctx.server.acl.defaultUser.nopass) {
      throw new CommandError(NO_PASSWORD_CONFIGURED);
    }
    const typed = commandWord(ctx, "AUTH");
    if (ctx.client.authenticate(cmd.user ?? "default", cmd.password, typed)) ctx.reply.ok();
  },
});

export const authCommands = [auth];

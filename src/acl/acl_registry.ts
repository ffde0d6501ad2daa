/**
 * The server's ACL users (Redis 7.0's Users table and DefaultUser): creating and changing
 * users from rules (ACL SETUSER stages every rule on a copy, so a bad rule changes
 * nothing), deleting them, checking credentials (AUTH, HELLO AUTH, the WebSocket token),
 * the ACL log, and the ACL file (ACL LOAD / SAVE, `--aclfile`).
 *
 * `--requirepass` keeps meaning the default user's password, as in Redis: the default user
 * is `on nopass ~* &* +@all` until a password is set, then `>password` instead of nopass.
 *
 * What happens to connected clients when a user changes or goes (disconnects) is the
 * caller's (commands/acl.ts): this module knows users, not sessions.
 */

import { AclLog } from "./acl_log.ts";
import { fromText } from "../protocol/latin1.ts";
import { AclRuleError, AclUser, hasSpaces } from "./user.ts";

const DEFAULT = "default";

/** ACL SETUSER's error for an unmatched `(`; `at` is the argument Redis names. */
export class UnmatchedSelectorError extends Error {
  constructor(readonly index: number) {
    super("Unmatched parenthesis");
  }
}

/**
 * Joins selector rules spread over several arguments (`(+get`, `~k*)`) into one, as
 * ACLMergeSelectorArguments; throws `UnmatchedSelectorError` for a `(` never closed.
 */
export function mergeSelectorArgs(args: readonly string[]): string[] {
  const out: string[] = [];
  let open = -1;
  let selector = "";
  for (let j = 0; j < args.length; j++) {
    const op = args[j];
    if (op[0] === "(" && op[op.length - 1] !== ")") {
      selector = op;
      open = j;
      continue;
    }
    if (open !== -1) {
      selector += " " + op;
      if (op[op.length - 1] === ")") {
        open = -1;
        out.push(selector);
      }
      continue;
    }
    out.push(op);
  }
  if (open !== -1) throw new UnmatchedSelectorError(open);
  return out;
}

/** A new default user: every command, key and channel, no password. */
function createDefaultUser(): AclUser {
  const u = new AclUser(DEFAULT);
  for (const rule of ["+@all", "~*", "&*", "on", "nopass"]) u.apply(rule);
  return u;
}

/** Byte order of names, as Redis's radix tree lists users. */
function byName(a: AclUser, b: AclUser): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

export class AclRegistry {
  readonly users = new Map<string, AclUser>();
  readonly defaultUser: AclUser;
  readonly log: AclLog;
  /**
   * The user of the server's own clients (loading the AOF): allowed everything, whatever
   * the default user may do, and in no list (Redis gives such clients no user at all).
   */
  readonly internalUser: AclUser = createDefaultUser();

  constructor(requirepass: string | null, logMaxLen: () => number) {
    this.defaultUser = createDefaultUser();
    this.users.set(DEFAULT, this.defaultUser);
    this.log = new AclLog(logMaxLen);
    this.setDefaultPassword(requirepass);
  }

  /**
   * Whether a new connection must authenticate: the default user needs a password or is
   * off (Redis's authRequired).
   */
  get authRequired(): boolean {
    const d = this.defaultUser;
    return !d.nopass || !d.enabled;
  }

  /** `requirepass`: the default user's only password, or nopass (ACLUpdateDefaultUserPassword). */
  setDefaultPassword(password: string | null): void {
    this.defaultUser.apply("resetpass");
    // requirepass is text (the command line, a config file): its UTF-8 bytes are the password.
    this.defaultUser.apply(password === null ? "nopass" : ">" + fromText(password));
  }

  get(name: string): AclUser | undefined {
    return this.users.get(name);
  }

  /** Every user in name order (ACL LIST, ACL USERS, ACL SAVE). */
  sorted(): AclUser[] {
    return [...this.users.values()].sort(byName);
  }

  /**
   * The user these credentials log in as, or null (unknown user, disabled user, wrong
   * password: Redis does not say which).
   */
  checkCredentials(name: string, password: string): AclUser | null {
    const u = this.users.get(name);
    if (u === undefined || !u.enabled) return null;
    return u.passwordMatches(password) ? u : null;
  }

  /**
   * Creates the users of a config file's `user` lines (ACLLoadConfiguredUsers); a line for
   * `default` resets it first. Null, or Redis's error for the first rule that fails.
   */
  loadConfiguredUsers(lines: readonly (readonly string[])[]): string | null {
    for (const [name, ...words] of lines) {
      if (hasSpaces(name)) return "Spaces not allowed in ACL usernames";
      let u = this.users.get(name);
      if (u === undefined) {
        u = new AclUser(name);
        this.users.set(name, u);
      } else u.apply("reset");
      for (const rule of mergeSelectorArgs(words)) {
        try {
          u.apply(rule);
        } catch (e: unknown) {
          if (!(e instanceof AclRuleError)) throw e;
          return `Error loading ACL rule '${rule}' for the user named '${name}': ${e.message}`;
        }
      }
    }
    return null;
  }

  /**
   * A new WebSocket client: logged in as the user its handshake's credentials named; else,
   * under `--ws-user`, held to logging in and let in at once as that user when it is `on`
   * and `nopass`; else like any TCP client (the default user).
   */
  admitWebSocket(
    session: { grantAccess(user: AclUser): void; requireLogin(): void },
    user: AclUser | null,
    wsUser: string | null,
  ): void {
    if (user !== null) return session.grantAccess(user);
    if (wsUser === null) return;
    session.requireLogin();
    const u = this.users.get(wsUser);
    if (u !== undefined && u.enabled && u.nopass) session.grantAccess(u);
  }

  /**
   * ACL SETUSER: applies `rules` (selectors already merged) to a copy of the user (a new
   * one if absent) and, when every rule applied, makes it the user. Returns the previous
   * rules of an existing user (to find subscribers that lost channels) or null for a new
   * user; throws `AclRuleError` with the offending rule in `rule`.
   */
  setUser(name: string, rules: readonly string[]): { before: AclUser | null; user: AclUser } {
    const existing = this.users.get(name);
    const staged = existing?.copy() ?? new AclUser(name);
    for (const rule of rules) {
      try {
        staged.apply(rule);
      } catch (e: unknown) {
        if (e instanceof AclRuleError) throw new SetUserError(rule, e.message);
        throw e;
      }
    }
    if (existing === undefined) {
      this.users.set(name, staged);
      return { before: null, user: staged };
    }
    const before = existing.copy();
    existing.copyFrom(staged);
    return { before, user: existing };
  }

  /** Removes a user (never `default`); the removed user, or undefined. */
  delete(name: string): AclUser | undefined {
    if (name === DEFAULT) return undefined;
    const u = this.users.get(name);
    this.users.delete(name);
    return u;
  }

  /** The ACL file's text for the current users (ACL SAVE). */
  fileText(): string {
    return this.sorted().map((u) => `user ${u.name} ${u.describe()}\n`).join("");
  }

  /**
   * Replaces every user with the ACL file's (ACLLoadFromFile). On any error nothing
   * changes and Redis's error text is returned; on success, the users that are gone or
   * replaced (their clients must go) and null.
   */
  loadFile(path: string): { error: string } | { replaced: AclUser[] } {
    let text: string;
    try {
      text = Deno.readTextFileSync(path);
    } catch (e: unknown) {
      return {
        error: `Error loading ACLs, opening file '${path}': ${
          e instanceof Deno.errors.NotFound ? "No such file or directory" : String(e)
        }`,
      };
    }
    const parsed = parseAclFile(text, path);
    if (typeof parsed === "string") return { error: parsed };
    const replaced = [...this.users.values()].filter((u) => u !== this.defaultUser);
    this.users.clear();
    const newDefault = parsed.get(DEFAULT) ?? createDefaultUser();
    parsed.delete(DEFAULT);
    this.defaultUser.copyFrom(newDefault);
    this.users.set(DEFAULT, this.defaultUser);
    for (const [name, u] of parsed) this.users.set(name, u);
    return { replaced };
  }

  /** Writes the ACL file (through a temporary file and a rename, as Redis). */
  saveFile(path: string): void {
    const tmp = `${path}.tmp-${Deno.pid}-${Date.now()}`;
    try {
      Deno.writeTextFileSync(tmp, this.fileText());
      Deno.renameSync(tmp, path);
    } catch (e: unknown) {
      try {
        Deno.removeSync(tmp);
      } catch {
        // nothing was written
      }
      throw e;
    }
  }
}

/**
 * Whether a config file's `user` line (its words after `user`) is valid, as Redis checks it
 * while reading the file (ACLAppendUserForLoading): null, or the reason. Unknown command
 * names pass here (Redis leaves them for the load, where they fail).
 */
export function checkUserLine(
  words: readonly string[],
  earlier: readonly (readonly string[])[],
): string | null {
  if (words.length < 1) return "Bad directive or wrong number of arguments";
  if (earlier.some((w) => w[0] === words[0])) {
    return "Duplicate user found. A user can only be defined once in config files";
  }
  let rules: string[];
  try {
    rules = mergeSelectorArgs(words.slice(1));
  } catch {
    return "Unmatched parenthesis in selector definition";
  }
  const fake = new AclUser("__fakeuser__");
  for (const rule of rules) {
    try {
      fake.apply(rule);
    } catch (e: unknown) {
      if (!(e instanceof AclRuleError)) throw e;
      if (e.message !== "Unknown command or category name in ACL") {
        return `Error in user declaration '${words[0]}': ${e.message}`;
      }
    }
  }
  return null;
}

/** A SETUSER rule that failed: the rule as given and Redis's reason. */
export class SetUserError extends Error {
  constructor(readonly rule: string, readonly reason: string) {
    super(`Error in ACL SETUSER modifier '${rule}': ${reason}`);
  }
}

/** The users an ACL file defines, or Redis's error text for it (every problem found). */
export function parseAclFile(text: string, path: string): Map<string, AclUser> | string {
  const users = new Map<string, AclUser>();
  let errors = "";
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, "");
    const linenum = i + 1;
    if (line === "") continue;
    const argv = line.split(" ");
    if (argv[0] !== "user" || argv.length < 2) {
      errors += `${path}:${linenum} should start with user keyword followed by the username. `;
      continue;
    }
    if (hasSpaces(argv[1])) {
      errors += `'${path}:${linenum}: username '${argv[1]}' contains invalid characters. `;
      continue;
    }
    if (users.has(argv[1])) {
      errors += `WARNING: Duplicate user '${argv[1]}' found on line ${linenum}. `;
      continue;
    }
    const u = new AclUser(argv[1]);
    users.set(argv[1], u);
    let rules: string[];
    try {
      rules = mergeSelectorArgs(argv.slice(2));
    } catch {
      errors += `${path}:${linenum}: Unmatched parenthesis in selector definition.`;
      rules = [];
    }
    for (const raw of rules) {
      const rule = raw.replace(/^[\t\r\n]+|[\t\r\n]+$/g, "");
      try {
        u.apply(rule);
      } catch (e: unknown) {
        if (!(e instanceof AclRuleError)) throw e;
        errors += `${path}:${linenum}: ${e.message}. `;
      }
    }
  }
  if (errors !== "") {
    return errors +
      "WARNING: ACL errors detected, no change to the previously active ACL rules was performed";
  }
  return users;
}

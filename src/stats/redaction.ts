/**
 * Which arguments of a command are secrets that MONITOR and the slow log show as
 * "(redacted)", as Redis 7.0 does (redactClientCommandArgument): AUTH's password (and user),
 * HELLO's AUTH user and password, and the value of CONFIG SET requirepass.
 */

const REDACTED = "(redacted)";

/** `argv` with its secrets replaced, or `argv` itself when it has none. */
export function redactArgs(name: string, argv: readonly string[]): readonly string[] {
  switch (name) {
    case "auth":
      return argv.map((a, i) => (i === 0 ? a : REDACTED));
    case "hello": {
      let out: string[] | null = null;
      for (let i = 2; i < argv.length; i++) {
        if (argv[i].toLowerCase() === "auth") {
          out ??= [...argv];
          if (i + 1 < argv.length) out[i + 1] = REDACTED;
          if (i + 2 < argv.length) out[i + 2] = REDACTED;
          i += 2;
        }
      }
      return out ?? argv;
    }
    case "config|set": {
      let out: string[] | null = null;
      for (let i = 2; i + 1 < argv.length; i += 2) {
        if (argv[i].toLowerCase() === "requirepass") {
          out ??= [...argv];
          out[i + 1] = REDACTED;
        }
      }
      return out ?? argv;
    }
    default:
      return argv;
  }
}

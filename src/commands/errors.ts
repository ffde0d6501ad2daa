/**
 * Command errors with Redis's exact texts, for the command layer: the shared ones
 * (`CommandError` itself, WRONGTYPE, syntax and number errors, defined in src/errors.ts
 * so the store can raise them too) plus arity and unknown-command errors.
 */

export { CommandError, NOT_FLOAT, NOT_INTEGER, SYNTAX_ERROR, WRONGTYPE } from "../errors.ts";
import { CommandError } from "../errors.ts";

export const NO_SUCH_KEY = "ERR no such key";
export const DB_INDEX_OUT_OF_RANGE = "ERR DB index is out of range";
export const OVERFLOW = "ERR increment or decrement would overflow";

export function wrongArity(name: string): CommandError {
  return new CommandError(`ERR wrong number of arguments for '${name}' command`);
}

/**
 * `s` up to its first NUL byte. Redis formats arguments into error texts with `%s`, as C
 * strings, so an argument quoted in an error ends at its first NUL.
 */
export function cString(s: string): string {
  const nul = s.indexOf("\0");
  return nul < 0 ? s : s.slice(0, nul);
}

/** Redis's unknown-command error, quoting the first arguments as Redis does (128 chars). */
export function unknownCommand(argv: readonly string[]): CommandError {
  let args = "";
  for (let i = 1; i < argv.length && args.length < 128; i++) {
    args += `'${cString(argv[i]).slice(0, 128 - args.length)}' `;
  }
  return new CommandError(
    `ERR unknown command '${cString(argv[0]).slice(0, 128)}', with args beginning with: ${args}`,
  );
}

export function unknownSubcommand(sub: string, command: string): CommandError {
  return new CommandError(
    `ERR unknown subcommand '${cString(sub).slice(0, 128)}'. Try ${command.toUpperCase()} HELP.`,
  );
}

/**
 * Reads redis.conf syntax, as Redis 7.0's `loadServerConfig` does: one directive a line,
 * its words split by `splitConfigArgs` (Redis's sdssplitargs: blanks, "double quotes" with
 * C escapes, 'single quotes'), lines trimmed, `#` comments and blank lines skipped, the
 * directive's name case-insensitive, and `include path` read in place (a glob in its last
 * part reads every match in name order; none is no error, as in Redis). What a directive
 * means is not known here: each one goes to the caller's `apply`, in file order, and an
 * error it throws (`DirectiveError`) stops the load with Redis's report of the line.
 *
 * Pure: the file system comes in as `ConfigFiles`, so the parser is tested without files.
 * Paths are used as given (relative ones from the working directory), as Redis does.
 */

import { REDIS_VERSION } from "./config.ts";
import { globMatch } from "./store/glob.ts";

/** One directive as written: its name (lower case) and its arguments, and where it was. */
export interface Directive {
  name: string;
  args: string[];
  /** The file it was read from, and its line number there (from 1). */
  file: string;
  line: number;
}

/** A directive the caller refuses; `message` is the reason Redis gives for it. */
export class DirectiveError extends Error {}

/**
 * A config file that cannot be loaded. `message` is exactly what redis-server prints to
 * stderr before exiting with status 1 (it starts with a blank line, as Redis's does).
 */
export class ConfigFileError extends Error {}

/** How the parser reaches files: read one, list a directory's entries. */
export interface ConfigFiles {
  /** The file's bytes; throws (e.g. `Deno.errors.NotFound`) when it cannot be read. */
  read(path: string): Uint8Array;
  /** The names of a directory's entries (no paths), or [] when it cannot be listed. */
  list(dir: string): string[];
}

/** The real file system (needs read permission for the files and included directories). */
export const DISK: ConfigFiles = {
  read: (path) => Deno.readFileSync(path),
  list(dir) {
    try {
      return [...Deno.readDirSync(dir)].map((e) => e.name);
    } catch {
      return [];
    }
  },
};

/** Includes nested deeper than this are refused (Redis itself would recurse until it crashes). */
const MAX_INCLUDE_DEPTH = 32;

/**
 * Reads the config file at `path` and hands each directive to `apply`, in order, includes
 * read where they stand. Throws `ConfigFileError` with Redis's text on the first line that
 * is malformed or that `apply` refuses.
 */
export function loadConfigFile(
  path: string,
  apply: (d: Directive) => void,
  files: ConfigFiles = DISK,
): void {
  readFile(path, apply, files, 0);
}

/**
 * Handles config text as if it were a file named `file` (how command-line options would be
 * read, and what the tests use).
 */
export function loadConfigText(
  text: string,
  file: string,
  apply: (d: Directive) => void,
  files: ConfigFiles = DISK,
): void {
  readText(text, file, apply, files, 0);
}

/**
 * Reads the startup config as redis-server does: the config file at `path` (if any), then a
 * newline, then `options`, the command line's options as config text
 * (command_line.ts), as one text, so a refused option is reported at its line after the
 * file's, and options override (or, for `save`, add to) what the file set.
 */
export function loadStartupConfig(
  path: string | null,
  options: string,
  apply: (d: Directive) => void,
  files: ConfigFiles = DISK,
): void {
  const text = (path === null ? "" : latin1(readBytes(path, files))) + "\n" + options;
  readText(text, path ?? "command line", apply, files, 0);
}

function readFile(path: string, apply: (d: Directive) => void, files: ConfigFiles, depth: number) {
  // one character per byte, as Redis's C strings: "\xff" in quotes is the byte 0xff
  readText(latin1(readBytes(path, files)), path, apply, files, depth);
}

function readBytes(path: string, files: ConfigFiles): Uint8Array {
  try {
    return files.read(path);
  } catch (e: unknown) {
    throw new ConfigFileError(`Fatal error, can't open config file '${path}': ${openError(e)}`);
  }
}

/** The C library's words for why a file could not be opened, as Redis's log line has them. */
function openError(e: unknown): string {
  if (e instanceof Deno.errors.NotFound) return "No such file or directory";
  if (e instanceof Deno.errors.PermissionDenied) return "Permission denied";
  if (e instanceof Deno.errors.IsADirectory) return "Is a directory";
  return e instanceof Error ? e.message : String(e);
}

function readText(
  text: string,
  file: string,
  apply: (d: Directive) => void,
  files: ConfigFiles,
  depth: number,
): void {
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, "");
    if (line === "" || line[0] === "#") continue;
    const fail = (reason: string) => new ConfigFileError(report(i + 1, line, reason));
    const words = splitConfigArgs(line);
    if (words === null) throw fail("Unbalanced quotes in configuration line");
    if (words.length === 0) continue;
    const [name, ...args] = words;
    const directive = { name: name.toLowerCase(), args: args.map(utf8), file, line: i + 1 };
    if (directive.name === "include" && args.length === 1) {
      if (depth >= MAX_INCLUDE_DEPTH) throw fail("Too many nested includes");
      include(directive.args[0], apply, files, depth + 1);
      continue;
    }
    try {
      apply(directive);
    } catch (e: unknown) {
      if (e instanceof DirectiveError) throw fail(e.message);
      throw e;
    }
  }
}

/** Redis's report of a refused line (config.c, `loaderr`). */
function report(line: number, text: string, reason: string): string {
  return `\n*** FATAL CONFIG FILE ERROR (Redis ${REDIS_VERSION}) ***\n` +
    `Reading the configuration file, at line ${line}\n>>> '${utf8(text)}'\n${reason}`;
}

/**
 * Reads the file an include names, or every match of a glob in its last part. As in Redis,
 * the matches are joined into one text before it is read, so their lines are numbered on
 * from one file to the next (and a file without a final newline runs into the next).
 */
function include(
  path: string,
  apply: (d: Directive) => void,
  files: ConfigFiles,
  depth: number,
): void {
  if (!/[*?[]/.test(path)) return readFile(path, apply, files, depth);
  const slash = path.lastIndexOf("/");
  const dir = slash < 0 ? "." : path.slice(0, slash) || "/";
  const pattern = path.slice(slash + 1);
  const matches = files.list(dir)
    .filter((name) => !name.startsWith(".") && globMatch(pattern, name))
    .sort()
    .map((name) => slash < 0 ? name : `${path.slice(0, slash)}/${name}`);
  let text = "";
  for (const match of matches) text += latin1(readBytes(match, files));
  readText(text, path, apply, files, depth);
}

const isSpace = (c: string) => c === " " || (c >= "\t" && c <= "\r"); // C isspace
const isHex = (c: string | undefined) => c !== undefined && /^[0-9a-fA-F]$/.test(c);

/**
 * Splits a line into words as Redis's `sdssplitargs` does, or returns null for unbalanced
 * quotes (also a closing quote followed by anything but a blank). Unquoted words end at a
 * space, tab, CR or LF; a quote may start mid-word (`a"b c"` is one word, `ab c`). In
 * double quotes `\xHH` is a byte and `\n \r \t \b \a` what C makes of them, any other
 * escaped character itself; in single quotes only `\'` is an escape. Works on one
 * character per byte.
 */
export function splitConfigArgs(line: string): string[] | null {
  const words: string[] = [];
  let p = 0;
  for (;;) {
    while (p < line.length && isSpace(line[p])) p++;
    if (p >= line.length) return words;
    let word = "";
    let inDouble = false;
    let inSingle = false;
    for (let done = false; !done;) {
      const c = line[p]; // undefined past the end, as C's terminating NUL
      if (inDouble) {
        if (c === "\\" && line[p + 1] === "x" && isHex(line[p + 2]) && isHex(line[p + 3])) {
          word += String.fromCharCode(parseInt(line.slice(p + 2, p + 4), 16));
          p += 3;
        } else if (c === "\\" && p + 1 < line.length) {
          const e = line[++p];
          word += ESCAPES[e] ?? e;
        } else if (c === '"') {
          if (p + 1 < line.length && !isSpace(line[p + 1])) return null;
          done = true;
        } else if (c === undefined) {
          return null;
        } else {
          word += c;
        }
      } else if (inSingle) {
        if (c === "\\" && line[p + 1] === "'") {
          p++;
          word += "'";
        } else if (c === "'") {
          if (p + 1 < line.length && !isSpace(line[p + 1])) return null;
          done = true;
        } else if (c === undefined) {
          return null;
        } else {
          word += c;
        }
      } else if (c === " " || c === "\n" || c === "\r" || c === "\t" || c === undefined) {
        done = true;
      } else if (c === '"') {
        inDouble = true;
      } else if (c === "'") {
        inSingle = true;
      } else {
        word += c;
      }
      if (p < line.length) p++;
    }
    words.push(word);
  }
}

const ESCAPES: Record<string, string> = { n: "\n", r: "\r", t: "\t", b: "\b", a: "\x07" };

function latin1(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 8192) {
    s += String.fromCharCode(...bytes.subarray(i, i + 8192));
  }
  return s;
}

const utf8Decoder = new TextDecoder();

/** A word read one character per byte, as text (its bytes decoded as UTF-8). */
function utf8(word: string): string {
  if (!/[\x80-\xff]/.test(word)) return word;
  return utf8Decoder.decode(Uint8Array.from(word, (c) => c.charCodeAt(0)));
}

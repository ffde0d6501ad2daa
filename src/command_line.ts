/**
 * redis-server's command line: `[config file] [--name value ...]`. As Redis 7.0's main()
 * does, the options become config text — `--port 7000 --save 900 1` is the lines
 * `port "7000"` and `save "900" "1"` — read after the config file as if they ended it
 * (config_file.ts loadStartupConfig), so every directive a file takes is an option too,
 * checked by the one parameter table with Redis's reasons, and a bad one is reported as
 * Redis reports it. The rules are Redis's: a word starting with `--` names a directive
 * unless the one before still waits for its first value (`--requirepass --x` sets the
 * password "--x"), a bare `--save` (last, or before another `--`) means `save ""`, and a
 * word may hold a name and its value together (`"--port 7000"`).
 */

import { splitConfigArgs } from "./config_file.ts";

/** What the command line asks for. */
export type CommandLine =
  | { kind: "help" }
  | { kind: "version" }
  | { kind: "run"; file: string | null; options: string };

/** The command line as redis-server reads it (the first word, if not an option, is the file). */
export function parseCommandLine(words: readonly string[]): CommandLine {
  // as redis-server, only as the first word
  if (words[0] === "-v" || words[0] === "--version") return { kind: "version" };
  if (words[0] === "-h" || words[0] === "--help") return { kind: "help" };
  const file = words.length > 0 && !words[0].startsWith("-") ? words[0] : null;
  return { kind: "run", file, options: commandLineOptions(words.slice(file === null ? 0 : 1)) };
}

/** The options as config text, one directive a line (Redis's main(), argument by argument). */
export function commandLineOptions(words: readonly string[]): string {
  let options = "";
  let valueSeen = true; // Redis's handled_last_config_arg
  for (let j = 0; j < words.length; j++) {
    const word = words[j];
    if (valueSeen && word.startsWith("--")) {
      if (options !== "") options += "\n";
      options += `${word.slice(2)} `;
      if ((splitConfigArgs(word) ?? []).length === 1) {
        // a name alone: its values follow; `--save` with none means `save ""`
        valueSeen = false;
        const next = words[j + 1];
        if (word.toLowerCase() === "--save" && (next === undefined || next.startsWith("--"))) {
          options += '""';
          valueSeen = true;
        }
      } else valueSeen = true; // "--port 7000" as one word
    } else {
      options += `${quoteArg(word)} `;
      valueSeen = true;
    }
  }
  return options;
}

/**
 * A value as Redis's sdscatrepr quotes it, over the word's UTF-8 bytes (one character per
 * byte, as the config reader reads them).
 */
function quoteArg(word: string): string {
  let out = '"';
  for (const byte of new TextEncoder().encode(word)) {
    const ch = String.fromCharCode(byte);
    if (ch === "\\" || ch === '"') out += `\\${ch}`;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (byte === 7) out += "\\a";
    else if (byte === 8) out += "\\b";
    else if (byte < 0x20 || byte > 0x7e) out += `\\x${byte.toString(16).padStart(2, "0")}`;
    else out += ch;
  }
  return out + '"';
}

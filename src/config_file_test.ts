/**
 * The redis.conf reader: every quoting rule of Redis's sdssplitargs, line handling
 * (trimming, comments, CRLF, line numbers), includes (in place, globs, missing files,
 * nesting) and Redis's error report, on files given in memory.
 */

import { assert, assertEquals } from "../tests/support/assert.ts";
import {
  ConfigFileError,
  type ConfigFiles,
  type Directive,
  DirectiveError,
  loadConfigFile,
  loadConfigText,
  splitConfigArgs,
} from "./config_file.ts";

Deno.test("unquoted words are split at spaces, tabs, CR and LF; other blanks only between words", () => {
  assertEquals(splitConfigArgs("port 6379"), ["port", "6379"]);
  assertEquals(splitConfigArgs("  a \t b\r\nc  "), ["a", "b", "c"]);
  assertEquals(splitConfigArgs("\x0b\x0ca b"), ["a", "b"]); // isspace skips \v \f …
  assertEquals(splitConfigArgs("a\x0bb"), ["a\x0bb"]); // … but does not end a word
  assertEquals(splitConfigArgs(""), []);
  assertEquals(splitConfigArgs("   "), []);
});

Deno.test("double quotes keep blanks and read C escapes and \\xHH bytes", () => {
  assertEquals(splitConfigArgs(`requirepass "a b"`), ["requirepass", "a b"]);
  assertEquals(splitConfigArgs(`x "\\n\\r\\t\\b\\a"`), ["x", "\n\r\t\b\x07"]);
  assertEquals(splitConfigArgs(`x "\\x41\\x7a\\xff"`), ["x", "Az\xff"]);
  assertEquals(splitConfigArgs(`x "\\xZZ"`), ["x", "xZZ"]); // not hex: \x is x
  assertEquals(splitConfigArgs(`x "\\x4"`), ["x", "x4"]); // one digit: likewise
  assertEquals(splitConfigArgs(`x "\\"\\\\\\q"`), ["x", `"\\q`]); // others: the character
  assertEquals(splitConfigArgs(`x "" ""`), ["x", "", ""]);
  assertEquals(splitConfigArgs(`x "it's"`), ["x", "it's"]);
});

Deno.test("single quotes keep everything but \\' as typed", () => {
  assertEquals(splitConfigArgs(`x 'a b'`), ["x", "a b"]);
  assertEquals(splitConfigArgs(`x 'a\\nb'`), ["x", "a\\nb"]);
  assertEquals(splitConfigArgs(`x 'it\\'s'`), ["x", "it's"]);
  assertEquals(splitConfigArgs(`x 'say "hi"'`), ["x", `say "hi"`]);
  assertEquals(splitConfigArgs(`x ''`), ["x", ""]);
});

Deno.test("a quote may open mid-word, and the word goes on inside it", () => {
  assertEquals(splitConfigArgs(`ab"c d"`), ["abc d"]);
  assertEquals(splitConfigArgs(`ab'c d' e`), ["abc d", "e"]);
});

Deno.test("unbalanced quotes, or a closing quote not followed by a blank, are refused", () => {
  for (
    const line of [`"abc`, `'abc`, `x "a"b`, `x 'a'b`, `"a\\"`, `x "abc\\`, `'it\\'`]
  ) {
    assertEquals(splitConfigArgs(line), null, line);
  }
  assertEquals(splitConfigArgs(`"a"\t"b"`), ["a", "b"]);
});

/** Files in memory, for the loader. */
function memoryFiles(files: Record<string, string>): ConfigFiles {
  return {
    read(path) {
      if (!(path in files)) throw new Deno.errors.NotFound(path);
      return new TextEncoder().encode(files[path]);
    },
    list(dir) {
      const prefix = dir === "." ? "" : `${dir}/`;
      return Object.keys(files).filter((p) => p.startsWith(prefix))
        .map((p) => p.slice(prefix.length)).filter((n) => !n.includes("/"));
    },
  };
}

/** Every directive of `path`, or the error text. */
function load(files: Record<string, string>, path = "main.conf"): Directive[] | string {
  const out: Directive[] = [];
  try {
    loadConfigFile(path, (d) => {
      if (d.name === "refuse") throw new DirectiveError("refused here");
      out.push(d);
    }, memoryFiles(files));
  } catch (e: unknown) {
    assert(e instanceof ConfigFileError, String(e));
    return e.message;
  }
  return out;
}

Deno.test("lines are trimmed, comments and blank lines skipped, names lower-cased, CRLF read", () => {
  const text = "# a comment\r\n\r\n  PORT 7000  \r\n\t save 900 1\r\n   # indented comment\n" +
    "requirepass x # not a comment\n";
  assertEquals(load({ "main.conf": text }), [
    { name: "port", args: ["7000"], file: "main.conf", line: 3 },
    { name: "save", args: ["900", "1"], file: "main.conf", line: 4 },
    {
      name: "requirepass",
      args: ["x", "#", "not", "a", "comment"],
      file: "main.conf",
      line: 6,
    },
  ]);
});

Deno.test("a refused line is reported as Redis reports it, with its number and text", () => {
  assertEquals(
    load({ "main.conf": "port 1\n\n  refuse   this  \n" }),
    "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\n" +
      "Reading the configuration file, at line 3\n>>> 'refuse   this'\nrefused here",
  );
  assertEquals(
    load({ "main.conf": 'port 1\nrequirepass "abc\n' }),
    "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\n" +
      "Reading the configuration file, at line 2\n>>> 'requirepass \"abc'\n" +
      "Unbalanced quotes in configuration line",
  );
});

Deno.test("the first bad line stops the load: nothing after it is applied", () => {
  const seen: string[] = [];
  assert.throws(() =>
    loadConfigText("a 1\nrefuse\nb 2\n", "x", (d) => {
      if (d.name === "refuse") throw new DirectiveError("no");
      seen.push(d.name);
    })
  );
  assertEquals(seen, ["a"]);
});

Deno.test("an include is read in place, its lines numbered in its own file", () => {
  const files = {
    "main.conf": "a 1\ninclude extra.conf\nb 2\n",
    "extra.conf": "# extra\nc 3\n",
  };
  const got = load(files);
  assert(typeof got !== "string");
  assertEquals(got.map((d) => [d.name, d.file, d.line]), [
    ["a", "main.conf", 1],
    ["c", "extra.conf", 2],
    ["b", "main.conf", 3],
  ]);
  const bad = load({ "main.conf": "include extra.conf\n", "extra.conf": "x 1\nrefuse it\n" });
  assert(typeof bad === "string" && bad.includes("at line 2\n>>> 'refuse it'"), String(bad));
});

Deno.test("an include with a glob reads every match in name order; none matching is fine", () => {
  const files = {
    "main.conf": "include conf.d/*.conf\ninclude none.d/*.conf\nlast 1\n",
    "conf.d/b.conf": "b 1\n",
    "conf.d/a.conf": "a 1\n",
    "conf.d/c.txt": "c 1\n",
  };
  const got = load(files);
  assert(typeof got !== "string");
  assertEquals(got.map((d) => d.name), ["a", "b", "last"]);
  const joined = load({
    "main.conf": "include d/*.conf\n",
    "d/1.conf": "x 1\n",
    "d/2.conf": "y 2\nrefuse\n",
  });
  assert(typeof joined === "string" && joined.includes("at line 3"), String(joined));
});

Deno.test("a missing file is Redis's fatal error; include with no path or two is not an include", () => {
  assertEquals(
    load({}, "nope.conf"),
    "Fatal error, can't open config file 'nope.conf': No such file or directory",
  );
  assertEquals(
    load({ "main.conf": "include gone.conf\n" }),
    "Fatal error, can't open config file 'gone.conf': No such file or directory",
  );
  const odd = load({ "main.conf": "include\ninclude a b\n" });
  assert(typeof odd !== "string");
  assertEquals(odd.map((d) => [d.name, d.args]), [["include", []], ["include", ["a", "b"]]]);
});

Deno.test("an include that includes itself is refused, not followed forever", () => {
  const got = load({ "main.conf": "include main.conf\n" });
  assert(typeof got === "string" && got.endsWith("Too many nested includes"), String(got));
});

Deno.test("quoted bytes become text: UTF-8 as written, and \\x escapes as UTF-8 bytes", () => {
  const got = load({ "main.conf": `requirepass "pässwörd"\nx "\\xc3\\xa9"\n` });
  assert(typeof got !== "string");
  assertEquals(got.map((d) => d.args[0]), ["pässwörd", "é"]);
});

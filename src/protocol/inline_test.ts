/**
 * Inline argument splitting, case by case against Redis's `sdssplitargs` (sds.c): which
 * bytes separate words, the escapes of double quotes, the one escape of single quotes,
 * and the unbalanced-quote cases (null). tests/protocol_test.ts sends these same lines to
 * a real redis-server.
 */

import { assertEquals } from "../../tests/support/assert.ts";
import { bytes } from "./_test_streams.ts";
import { splitInlineArgs } from "./inline.ts";

const split = (line: string) => splitInlineArgs(bytes(line));

const cases: [string, string[] | null][] = [
  ["", []],
  ["   ", []],
  ["PING", ["PING"]],
  ["SET k v", ["SET", "k", "v"]],
  ["  SET\t k \t v  ", ["SET", "k", "v"]],
  ["a\x0bb", ["a\x0bb"]], // \v and \f separate only between words, not inside one
  ["\x0b\x0ca b", ["a", "b"]],
  ['"hello world"', ["hello world"]],
  ['""', [""]],
  ["''", [""]],
  ['"" x', ["", "x"]],
  ['"a\\nb\\rc\\td\\be\\af"', ["a\nb\rc\td\be\x07f"]],
  ['"\\x41\\x4a\\x7e\\xff\\x00"', ["AJ~\xff\x00"]],
  ['"\\x4"', ["x4"]],
  ['"\\xZZ"', ["xZZ"]],
  ['"\\q\\\\\\""', ['q\\"']],
  ["'it\\'s'", ["it's"]],
  ["'a\\nb'", ["a\\nb"]],
  ["'\"'", ['"']],
  [`"'"`, ["'"]],
  ['ab"cd ef"gh', null],
  ['ab"cd ef"', ["abcd ef"]],
  ["ab'cd ef'", ["abcd ef"]],
  ['"a"b', null],
  ["'a'b", null],
  ['"a"\tb', ["a", "b"]],
  ['"a"\x0bb', ["a", "b"]],
  ['"unterminated', null],
  ["'unterminated", null],
  ['"ends with backslash\\', null],
  ['"\\"', null],
  ["a\x00b", ["a"]],
  ['"a\x00b"', null],
  ["\xff\xfe x", ["\xff\xfe", "x"]],
  ["a\rb", ["a", "b"]],
  ["a\nb", ["a", "b"]],
];

for (const [line, expected] of cases) {
  Deno.test(`the inline line ${JSON.stringify(line)} splits as Redis splits it`, () => {
    assertEquals(split(line), expected);
  });
}

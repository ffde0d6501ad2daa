/**
 * A redis.call's arguments reach the host exactly as the script made them, whatever the
 * strings JS already holds for pinned Lua strings (lua_glue.wat `args`): strings that are
 * collected and whose memory is reused, many more distinct strings than pin slots, a call
 * whose arguments are only partly strings, a call refused before its arguments are used,
 * and a closed state whose memory the next one reuses; KEYS and ARGV from script to script.
 */

import { deepStrictEqual as assertEquals } from "node:assert/strict";
import fc from "fast-check";
import type { Reply } from "./reply.ts";
import { type ScriptHost, ScriptVm } from "./script_vm.ts";

/** Echoes every command back as one string: "arg1|arg2|…". */
const echo: ScriptHost = {
  call: (argv: string[]): Reply => argv.join("|"),
  permits: () => true,
};

const options = {
  memoryLimit: 64 * 1024 * 1024,
  timeLimit: () => 0,
  log: () => {},
  version: "7.0.15",
};

/** Runs `test` with a new state, closed afterwards. */
function withVm(test: (vm: ScriptVm) => void): void {
  const vm = new ScriptVm(options);
  try {
    test(vm);
  } finally {
    vm.close();
  }
}

/** `body` compiled as a script; throws its error if it does not compile. */
function compile(vm: ScriptVm, body: string): number {
  const ref = vm.compile(body, "@user_script");
  if (typeof ref === "string") throw new Error(ref);
  return ref;
}

function run(vm: ScriptVm, body: string): Reply {
  return vm.call(compile(vm, body), "test", echo);
}

/** Calls with fresh strings (garbage each time round), checked in Lua; returns the count. */
const CHURN = `
local n = 0
for i = 1, 5000 do
  local k = 'key:' .. (i % 1500)
  local v = string.rep('v', i % 7) .. i
  if redis.call('SET', k, v) ~= 'SET|' .. k .. '|' .. v then return 'bad ' .. k end
  if redis.call('GET', k) ~= 'GET|' .. k then return 'bad get ' .. k end
  if i % 300 == 0 then collectgarbage('collect') end
  n = n + 1
end
return n`;

Deno.test("redis.call reads its arguments right through pin-slot collisions and collections", () =>
  withVm((vm) => {
    assertEquals(run(vm, CHURN), 5000);
    // Strings then a number (read one by one), then the same strings again.
    assertEquals(
      run(vm, "return {redis.call('SET', 'a', 1.5), redis.call('GET', 'a'), redis.call('x', 'a')}"),
      ["SET|a|1.5", "GET|a", "x|a"],
    );
    assertEquals(run(vm, "return redis.call('SET', 'a', 'b')"), "SET|a|b");
  }));

Deno.test("a state's pinned strings are forgotten when it closes", () => {
  for (let round = 0; round < 3; round++) {
    withVm((vm) => assertEquals(run(vm, CHURN), 5000));
  }
});

Deno.test("redis.call outside a script reads its arguments too (the next call is right)", () =>
  withVm((vm) => {
    // Loading a chunk runs it outside any script: redis.call raises there.
    vm.vm.exec("pcall(redis.call, 'GET', 'outside')");
    assertEquals(run(vm, "return redis.call('GET', 'outside')"), "GET|outside");
  }));

Deno.test("any byte strings as arguments come back as sent", () =>
  withVm((vm) => {
    const ref = compile(vm, "return redis.call(unpack(ARGV))");
    const bytes = fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 60 })
      .map((b) => String.fromCharCode(...b));
    fc.assert(
      fc.property(fc.array(bytes, { minLength: 1, maxLength: 8 }), (args) => {
        vm.setKeysAndArgv([], args);
        assertEquals(vm.call(ref, "test", echo), args.join("|"));
      }),
      { numRuns: 500 },
    );
  }));

Deno.test("KEYS and ARGV hold each script's own strings, whatever the last script's were", () =>
  withVm((vm) => {
    const ref = compile(
      vm,
      "local out = {#KEYS} for _, k in ipairs(KEYS) do out[#out + 1] = k end " +
        "for _, a in ipairs(ARGV) do out[#out + 1] = a end return out",
    );
    // Few distinct strings, so that a script often repeats the last one's in the same place.
    const item = fc.constantFrom("", "a", "b", "key:1", "key:2", "x".repeat(50));
    const list = fc.array(item, { maxLength: 70 });
    fc.assert(
      fc.property(fc.array(fc.tuple(list, list), { minLength: 1, maxLength: 6 }), (runs) => {
        for (const [keys, args] of runs) {
          // Equal strings that are not the same objects as well.
          vm.setKeysAndArgv(keys.map((k) => k.split("").join("")), args);
          assertEquals(vm.call(ref, "test", echo), [keys.length, ...keys, ...args]);
        }
      }),
      { numRuns: 300 },
    );
  }));

Deno.test("a large argument is not kept alive once its script is done", () =>
  withVm((vm) => {
    vm.collect();
    const before = vm.vm.memoryUsed;
    assertEquals(
      run(vm, "return #redis.call('SET', 'big', string.rep('x', 4 * 1024 * 1024))"),
      4 * 1024 * 1024 + "SET|big|".length,
    );
    vm.collect();
    const after = vm.vm.memoryUsed;
    if (after - before > 256 * 1024) throw new Error(`Lua heap grew by ${after - before} bytes`);
  }));

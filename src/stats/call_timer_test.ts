/** How CallTimer shares clock readings among calls (call_timer.ts), on a clock moved by hand. */

import assert from "node:assert/strict";
import type { CommandFlag, CommandSpec } from "../commands/command.ts";
import { CallTimer } from "./call_timer.ts";
import type { CallingClient } from "./introspection.ts";

function spec(name: string, ...flags: CommandFlag[]): CommandSpec {
  return { name, arity: -1, flags, categories: [], parse: () => {}, execute: () => {} };
}

const GET = spec("get", "readonly", "fast");
const INCR = spec("incr", "write", "fast");
const SET = spec("set", "write");
const KEYS = spec("keys", "readonly");
const EXEC = spec("exec", "skip_slowlog");
const client = { name: "" } as unknown as CallingClient;

/** A timer on a clock that reads `ms` and counts its readings; `timed` calls are recorded. */
function harness() {
  const clock = { ms: 0, readings: 0 };
  const timed: string[] = [];
  const timer = new CallTimer(
    {
      timed: (s, argv, usec, calls) => void timed.push(`${s.name} ${argv[0]} ${usec}/${calls}`),
    },
    () => (clock.readings++, clock.ms),
  );
  /** One call of `s` taking `ms`, with `inner` running inside it. */
  const call = (s: CommandSpec, ms: number, inner: () => void = () => {}) => {
    const started = timer.start(s);
    clock.ms += ms;
    inner();
    timer.end(s, [s.name], client, started);
  };
  return { clock, timed, timer, call };
}

Deno.test("fast commands of any mix share one reading at the end of the batch", () => {
  const { clock, timed, timer, call } = harness();
  timer.beginBatch(0);
  call(GET, 1);
  call(INCR, 2);
  call(GET, 3);
  timer.endBatch();
  assert.equal(clock.readings, 1);
  assert.deepEqual(timed, ["get get 4000/2", "incr incr 2000/1"]);
});

Deno.test("a command that is not fast is timed alone, calls of it in a row together", () => {
  const { clock, timed, timer, call } = harness();
  timer.beginBatch(0);
  call(GET, 1);
  call(KEYS, 10);
  call(KEYS, 20);
  call(SET, 1);
  call(GET, 3);
  timer.endBatch();
  assert.deepEqual(timed, [
    "get get 1000/1",
    "keys keys 30000/2",
    "set set 1000/1",
    "get get 3000/1",
  ]);
  assert.equal(clock.readings, 4);
});

Deno.test("fast calls inside another join its run; its time includes theirs", () => {
  const { clock, timed, timer, call } = harness();
  timer.beginBatch(0);
  call(EXEC, 1, () => {
    call(INCR, 1);
    call(GET, 1);
  });
  timer.endBatch();
  assert.equal(clock.readings, 1);
  // 3 ms over three calls: each a share of 1 ms, EXEC's own three (its two inner included)
  assert.deepEqual(timed, ["incr incr 1000/1", "get get 1000/1", "exec exec 3000/1"]);
});

Deno.test("a call inside another that is not fast is timed alone, exactly", () => {
  const { timed, timer, call } = harness();
  timer.beginBatch(0);
  call(EXEC, 1, () => call(KEYS, 5));
  timer.endBatch();
  assert.deepEqual(timed, ["keys keys 5000/1", "exec exec 6000/1"]);
});

Deno.test("outside a batch every call is timed alone", () => {
  const { clock, timed, call } = harness();
  call(GET, 2);
  call(GET, 3);
  assert.deepEqual(timed, ["get get 2000/1", "get get 3000/1"]);
  assert.equal(clock.readings, 4);
});

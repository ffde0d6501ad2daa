/**
 * The notify-keyspace-events table: letters read and printed back as Redis 7.0.15 does
 * (the expected strings were read from a real redis-server with CONFIG SET / CONFIG GET),
 * m and n outside A, and the messages one event becomes.
 */

import { assert } from "../../tests/support/assert.ts";
import fc from "fast-check";
import {
  eventClass,
  formatNotifyClasses,
  keyspaceMessages,
  NOTIFY_ALL,
  NOTIFY_KEY_MISS,
  NOTIFY_NEW,
  parseNotifyClasses,
} from "./keyspace_events.ts";

const ALL_LETTERS = "Ag$lshzxeKEtmdn";

Deno.test("class letters read back as redis-server 7.0.15 prints them", () => {
  const seen: [string, string][] = [
    ["", ""],
    ["An", "A"],
    ["A", "A"],
    ["KEA", "AKE"],
    ["Kn", "nK"],
    ["m", "m"],
    ["Em", "Em"],
    ["gK", "gK"],
    [ALL_LETTERS, "AKEm"],
    ["$lshzxegtd", "A"],
    ["KEg$lshzxet", "g$lshzxetKE"],
    ["El", "lE"],
    ["Kd", "dK"],
    ["KEx", "xKE"],
  ];
  for (const [set, shown] of seen) {
    const flags = parseNotifyClasses(set);
    assert.ok(flags !== null, set);
    assert.equal(formatNotifyClasses(flags!), shown, `CONFIG SET ${JSON.stringify(set)}`);
  }
});

Deno.test("an unknown letter is refused", () => {
  for (const bad of ["Q", "KEA ", "k", "a", "*", "é"]) assert.equal(parseNotifyClasses(bad), null);
});

Deno.test("A leaves out the key-miss and new-key classes", () => {
  assert.equal(parseNotifyClasses("A")! & NOTIFY_KEY_MISS, 0);
  assert.equal(parseNotifyClasses("A")! & NOTIFY_NEW, 0);
  assert.equal(parseNotifyClasses("A")! & NOTIFY_ALL, NOTIFY_ALL);
  assert.deepEqual(keyspaceMessages(parseNotifyClasses("KEA")!, 0, "k", "new"), []);
  assert.deepEqual(keyspaceMessages(parseNotifyClasses("KEA")!, 0, "k", "keymiss"), []);
  assert.equal(keyspaceMessages(parseNotifyClasses("KEn")!, 0, "k", "new").length, 2);
  assert.equal(keyspaceMessages(parseNotifyClasses("Em")!, 0, "k", "keymiss").length, 1);
});

Deno.test("printing then reading keeps every class but n under A", () => {
  const letters = fc.array(fc.constantFrom(...ALL_LETTERS), { maxLength: 20 });
  fc.assert(fc.property(letters, (chosen) => {
    const flags = parseNotifyClasses(chosen.join(""))!;
    const again = parseNotifyClasses(formatNotifyClasses(flags))!;
    const lost = (flags & NOTIFY_ALL) === NOTIFY_ALL ? NOTIFY_NEW : 0;
    assert.equal(again, flags & ~lost);
    // printing is stable
    assert.equal(formatNotifyClasses(again), formatNotifyClasses(flags));
  }));
});

Deno.test("an event becomes its keyspace message, then its keyevent message", () => {
  assert.deepEqual(keyspaceMessages(parseNotifyClasses("KEA")!, 3, "user:1", "hset"), [
    { channel: "__keyspace@3__:user:1", message: "hset" },
    { channel: "__keyevent@3__:hset", message: "user:1" },
  ]);
  assert.deepEqual(keyspaceMessages(parseNotifyClasses("El")!, 0, "q", "lpush"), [
    { channel: "__keyevent@0__:lpush", message: "q" },
  ]);
  // the class is off, or neither K nor E is on
  assert.deepEqual(keyspaceMessages(parseNotifyClasses("K$")!, 0, "q", "lpush"), []);
  assert.deepEqual(keyspaceMessages(parseNotifyClasses("A")!, 0, "q", "lpush"), []);
});

Deno.test("every event name belongs to its Redis class", () => {
  const expect: Record<string, string> = {
    del: "g",
    expire: "g",
    rename_from: "g",
    rename_to: "g",
    move_to: "g",
    copy_to: "g",
    set: "$",
    incrby: "$",
    append: "$",
    lpush: "l",
    rpop: "l",
    sadd: "s",
    hset: "h",
    zadd: "z",
    zincr: "z",
    xadd: "t",
    expired: "x",
    evicted: "e",
    keymiss: "m",
    new: "n",
  };
  for (const [event, letter] of Object.entries(expect)) {
    assert.equal(eventClass(event), parseNotifyClasses(letter), event);
  }
  assert.equal(eventClass("flushdb"), 0);
});

/**
 * Properties of ACL users: a user's description (ACL LIST, ACL SAVE) rebuilds exactly the
 * same permissions when applied to a fresh user (Redis asserts the same of its own
 * ACLDescribeSelectorCommandRules), and a check agrees with a plain model of the rules.
 */

import fc from "fast-check";
import { assert, assertEquals } from "../../tests/support/assert.ts";
import { lookupCommand } from "../commands/registry.ts";
import { AclUser, splitRules } from "./user.ts";
import { mergeSelectorArgs } from "./acl_registry.ts";

const RULE = fc.oneof(
  fc.constantFrom(
    "on",
    "off",
    "nopass",
    "resetpass",
    ">secret",
    ">other",
    "allkeys",
    "resetkeys",
    "allchannels",
    "resetchannels",
    "allcommands",
    "nocommands",
    "+@read",
    "-@read",
    "+@write",
    "-@dangerous",
    "+@admin",
    "-@keyspace",
    "+@pubsub",
    "+get",
    "-get",
    "+config|get",
    "-config|set",
    "+client",
    "-client|kill",
    "+select|0",
    "~user:*",
    "%R~r:*",
    "%W~w:*",
    "&chat:*",
    "(+set ~x*)",
    "(+@read %R~y*)",
    "clearselectors",
  ),
);

function normalized(u: AclUser) {
  return {
    flags: u.flags(),
    passwords: u.passwords,
    selectors: u.selectors.map((s) => ({
      allKeys: s.allKeys,
      allChannels: s.allChannels,
      future: s.future,
      allowed: [...s.allowed].map((c) => c.name).sort(),
      firstArgs: [...(s.firstArgs ?? new Map())].filter(([c]) => !s.allowed.has(c))
        .map(([c, a]) => `${c.name}:${a.join(",")}`).sort(),
      keys: s.keys,
      channels: s.channels,
    })),
  };
}

Deno.test("a user's description rebuilds the same permissions", () => {
  fc.assert(
    fc.property(fc.array(RULE, { maxLength: 12 }), (rules) => {
      const u = new AclUser("u");
      for (const r of rules) {
        try {
          u.apply(r);
        } catch {
          // a rule Redis refuses (a pattern after allkeys): skipped, as SETUSER would fail
        }
      }
      const again = new AclUser("u");
      for (const r of mergeSelectorArgs(u.describe().split(" ").filter((w) => w !== ""))) {
        again.apply(r);
      }
      assertEquals(normalized(again), normalized(u), u.describe());
    }),
    { numRuns: 150 },
  );
});

Deno.test("a check follows the rules: commands, first args, key access and channels", () => {
  const u = new AclUser("u");
  for (const r of splitRules("on -@all +get +set +lmove +publish +select|0 ~a:* %R~r:* &c")) {
    u.apply(r);
  }
  const ok = (...argv: string[]) => {
    const spec = lookupCommand(argv[0])!;
    return u.check(spec, argv).code === 0;
  };
  assert(ok("get", "a:1") && ok("get", "r:1") && !ok("get", "b"));
  assert(ok("set", "a:1", "v") && !ok("set", "r:1", "v"));
  assert(!ok("set", "r:1", "v", "GET"), "SET … GET reads and writes");
  assert(ok("lmove", "a:1", "a:2", "LEFT", "LEFT") && !ok("lmove", "r:1", "a:2", "LEFT", "LEFT"));
  assert(ok("select", "0") && !ok("select", "1") && !ok("del", "a:1"));
  assert(ok("publish", "c", "m") && !ok("publish", "d", "m"));
  // A selector grants what the root does not.
  u.apply("(+del ~d:*)");
  assert(ok("del", "d:1") && !ok("del", "a:1"));
  assertEquals(u.check(lookupCommand("get")!, ["get", "zz"]).pos, 1);
});

/**
 * The ACL check alone, without sockets: a restricted user's check of GET and SET (four key
 * patterns, the match is the last), 1000 different keys per iteration; divide by 1000 for
 * one check. The default user skips the check (`unrestricted`), so it costs one field read.
 *
 *   deno bench -A bench/acl_check_bench.ts
 */

import { lookupCommand } from "../src/commands/registry.ts";
import { AclUser } from "../src/acl/user.ts";

const user = new AclUser("bench");
for (
  const rule of [
    "on",
    ">pw",
    "~session:*",
    "~user:*",
    "%R~config:*",
    "~key:*",
    "resetchannels",
    "&news",
    "-@all",
    "+@read",
    "+@write",
    "+@connection",
    "-@dangerous",
  ]
) user.apply(rule);
const get = lookupCommand("get")!;
const set = lookupCommand("set")!;
const gets = Array.from({ length: 1000 }, (_, i) => ["GET", `key:${i}`]);
const sets = Array.from({ length: 1000 }, (_, i) => ["SET", `key:${i}`, "value"]);
let denied = 0;

Deno.bench("ACL check, 1000 GETs of a restricted user", () => {
  for (const argv of gets) denied += user.check(get, argv).code;
});

Deno.bench("ACL check, 1000 SETs of a restricted user", () => {
  for (const argv of sets) denied += user.check(set, argv).code;
});

const everything = new AclUser("default");
for (const rule of ["+@all", "~*", "&*", "on", "nopass"]) everything.apply(rule);

Deno.bench("ACL check skipped, 1000 GETs of the default user", () => {
  for (const argv of gets) if (!everything.unrestricted) denied += everything.check(get, argv).code;
});

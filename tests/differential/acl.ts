/**
 * Differential sequences for ACLs: ACL SETUSER's rules and errors, GETUSER / LIST
 * descriptions, AUTH and HELLO AUTH as ACL users, the NOPERM texts for commands, keys
 * (with `%R~` / `%W~` read by each command's key specs) and channels, ACL LOG entries,
 * DRYRUN, MULTI/EXEC and scripts under a restricted user.
 *
 * Every sequence starts with an empty ACL log and deletes its users afterwards, so the
 * servers' users are the default one between sequences. ACL LOG's `age-seconds` and
 * `client-info` are masked (a clock and a client line, each server's own).
 */

import { seq, type Sequence, type Step } from "../support/differential.ts";
import type { Frame } from "../../src/protocol/frame.ts";

const USERS = ["u", "v", "w", "sel", "page", "off1", "np"];

function aclSeq(name: string, ...steps: Step[]): Sequence {
  return {
    ...seq(name, ...steps),
    before: ["ACL LOG RESET"],
    after: [["ACL", "DELUSER", ...USERS], "ACL LOG RESET"],
  };
}

/** ACL LOG with its clock and client-line fields masked. */
const LOG = (count = 10): Step => ({
  cmd: `ACL LOG ${count}`,
  maskKeys: ["age-seconds", "client-info"],
});

const PAGE_USER = ["ACL", "SETUSER", "page", "on", ">pw", "~user:42:*", "&chat:42", "+@all"];

export const sequences: Sequence[] = [
  aclSeq(
    "ACL SETUSER creates a user GETUSER and LIST describe",
    "ACL SETUSER u",
    "ACL GETUSER u",
    "ACL SETUSER u on >p1 >p2 ~k:* %R~r:* %W~w:* &ch:* +get +set -@all +@read",
    "ACL GETUSER u",
    "ACL LIST",
    "ACL USERS",
  ),
  aclSeq(
    "ACL SETUSER rules add up and reset starts over",
    "ACL SETUSER u on nopass allkeys allchannels +@all",
    "ACL GETUSER u",
    "ACL SETUSER u -flushall",
    "ACL LIST",
    "ACL SETUSER u reset",
    "ACL GETUSER u",
    "ACL SETUSER u >a >a >b <a",
    "ACL GETUSER u",
    "ACL SETUSER u resetpass",
    "ACL GETUSER u",
  ),
  aclSeq(
    "ACL SETUSER password hashes, first args and subcommands",
    "ACL SETUSER u #5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8",
    "ACL SETUSER u !5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8",
    "ACL SETUSER u -@all +select|0 +select|1",
    "ACL GETUSER u",
    "ACL SETUSER u -@all +config|get",
    "ACL GETUSER u",
    "ACL SETUSER u -@all +xinfo",
    "ACL GETUSER u",
    "ACL SETUSER u nocommands allcommands resetkeys resetchannels",
    "ACL LIST",
  ),
  aclSeq(
    "ACL SETUSER selectors",
    "ACL SETUSER sel on nopass +get ~a* (+set ~b*) (%R~c* +@read)",
    "ACL GETUSER sel",
    "ACL LIST",
    ["ACL", "SETUSER", "sel", "(+del", "~d*)"],
    "ACL GETUSER sel",
    "ACL SETUSER sel clearselectors",
    "ACL GETUSER sel",
  ),
  aclSeq(
    "ACL SETUSER refuses bad rules and changes nothing",
    "ACL SETUSER u on >p ~k",
    "ACL SETUSER u +nosuchcommand",
    "ACL SETUSER u +@nosuchcategory",
    "ACL SETUSER u -@NOSUCH",
    "ACL SETUSER u #abc",
    "ACL SETUSER u !ABCDEF",
    "ACL SETUSER u <nosuchpassword",
    "ACL SETUSER u %X~k",
    "ACL SETUSER u allkeys ~more",
    "ACL SETUSER u allchannels &more",
    "ACL SETUSER u +config|get|x",
    "ACL SETUSER u +select|",
    "ACL SETUSER u -select|0",
    "ACL SETUSER u whatever",
    "ACL SETUSER u off (+get",
    "ACL SETUSER u (+get ~a) (bad)",
    ["ACL", "SETUSER", "a b"],
    "ACL GETUSER u",
    "ACL GETUSER nobody",
    "ACL SETUSER",
  ),
  aclSeq(
    "ACL DELUSER and the default user",
    "ACL SETUSER u",
    "ACL SETUSER v",
    "ACL DELUSER u v nobody",
    "ACL DELUSER default",
    "ACL DELUSER u default",
    "ACL USERS",
  ),
  aclSeq(
    "AUTH and HELLO AUTH as ACL users, WHOAMI",
    "ACL WHOAMI",
    "ACL SETUSER u on >pw +@all ~*",
    "ACL SETUSER off1 off >pw +@all",
    "ACL SETUSER np on nopass +@all",
    "AUTH u wrong",
    "AUTH nobody pw",
    "AUTH off1 pw",
    "AUTH u pw",
    "ACL WHOAMI",
    "AUTH np anything",
    "ACL WHOAMI",
    { cmd: "HELLO 3 AUTH u pw", maskKeys: ["id"] },
    "ACL WHOAMI",
    "HELLO 3 AUTH u nope",
    "AUTH onlypassword",
    LOG(),
  ),
  aclSeq(
    "a restricted user gets NOPERM for commands keys and channels",
    PAGE_USER,
    "ACL SETUSER page -flushall -keys -@dangerous",
    "SET user:42:name ann",
    "SET other x",
    "AUTH page pw",
    "GET user:42:name",
    "GET other",
    "MGET user:42:name other",
    "MGET user:42:name user:42:none",
    "SET other y",
    "SET user:42:a 1",
    "DEL other",
    "DEL user:42:a",
    "RENAME user:42:name other",
    "FLUSHALL",
    "KEYS *",
    "PUBLISH chat:42 hi",
    "PUBLISH chat:43 hi",
    "ACL WHOAMI",
    "PING",
    LOG(),
  ),
  aclSeq(
    "a restricted user cannot subscribe outside its channels",
    PAGE_USER,
    "AUTH page pw",
    "SUBSCRIBE chat:43",
    "SUBSCRIBE chat:42 chat:43",
    "PSUBSCRIBE chat:*",
    "PSUBSCRIBE chat:42",
    "SPUBLISH chat:43 x",
    "SSUBSCRIBE chat:43",
    "SPUBLISH chat:42 x",
    "UNSUBSCRIBE",
    LOG(),
  ),
  aclSeq(
    "read and write key patterns follow each command's key specs",
    "ACL SETUSER v on nopass %R~r:* %W~w:* ~rw:* +@all",
    "RPUSH r:1 a b",
    "RPUSH rw:1 a",
    "AUTH v x",
    "GET r:1",
    "LRANGE r:1 0 -1",
    "GET w:1",
    "SET w:1 x",
    "SET w:1 x GET",
    "SET r:1 x",
    "LMOVE r:1 w:1 LEFT RIGHT",
    "LMOVE rw:1 w:2 LEFT RIGHT",
    "COPY r:1 w:3",
    "COPY w:3 r:3",
    "XLEN w:1",
    "BITFIELD w:4 GET u8 0",
    "BITFIELD w:4 SET u8 0 1",
    "BITFIELD r:4 GET u8 0",
    "SORT r:1 ALPHA",
    "SORT r:1 ALPHA STORE w:5",
    "SORT r:1 ALPHA STORE r:5",
    "ZUNIONSTORE w:6 1 r:1",
    "ZUNIONSTORE r:6 1 r:1",
    "ZUNIONSTORE w:6 notanumber r:1",
    "XREAD STREAMS r:x w:x 0 0",
    "XREAD STREAMS r:x 0",
    "EXISTS r:1 w:1",
    "TOUCH r:1",
    LOG(20),
  ),
  aclSeq(
    "SORT's BY and GET patterns need access to every key",
    "RPUSH s1 3 1 2",
    "ACL SETUSER u on nopass ~s* +@all",
    "AUTH u x",
    "SORT s1",
    "SORT s1 BY w_*",
    "SORT s1 BY nosort",
    "SORT s1 GET x LIMIT 0 1",
    "SORT s1 BY nosort GET #",
    "SORT s1 BY w_* FOO",
    "SORT s1 FOO BY w_*",
    "SORT s1 BY w_* LIMIT x 1",
    "SORT_RO s1 GET #",
    "ACL SETUSER u %R~*",
    "SORT s1 BY w_* GET #",
    "ACL SETUSER u resetkeys %W~*",
    "SORT s1 BY w_*",
    "ACL SETUSER u allkeys",
    "SORT s1 BY w_* GET #",
  ),
  aclSeq(
    "ACL DRYRUN",
    PAGE_USER,
    "ACL SETUSER page -flushall",
    "ACL DRYRUN page GET user:42:x",
    "ACL DRYRUN page GET other",
    "ACL DRYRUN page FLUSHALL",
    "ACL DRYRUN page PUBLISH chat:42 x",
    "ACL DRYRUN page PUBLISH other x",
    "ACL DRYRUN page CONFIG GET maxmemory",
    "ACL DRYRUN page nosuchcommand",
    "ACL DRYRUN nobody GET x",
    "ACL DRYRUN page",
    LOG(),
  ),
  aclSeq(
    "MULTI under a restricted user and ACL changes before EXEC",
    "ACL SETUSER u on >pw ~k* +@all -flushall",
    "AUTH u pw",
    "MULTI",
    "GET k1",
    "GET other",
    "EXEC",
    "MULTI",
    "GET k1",
    "ACL SETUSER u resetkeys",
    "GET k1",
    "SET k2 v",
    "EXEC",
    "MULTI",
    "FLUSHALL",
    "EXEC",
    LOG(),
  ),
  aclSeq(
    "scripts run as the caller's user",
    "ACL SETUSER u on >pw ~k* &c +@all -flushall",
    "SET k1 v1",
    "SET other secret",
    "AUTH u pw",
    ["EVAL", "return redis.call('get', KEYS[1])", "1", "k1"],
    ["EVAL", "return redis.call('get', KEYS[1])", "1", "other"],
    ["EVAL", "return redis.call('get', 'other')", "0"],
    ["EVAL", "return redis.pcall('get', 'other')", "0"],
    ["EVAL", "return redis.call('set', 'other', 'x')", "0"],
    ["EVAL", "return redis.call('flushall')", "0"],
    ["EVAL", "return redis.call('publish', 'd', 'x')", "0"],
    ["EVAL", "return redis.call('publish', 'c', 'x')", "0"],
    ["EVAL", "return redis.acl_check_cmd('get', 'other')", "0"],
    ["EVAL", "return redis.acl_check_cmd('get', 'k9')", "0"],
    ["EVAL", "return redis.acl_check_cmd('flushall')", "0"],
    "AUTH default x",
    "GET other",
    LOG(),
  ),
  aclSeq(
    "ACL LOG counts repeats and RESET empties it",
    "ACL SETUSER u on >pw ~k* +@all",
    "AUTH u pw",
    "GET a",
    "GET a",
    "GET b",
    "GET a",
    LOG(),
    LOG(1),
    "ACL LOG 0",
    "ACL LOG -5",
    "ACL LOG x",
    "ACL LOG 1 2",
    "ACL LOG RESET",
    LOG(),
  ),
  aclSeq(
    "ACL CAT GENPASS WHOAMI HELP and arity",
    "ACL CAT",
    "ACL CAT nosuch",
    "ACL CAT a b",
    { cmd: "ACL GENPASS", property: hexOfLength(64) },
    { cmd: "ACL GENPASS 5", property: hexOfLength(2) },
    { cmd: "ACL GENPASS 4096", property: hexOfLength(1024) },
    "ACL GENPASS 0",
    "ACL GENPASS 4097",
    "ACL GENPASS x",
    "ACL WHOAMI x",
    "ACL HELP",
    "ACL NOSUCH",
    "ACL",
    "ACL LOAD",
    "ACL SAVE",
  ),
  aclSeq(
    "CLIENT KILL USER and CLIENT LIST's user field",
    "CLIENT KILL USER nobody",
    "CLIENT KILL USER default SKIPME yes",
    "ACL SETUSER u on nopass +@all ~*",
    "CLIENT KILL USER u",
    "AUTH u x",
    { cmd: "CLIENT INFO", clientFields: true },
  ),
];

/** A property: the reply is a bulk string of `n` lowercase hex digits. */
function hexOfLength(n: number) {
  return (reply: Frame): string | null => {
    const text = reply.kind === "bulk" ? new TextDecoder().decode(reply.value) : "";
    return /^[0-9a-f]*$/.test(text) && text.length === n ? null : `not ${n} hex digits: ${text}`;
  };
}

/**
 * Generated users and the commands DRYRUN asks about: every SETUSER reply (accepted or
 * Redis's error) and every verdict (allowed, or the command, key or channel named) must
 * match, which exercises rule parsing, selectors, key access and channel patterns together.
 * The generator is seeded, so the sequences are the same at every run.
 */
const RULE_POOL = [
  "+get",
  "-get",
  "+set",
  "+@read",
  "-@write",
  "+@string",
  "-@keyspace",
  "+@list",
  "+lmove",
  "+del",
  "-del",
  "+@pubsub",
  "+publish",
  "+select|0",
  "+config|get",
  "+@all",
  "-@all",
  "-flushall",
  "+sort",
  "+eval",
  "+xread",
  "+bitfield",
  "+@sortedset",
  "~a*",
  "%R~r*",
  "%W~w*",
  "%RW~k:?",
  "~[ab]x",
  "allkeys",
  "resetkeys",
  "&c*",
  "&news",
  "allchannels",
  "resetchannels",
  "(+set ~s*)",
  "(%R~q* +@read)",
  "(+publish &p*)",
  "nosuchrule",
];

const DRYRUNS = [
  "GET a1",
  "GET r1",
  "GET w1",
  "SET w1 v",
  "SET r1 v",
  "SET a1 v GET",
  "MGET a1 r1",
  "DEL w1",
  "LMOVE r1 w1 LEFT LEFT",
  "LMOVE a1 w1 LEFT RIGHT",
  "COPY r1 w2",
  "PUBLISH news x",
  "PUBLISH chan x",
  "PUBLISH p1 x",
  "SUBSCRIBE c1 news",
  "PSUBSCRIBE c*",
  "SELECT 0",
  "SELECT 1",
  "CONFIG GET maxmemory",
  "CONFIG SET maxmemory 1",
  "FLUSHALL",
  "SORT r1 STORE w3",
  "EVAL x 1 a1",
  "EVAL x 2 a1 b1",
  "XREAD STREAMS r1 w1 0 0",
  "BITFIELD w1 GET u8 0",
  "BITFIELD a1 SET u8 0 1",
  "KEYS *",
  "GET k:1",
  "GET ax",
  "ZUNIONSTORE w1 2 r1 a1",
  "SET s1 v",
  "GET q1",
];

function generatedDryruns(): Sequence[] {
  // ACL_DRYRUN_SEED picks other users for a longer local search; CI uses the default.
  let seed = Number(Deno.env.get("ACL_DRYRUN_SEED") ?? 17);
  const next = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const out: Sequence[] = [];
  for (let s = 0; s < 30; s++) {
    const steps: Step[] = [];
    for (let u = 0; u < 3; u++) {
      const rules = Array.from({ length: 2 + next(5) }, () => RULE_POOL[next(RULE_POOL.length)]);
      steps.push(["ACL", "SETUSER", "u", "reset", "on", ...rules]);
      for (let d = 0; d < 10; d++) {
        steps.push(["ACL", "DRYRUN", "u", ...DRYRUNS[next(DRYRUNS.length)].split(" ")]);
      }
    }
    out.push({ ...aclSeq(`ACL DRYRUN of generated users ${s + 1}`, ...steps), protocols: [2] });
  }
  return out;
}

sequences.push(...generatedDryruns());

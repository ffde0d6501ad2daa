/**
 * Differential sequences for SORT and SORT_RO: numeric and ALPHA order (ties between equal
 * numbers broken by the elements' bytes, as Redis does), ASC/DESC, LIMIT, BY patterns
 * (string keys, hash fields, `nosort`), GET patterns (`#`, keys, hash fields, missing
 * values), STORE, and the errors. `sequences` sort lists; `onOtherTypes` sort sets and
 * sorted sets and read hash fields.
 */

import { seq, type Sequence } from "../support/differential.ts";

const NUMS = "RPUSH l 3 1 2 10 -1 1.5 1e2 +4 0x10 -inf";
const WORDS = "RPUSH w banana apple Cherry apple 10 9 b a";

const sortArgs = [
  "",
  "ASC",
  "DESC",
  "ALPHA",
  "ALPHA DESC",
  "LIMIT 0 3",
  "LIMIT 2 3",
  "LIMIT 5 100",
  "LIMIT -1 2",
  "LIMIT 2 -1",
  "LIMIT 100 1",
  "LIMIT 0 0",
  "DESC LIMIT 1 2",
  "limit 1 2 desc alpha",
  "LIMIT 0 1 LIMIT 2 1",
  "ASC DESC",
  "DESC ASC",
];

const withWeights = [
  "MSET w_3 30 w_1 10 w_2 20 w_10 5 w_-1 1 w_1.5 zz w_a 2 w_b 2 w_apple 3",
  "MSET o_3 three o_1 one o_2 two o_banana yellow o_apple red",
];

const byGet = [
  "BY w_*",
  "BY w_* DESC",
  "BY w_* ALPHA",
  "BY w_* ALPHA DESC",
  "BY nosort",
  "BY nosort DESC",
  "BY nosort LIMIT 1 2",
  "BY nosort ALPHA",
  "BY nokey_*",
  "BY constant",
  "BY w_* LIMIT 1 2",
  "BY nokey_* LIMIT 1 3",
  "GET o_*",
  "GET #",
  "GET # GET o_*",
  "GET o_* GET # GET w_*",
  "BY w_* GET o_*",
  "BY nosort GET o_* GET #",
  "GET nokey",
  "GET o_*->f",
  "GET *",
  "GET o_",
  "BY w_*->f",
  "BY *",
  "BY w_",
];

export const sequences: Sequence[] = [
  ...sortArgs.map((a) => seq(`SORT numbers ${a}`.trimEnd(), NUMS, `SORT l ${a}`.trimEnd())),
  ...sortArgs.map((a) => seq(`SORT words ${a}`.trimEnd(), WORDS, `SORT w ${a}`.trimEnd())),
  seq("SORT words numerically is an error", WORDS, "SORT w", "SORT w DESC LIMIT 0 1"),
  seq("SORT ties between equal numbers", "RPUSH l 1.0 1 01 1e0 0.5 +1 2", "SORT l", "SORT l DESC"),
  seq("SORT NaN-like values", "RPUSH l nan 1", "SORT l"),
  seq("SORT inf values", "RPUSH l inf -inf +inf 5", "SORT l", "SORT l DESC"),
  seq("SORT numbers with spaces", "RPUSH l ' 1' '2 '", "SORT l"),
  seq("SORT empty element", ["RPUSH", "l", "", "1"], "SORT l", "SORT l ALPHA"),
  seq(
    "SORT binary ALPHA",
    ["RPUSH", "l", "b", "\xe9", "a\x00z", "a", "\x7f"],
    "SORT l ALPHA",
    "SORT l ALPHA STORE d",
    "LRANGE d 0 -1",
  ),
  seq(
    "SORT missing key",
    "SORT nokey",
    "SORT nokey ALPHA LIMIT 0 1",
    "SORT nokey STORE d",
    "EXISTS d",
  ),
  seq(
    "SORT missing key STORE deletes the destination",
    "SET d x",
    "SORT nokey STORE d",
    "EXISTS d",
  ),
  seq("SORT on a string", "SET s x", "SORT s", "SORT s STORE d", "SORT_RO s"),
  seq(
    "SORT syntax errors",
    NUMS,
    "SORT l FOO",
    "SORT l LIMIT 1",
    "SORT l LIMIT x 1",
    "SORT l LIMIT 0 y",
    "SORT l BY",
    "SORT l GET",
    "SORT l STORE",
  ),
  seq("SORT syntax error on a missing key", "SORT nokey FOO", "SORT nokey LIMIT a b"),
  seq("SORT STORE", NUMS, "SORT l STORE d", "LRANGE d 0 -1", "TYPE d"),
  seq("SORT STORE ALPHA DESC LIMIT", WORDS, "SORT w ALPHA DESC LIMIT 1 3 STORE d", "LRANGE d 0 -1"),
  seq("SORT STORE over a string", NUMS, "SET d x EX 100", "SORT l STORE d", "TYPE d", "TTL d"),
  seq("SORT STORE onto the source", NUMS, "SORT l STORE l", "LRANGE l 0 -1"),
  seq("SORT STORE empty result deletes", NUMS, "SET d x", "SORT l LIMIT 100 1 STORE d", "EXISTS d"),
  seq("SORT STORE with GET", NUMS, withWeights[1], "SORT l GET o_* GET # STORE d", "LRANGE d 0 -1"),
  seq(
    "SORT STORE with GET of missing keys stores empty strings",
    "RPUSH l 1 2",
    "SORT l GET nokey_* STORE d",
    "LRANGE d 0 -1",
    "LLEN d",
  ),
  seq("SORT_RO", NUMS, "SORT_RO l", "SORT_RO l DESC LIMIT 0 2", "SORT_RO l STORE d", "EXISTS d"),
  seq("SORT_RO syntax error", NUMS, "SORT_RO l FOO"),
  ...byGet.map((a) =>
    seq(`SORT list ${a}`, "RPUSH l 3 1 2 10 -1 1.5 a b apple", ...withWeights, `SORT l ${a}`)
  ),
  ...byGet.map((a) =>
    seq(
      `SORT list ALPHA ${a}`,
      "RPUSH l 3 1 2 10 -1 1.5 a b apple",
      ...withWeights,
      `SORT l ALPHA ${a}`,
    )
  ),
  seq("SORT BY with weights that are not numbers", "RPUSH l 1 2 3", "SET w_2 abc", "SORT l BY w_*"),
  seq("SORT BY with weights that are blank", "RPUSH l 1 2 3", "SET w_2 ''", "SORT l BY w_*"),
  seq(
    "SORT BY ALPHA ties keep the list order",
    "RPUSH l d c b a e",
    "MSET w_a x w_b x w_c y w_d x",
    "SORT l BY w_* ALPHA",
    "SORT l BY w_* ALPHA DESC",
  ),
  seq(
    "SORT BY numeric ties compare the elements",
    "RPUSH l d c b a e",
    "MSET w_a 1 w_b 1 w_c 0 w_d 1",
    "SORT l BY w_*",
    "SORT l BY w_* DESC",
  ),
  seq(
    "SORT BY ALPHA ties with LIMIT",
    "RPUSH l d c b a e f g h",
    "MSET w_a x w_b x w_c x w_d x w_e x",
    "SORT l BY w_* ALPHA LIMIT 1 3",
    "SORT l BY w_* ALPHA LIMIT 0 5",
  ),
  ...["LIMIT 0 10", "LIMIT 17 5", "LIMIT 50 30", "DESC LIMIT 3 40", "LIMIT 0 80"].map((limit) =>
    seq(
      `SORT BY ALPHA ties on 80 elements ${limit}`,
      ["RPUSH", "l", ...Array.from({ length: 80 }, (_, i) => `e${(i * 37) % 80}`)],
      ["MSET", ...Array.from({ length: 80 }, (_, i) => [`w_e${i}`, `w${i % 4}`]).flat()],
      `SORT l BY w_* ALPHA ${limit}`,
      `SORT l BY nokey_* ALPHA ${limit}`,
    )
  ),
  seq("SORT GET on a list key", "RPUSH l 1", "RPUSH x_1 a", "SORT l GET x_*"),
  seq("SORT BY on a list key", "RPUSH l 1 2", "RPUSH x_1 a", "SORT l BY x_*"),
  seq(
    "SORT patterns with several stars use the first",
    "RPUSH l 1 2",
    "MSET a_1_* A1 a_2_* A2",
    "SORT l GET a_*_*",
  ),
  seq("SORT pattern -> with an empty field", "RPUSH l 1", "SORT l GET a_*->"),
  seq(
    "SORT big LIMIT",
    NUMS,
    "SORT l LIMIT 0 9223372036854775807",
    "SORT l LIMIT 9223372036854775807 1",
    "SORT l LIMIT -9223372036854775808 2",
  ),
  seq(
    "SORT many elements",
    [
      "RPUSH",
      "l",
      ...Array.from({ length: 300 }, (_, i) => String((i * 7919) % 1000)),
    ],
    "SORT l LIMIT 100 5",
    "SORT l DESC LIMIT 0 5",
  ),
];

const SET = "SADD s 5 3 1 4 2";
const ZSET = "ZADD z 5 a 3 b 1 c 4 d 2 e";

export const onOtherTypes: Sequence[] = [
  seq("SORT an intset", SET, "SORT s", "SORT s DESC", "SORT s LIMIT 1 2", "SORT s ALPHA"),
  seq("SORT a set STORE", SET, "SORT s STORE d", "LRANGE d 0 -1"),
  seq(
    "SORT a set BY nosort STORE sorts",
    "SADD s c a b",
    "SORT s BY nosort STORE d",
    "LRANGE d 0 -1",
  ),
  seq("SORT a set BY nosort", SET, { cmd: "SORT s BY nosort", unordered: true }),
  seq("SORT a zset", "ZADD z 5 3 3 1 1 4 4 2 2 5", "SORT z", "SORT z DESC", "SORT z ALPHA"),
  seq("SORT a zset BY nosort keeps score order", ZSET, "SORT z BY nosort", "SORT z BY nosort DESC"),
  seq(
    "SORT a zset BY nosort LIMIT",
    ZSET,
    "SORT z BY nosort LIMIT 1 3",
    "SORT z BY nosort DESC LIMIT 1 3",
    "SORT z BY nosort LIMIT 3 10",
    "SORT z BY nosort LIMIT -1 2",
  ),
  seq(
    "SORT a zset BY nosort STORE",
    ZSET,
    "SORT z BY nosort DESC LIMIT 0 2 STORE d",
    "LRANGE d 0 -1",
  ),
  seq("SORT a zset of words numerically", ZSET, "SORT z"),
  seq("SORT a zset BY nosort GET", ZSET, "MSET o_a A o_b B", "SORT z BY nosort GET o_* GET #"),
  seq("SORT a hash is an error", "HSET h a 1", "SORT h", "SORT h BY nosort"),
  seq(
    "SORT BY and GET hash fields",
    "RPUSH l 1 2 3 4",
    "HSET h_1 w 30 name one",
    "HSET h_2 w 10 name two",
    "HSET h_3 w 20",
    "SET h_4 str",
    "SORT l BY h_*->w",
    "SORT l BY h_*->w GET h_*->name GET #",
    "SORT l BY h_*->w DESC GET h_*->w",
    "SORT l BY h_*->name ALPHA",
    "SORT l GET h_*->nofield",
    "SORT l BY h_*->name ALPHA STORE d",
    "LRANGE d 0 -1",
  ),
  seq("SORT BY a hash key without ->", "RPUSH l 1", "HSET h_1 w 1", "SORT l BY h_* GET h_*"),
  seq(
    "SORT a hashtable set",
    "SADD s b a 10 c 2",
    "SORT s ALPHA",
    "SORT s ALPHA DESC LIMIT 1 2",
    "SORT s BY nosort ALPHA STORE d",
    "LRANGE d 0 -1",
  ),
  seq("SORT a hashtable set numerically is an error", "SADD s b a 10", "SORT s"),
  seq(
    "SORT a large set and a large zset",
    ["SADD", "s", ...Array.from({ length: 200 }, (_, i) => `m${(i * 31) % 200}`)],
    ["ZADD", "z", ...Array.from({ length: 200 }, (_, i) => [String(i % 17), `m${i}`]).flat()],
    "SORT s ALPHA LIMIT 10 5",
    "SORT s BY nosort STORE d",
    "LRANGE d 0 4",
    "SORT z BY nosort LIMIT 100 5",
    "SORT z BY nosort DESC LIMIT 3 4",
    "SORT z ALPHA DESC LIMIT 0 3",
    "OBJECT ENCODING s",
    "OBJECT ENCODING z",
  ),
  seq(
    "SORT_RO a zset",
    ZSET,
    "SORT_RO z BY nosort",
    "SORT_RO z ALPHA LIMIT 1 1",
    "SORT_RO z STORE d",
  ),
  seq(
    "SORT BY hash fields ALPHA with ties and LIMIT",
    ["RPUSH", "l", ...Array.from({ length: 50 }, (_, i) => String(i))],
    ...Array.from({ length: 50 }, (_, i) => ["HSET", `h_${i}`, "g", `g${i % 3}`]),
    "SORT l BY h_*->g ALPHA LIMIT 5 10",
    "SORT l BY h_*->g ALPHA DESC LIMIT 20 10 GET h_*->g GET #",
  ),
  seq(
    "SORT GET a set key",
    "RPUSH l 1",
    "SADD x_1 a",
    "SORT l GET x_*",
    "SORT l BY x_*->f GET x_*->f",
  ),
];

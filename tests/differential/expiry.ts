/**
 * Differential sequences for expiry: EXPIRE and friends with NX/XX/GT/LT, TTL, PTTL,
 * EXPIRETIME, PERSIST. Times are absolute and far in the future (2100), or in the past,
 * or compared with a tolerance, so no reply depends on when the test runs.
 */

import { seq, type Sequence } from "../support/differential.ts";

const FUTURE = 4102444800; // 2100-01-01, in seconds
const LATER = FUTURE + 1000;

function flagGrid(): Sequence[] {
  const out: Sequence[] = [];
  const flags = ["NX", "XX", "GT", "LT", "nx", "gt"];
  for (const flag of flags) {
    out.push(
      seq(
        `EXPIREAT ${flag} without a TTL`,
        "SET k v",
        `EXPIREAT k ${FUTURE} ${flag}`,
        "EXPIRETIME k",
      ),
    );
    out.push(
      seq(
        `EXPIREAT ${flag} to a later time`,
        "SET k v",
        `EXPIREAT k ${FUTURE}`,
        `EXPIREAT k ${LATER} ${flag}`,
        "EXPIRETIME k",
      ),
    );
    out.push(
      seq(
        `EXPIREAT ${flag} to an earlier time`,
        "SET k v",
        `EXPIREAT k ${LATER}`,
        `EXPIREAT k ${FUTURE} ${flag}`,
        "EXPIRETIME k",
      ),
    );
    out.push(seq(`EXPIREAT ${flag} on a missing key`, `EXPIREAT k ${FUTURE} ${flag}`));
    out.push(
      seq(
        `PEXPIREAT ${flag} to a later time`,
        "SET k v",
        `PEXPIREAT k ${FUTURE}000`,
        `PEXPIREAT k ${LATER}000 ${flag}`,
        "PEXPIRETIME k",
      ),
    );
  }
  const bad = ["NX XX", "GT LT", "NX GT", "NX LT", "XX XX", "FOO", "NX FOO"];
  for (const b of bad) {
    out.push(seq(`EXPIRE with ${b}`, "SET k v", `EXPIRE k 100 ${b}`, "TTL k"));
  }
  return out;
}

function ttlCases(): Sequence[] {
  return [
    seq("TTL and PTTL of a missing key", "TTL nokey", "PTTL nokey"),
    seq("TTL and PTTL without expiry", "SET k v", "TTL k", "PTTL k"),
    seq("EXPIRE then TTL", "SET k v", "EXPIRE k 100", "TTL k", { cmd: "PTTL k", tolerance: 2000 }),
    seq("PEXPIRE then PTTL", "SET k v", "PEXPIRE k 100000", "TTL k", {
      cmd: "PTTL k",
      tolerance: 2000,
    }),
    seq("EXPIRE on a missing key", "EXPIRE nokey 100", "PEXPIRE nokey 100"),
    seq("EXPIRE with zero deletes", "SET k v", "EXPIRE k 0", "EXISTS k"),
    seq("EXPIRE with a negative time deletes", "SET k v", "EXPIRE k -10", "EXISTS k"),
    seq("PEXPIRE with a negative time deletes", "SET k v", "PEXPIRE k -1", "EXISTS k"),
    seq("EXPIREAT in the past deletes", "SET k v", "EXPIREAT k 1", "GET k", "TTL k"),
    seq("PEXPIREAT in the past deletes", "SET k v", "PEXPIREAT k 1000", "EXISTS k"),
    seq(
      "EXPIRE with a non-integer",
      "SET k v",
      "EXPIRE k abc",
      "EXPIRE k 1.5",
      "EXPIRE k ''",
      "TTL k",
    ),
    seq(
      "EXPIRE overflow is refused",
      "SET k v",
      "EXPIRE k 9223372036854775807",
      "PEXPIRE k 9223372036854775807",
      "EXPIREAT k 9223372036854775807",
      "TTL k",
    ),
    seq("PEXPIREAT with the maximum", "SET k v", "PEXPIREAT k 9223372036854775807", "TTL k"),
    seq(
      "EXPIRE with a huge negative value",
      "SET k v",
      "EXPIRE k -9223372036854775808",
      "EXISTS k",
    ),
    seq(
      "EXPIRETIME and PEXPIRETIME",
      "SET k v",
      `EXPIREAT k ${FUTURE}`,
      "EXPIRETIME k",
      "PEXPIRETIME k",
    ),
    seq(
      "EXPIRETIME of missing and persistent keys",
      "EXPIRETIME nokey",
      "PEXPIRETIME nokey",
      "SET k v",
      "EXPIRETIME k",
      "PEXPIRETIME k",
    ),
    seq(
      "PEXPIRETIME keeps milliseconds",
      "SET k v",
      `PEXPIREAT k ${FUTURE}123`,
      "PEXPIRETIME k",
      "EXPIRETIME k",
    ),
    seq("PERSIST removes the TTL", "SET k v EX 100", "PERSIST k", "TTL k", "PERSIST k"),
    seq("PERSIST of a missing key", "PERSIST nokey"),
    seq("SET without KEEPTTL clears the TTL", "SET k v EX 100", "SET k w", "TTL k"),
    seq("APPEND keeps the TTL", "SET k v EX 100", "APPEND k w", "TTL k"),
    seq("SETRANGE keeps the TTL", "SET k value EX 100", "SETRANGE k 0 V", "TTL k"),
    seq("RENAME keeps the TTL", `SET k v EXAT ${FUTURE}`, "RENAME k j", "EXPIRETIME j"),
    seq(
      "an expired key is gone for every command",
      "SET k v",
      "PEXPIREAT k 1",
      "GET k",
      "EXISTS k",
      "TYPE k",
      "TTL k",
      "DBSIZE",
    ),
    seq("EXPIRE on a list", "RPUSH l a", "EXPIRE l 100", "TTL l", "LPOP l", "TTL l"),
    seq(
      "SET EX then EXPIRE GT",
      "SET k v EX 100",
      "EXPIRE k 50 GT",
      "TTL k",
      "EXPIRE k 200 GT",
      "TTL k",
    ),
    seq("EXPIRE LT on a key without TTL", "SET k v", "EXPIRE k 50 LT", "TTL k"),
    seq("EXPIRE GT on a key without TTL", "SET k v", "EXPIRE k 50 GT", "TTL k"),
    seq("EXPIRE NX twice", "SET k v", "EXPIRE k 50 NX", "EXPIRE k 60 NX", "TTL k"),
    seq("EXPIRE XX on a key without TTL", "SET k v", "EXPIRE k 50 XX", "TTL k"),
    seq("GETEX PX keeps a TTL within range", "SET k v", "GETEX k PX 50000", {
      cmd: "PTTL k",
      tolerance: 2000,
    }),
    seq("SETEX with an overflowing time", "SETEX k 9223372036854775807 v", "EXISTS k"),
    seq(
      "SET EX overflow",
      "SET k v EX 9223372036854775",
      "SET k v EX 9223372036854776",
      "EXISTS k",
    ),
  ];
}

export const sequences: Sequence[] = [...flagGrid(), ...ttlCases()];

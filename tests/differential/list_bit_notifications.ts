/**
 * Keyspace notifications of the list edits, list moves, bit commands, BITFIELD and SORT
 * STORE: which events each emits, in which order and class, compared with Redis 7.0's
 * messages (helpers from notifications.ts).
 */

import { emits, notify } from "./notifications.ts";
import type { Sequence } from "../support/differential.ts";

export const sequences: Sequence[] = [
  notify(
    "list edits' events",
    "KEA",
    ...emits("RPUSH l a b c a", 2),
    ...emits("LINSERT l BEFORE b x", 2),
    ...emits("LINSERT l BEFORE zz x", 0),
    ...emits("LSET l 0 y", 2),
    ...emits("LREM l 0 nothing", 0),
    ...emits("LREM l 1 a", 2),
    ...emits("LPUSHX l p", 2),
    ...emits("RPUSHX nolist p", 0),
    ...emits("LTRIM l 0 -1", 2),
    ...emits("LTRIM l 5 1", 4),
  ),
  notify(
    "list moves' events",
    "KEA",
    ...emits("RPUSH s a b", 2),
    ...emits("LMOVE s d LEFT RIGHT", 4),
    ...emits("RPOPLPUSH s d", 6),
    ...emits("LMOVE d d RIGHT LEFT", 4),
    ...emits("LMPOP 2 s d RIGHT COUNT 5", 4),
    ...emits("LMPOP 1 d LEFT", 0),
  ),
  notify(
    "list events as the l class only",
    "El",
    ...emits("RPUSH l a", 1),
    ...emits("LTRIM l 1 0", 1),
  ),
  notify(
    "bit commands' events",
    "KEA",
    ...emits("SETBIT b 3 1", 2),
    ...emits("SETBIT b 3 1", 0),
    ...emits("SETBIT b 20 0", 2),
    ...emits("BITFIELD b GET u8 0", 0),
    ...emits("BITFIELD b SET u8 0 1 INCRBY u8 8 2", 2),
    ...emits("BITFIELD b OVERFLOW FAIL INCRBY u2 0 9", 0),
    ...emits("BITFIELD b OVERFLOW FAIL INCRBY u2 200 9", 0),
    ...emits("BITFIELD b INCRBY u8 0 0 SET u8 8 2", 0),
    ...emits("BITFIELD b INCRBY u8 0 0 SET u8 300 2", 2),
    ...emits("BITFIELD nb OVERFLOW FAIL SET u8 0 300", 0),
    ...emits("BITOP NOT n b", 2),
    ...emits("BITOP AND n nokey", 2),
    ...emits("BITOP AND n nokey", 0),
  ),
  notify(
    "SORT STORE events",
    "KEA",
    ...emits("RPUSH l 2 1", 2),
    ...emits("SORT l STORE d", 2),
    ...emits("SORT l", 0),
    ...emits("SORT nokey STORE d", 2),
  ),
  notify(
    "SORT STORE in the list class",
    "Kl",
    ...emits("RPUSH l 2 1", 1),
    ...emits("SORT l STORE d", 1),
  ),
];

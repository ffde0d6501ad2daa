/**
 * Keyspace notifications as Redis 7.0 classifies them: the `notify-keyspace-events` letters
 * (parsed and printed back exactly as `CONFIG GET` shows them), the class of every event
 * name a command emits, and the two messages one event becomes. Pure: the server feeds it
 * the change hook's `(db, key, event)` and publishes what it returns.
 *
 * Two of Redis's rules live here. `A` is every type class but the key-miss (`m`) and
 * new-key (`n`) classes, which must be asked for by name. Printing a set that includes all
 * of `A` prints `A` and drops `n` (Redis's keyspaceEventsFlagsToString does), so
 * `CONFIG SET notify-keyspace-events An` reads back as `A` while `n` stays on.
 */

/** K: publish on `__keyspace@<db>__:<key>`. */
export const NOTIFY_KEYSPACE = 1 << 0;
/** E: publish on `__keyevent@<db>__:<event>`. */
export const NOTIFY_KEYEVENT = 1 << 1;
/** g: generic commands (DEL, EXPIRE, RENAME, …). */
export const NOTIFY_GENERIC = 1 << 2;
/** $: string commands. */
export const NOTIFY_STRING = 1 << 3;
/** l: list commands. */
export const NOTIFY_LIST = 1 << 4;
/** s: set commands. */
export const NOTIFY_SET = 1 << 5;
/** h: hash commands. */
export const NOTIFY_HASH = 1 << 6;
/** z: sorted set commands. */
export const NOTIFY_ZSET = 1 << 7;
/** x: a key expired (when it was found expired or swept). */
export const NOTIFY_EXPIRED = 1 << 8;
/** e: a key evicted for maxmemory. */
export const NOTIFY_EVICTED = 1 << 9;
/** t: stream commands. */
export const NOTIFY_STREAM = 1 << 10;
/** m: a read missed its key (not in A). */
export const NOTIFY_KEY_MISS = 1 << 11;
/** d: module events (respd has no modules; accepted and shown, never emitted). */
export const NOTIFY_MODULE = 1 << 13;
/** n: a key was created (not in A). */
export const NOTIFY_NEW = 1 << 14;
/** A: every class above but m and n. */
export const NOTIFY_ALL = NOTIFY_GENERIC | NOTIFY_STRING | NOTIFY_LIST | NOTIFY_SET |
  NOTIFY_HASH | NOTIFY_ZSET | NOTIFY_EXPIRED | NOTIFY_EVICTED | NOTIFY_STREAM | NOTIFY_MODULE;

const LETTERS: Record<string, number> = {
  A: NOTIFY_ALL,
  g: NOTIFY_GENERIC,
  $: NOTIFY_STRING,
  l: NOTIFY_LIST,
  s: NOTIFY_SET,
  h: NOTIFY_HASH,
  z: NOTIFY_ZSET,
  x: NOTIFY_EXPIRED,
  e: NOTIFY_EVICTED,
  K: NOTIFY_KEYSPACE,
  E: NOTIFY_KEYEVENT,
  t: NOTIFY_STREAM,
  m: NOTIFY_KEY_MISS,
  d: NOTIFY_MODULE,
  n: NOTIFY_NEW,
};

/** The error text CONFIG SET gives for a letter outside the table. */
export const INVALID_CLASS_MESSAGE = "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.";

/** The flags a `notify-keyspace-events` value sets, or null when a letter is unknown. */
export function parseNotifyClasses(text: string): number | null {
  let flags = 0;
  for (const c of text) {
    const f = Object.hasOwn(LETTERS, c) ? LETTERS[c] : undefined;
    if (f === undefined) return null;
    flags |= f;
  }
  return flags;
}

/** Class letters in the order Redis prints them when not all of A is set. */
const PRINT_ORDER: readonly [string, number][] = [
  ["g", NOTIFY_GENERIC],
  ["$", NOTIFY_STRING],
  ["l", NOTIFY_LIST],
  ["s", NOTIFY_SET],
  ["h", NOTIFY_HASH],
  ["z", NOTIFY_ZSET],
  ["x", NOTIFY_EXPIRED],
  ["e", NOTIFY_EVICTED],
  ["t", NOTIFY_STREAM],
  ["d", NOTIFY_MODULE],
  ["n", NOTIFY_NEW],
];

/** The flags as `CONFIG GET notify-keyspace-events` shows them. */
export function formatNotifyClasses(flags: number): string {
  let out = "";
  if ((flags & NOTIFY_ALL) === NOTIFY_ALL) out = "A";
  else for (const [letter, f] of PRINT_ORDER) if (flags & f) out += letter;
  if (flags & NOTIFY_KEYSPACE) out += "K";
  if (flags & NOTIFY_KEYEVENT) out += "E";
  if (flags & NOTIFY_KEY_MISS) out += "m";
  return out;
}

/**
 * The class of each event name Redis 7.0 emits. An event name always has the same class
 * there (a list emptied by LPOP emits `lpop`, a list class event, then `del`, generic).
 */
const EVENT_CLASS: Record<string, number> = {
  // generic: keyspace commands
  del: NOTIFY_GENERIC,
  expire: NOTIFY_GENERIC,
  persist: NOTIFY_GENERIC,
  rename_from: NOTIFY_GENERIC,
  rename_to: NOTIFY_GENERIC,
  move_from: NOTIFY_GENERIC,
  move_to: NOTIFY_GENERIC,
  copy_to: NOTIFY_GENERIC,
  restore: NOTIFY_GENERIC,
  // strings
  set: NOTIFY_STRING,
  setrange: NOTIFY_STRING,
  setbit: NOTIFY_STRING,
  incrby: NOTIFY_STRING,
  incrbyfloat: NOTIFY_STRING,
  append: NOTIFY_STRING,
  // lists
  lpush: NOTIFY_LIST,
  rpush: NOTIFY_LIST,
  lpop: NOTIFY_LIST,
  rpop: NOTIFY_LIST,
  linsert: NOTIFY_LIST,
  lset: NOTIFY_LIST,
  lrem: NOTIFY_LIST,
  ltrim: NOTIFY_LIST,
  sortstore: NOTIFY_LIST, // SORT ... STORE: a list-class event in Redis (sort.c)
  // sets
  sadd: NOTIFY_SET,
  srem: NOTIFY_SET,
  spop: NOTIFY_SET,
  sinterstore: NOTIFY_SET,
  sunionstore: NOTIFY_SET,
  sdiffstore: NOTIFY_SET,
  // hashes
  hset: NOTIFY_HASH,
  hdel: NOTIFY_HASH,
  hincrby: NOTIFY_HASH,
  hincrbyfloat: NOTIFY_HASH,
  // sorted sets
  zadd: NOTIFY_ZSET,
  zincr: NOTIFY_ZSET,
  zrem: NOTIFY_ZSET,
  zremrangebyscore: NOTIFY_ZSET,
  zremrangebyrank: NOTIFY_ZSET,
  zremrangebylex: NOTIFY_ZSET,
  zpopmin: NOTIFY_ZSET,
  zpopmax: NOTIFY_ZSET,
  zunionstore: NOTIFY_ZSET,
  zinterstore: NOTIFY_ZSET,
  zdiffstore: NOTIFY_ZSET,
  zrangestore: NOTIFY_ZSET,
  // streams
  xadd: NOTIFY_STREAM,
  xtrim: NOTIFY_STREAM,
  xdel: NOTIFY_STREAM,
  xsetid: NOTIFY_STREAM,
  xclaim: NOTIFY_STREAM,
  xautoclaim: NOTIFY_STREAM,
  "xgroup-create": NOTIFY_STREAM,
  "xgroup-createconsumer": NOTIFY_STREAM,
  "xgroup-delconsumer": NOTIFY_STREAM,
  "xgroup-destroy": NOTIFY_STREAM,
  "xgroup-setid": NOTIFY_STREAM,
  // the server itself
  expired: NOTIFY_EXPIRED,
  evicted: NOTIFY_EVICTED,
  keymiss: NOTIFY_KEY_MISS,
  new: NOTIFY_NEW,
};

/** The class flag of an event name; 0 for a name no class covers (never published). */
export function eventClass(event: string): number {
  return Object.hasOwn(EVENT_CLASS, event) ? EVENT_CLASS[event] : 0;
}

/** One message to publish: channel and payload, byte strings. */
export interface KeyspaceMessage {
  channel: string;
  message: string;
}

/**
 * The messages one event becomes under `flags`, in Redis's order (keyspace channel first,
 * then keyevent); none when its class or both of K and E are off. Keys are byte strings.
 */
export function keyspaceMessages(
  flags: number,
  db: number,
  key: string,
  event: string,
): KeyspaceMessage[] {
  const cls = eventClass(event);
  if (cls === 0 || (flags & cls) === 0) return [];
  const out: KeyspaceMessage[] = [];
  if (flags & NOTIFY_KEYSPACE) out.push({ channel: `__keyspace@${db}__:${key}`, message: event });
  if (flags & NOTIFY_KEYEVENT) out.push({ channel: `__keyevent@${db}__:${event}`, message: key });
  return out;
}

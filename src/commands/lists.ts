/** List commands on a deque (store/deque.ts): LPUSH RPUSH LPOP RPOP LLEN LRANGE LINDEX. */

import { command } from "./command.ts";
import { CommandError, WRONGTYPE } from "./errors.ts";
import { ListValue } from "../store/values.ts";
import type { Database } from "../store/database.ts";

/** The list at `key`, undefined when missing; WRONGTYPE for other types. */
export function getList(db: Database, key: string): ListValue | undefined {
  const v = db.get(key);
  if (v === undefined || v instanceof ListValue) return v;
  throw new CommandError(WRONGTYPE);
}

const push = (name: string, front: boolean) =>
  command({
    name,
    arity: -3,
    flags: ["write", "denyoom", "fast"],
    categories: ["write", "list", "fast"],
    keys: [1, 1, 1],
    parse: (a) => ({ key: a.next(), values: a.rest() }),
    execute({ key, values }, s) {
      let list = getList(s.db, key);
      if (list === undefined) {
        list = new ListValue();
        s.db.set(key, list);
      }
      for (const v of values) front ? list.pushFront(v) : list.pushBack(v);
      s.reply.integer(list.length);
    },
  });

/** LPUSH key element [element ...] / RPUSH key element [element ...] */
const lpush = push("lpush", true);
const rpush = push("rpush", false);

/** LLEN key */
const llen = command({
  name: "llen",
  arity: 2,
  flags: ["readonly", "fast"],
  categories: ["read", "list", "fast"],
  keys: [1, 1, 1],
  parse: (a) => a.next(),
  execute: (key, s) => s.reply.integer(getList(s.db, key)?.length ?? 0),
});

export const listCommands = [lpush, rpush, llen];

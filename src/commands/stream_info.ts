/**
 * XINFO STREAM [FULL [COUNT n]], XINFO GROUPS, XINFO CONSUMERS and XINFO HELP, with the
 * fields Redis 7.0 reports (maps in RESP3, flat arrays in RESP2).
 */

import { command, commandGroup, type CommandSpec } from "./command.ts";
import { CommandError, NO_SUCH_KEY } from "./errors.ts";
import { helpCommand } from "./help.ts";
import {
  byteOrder,
  collectRange,
  getStream,
  longLong,
  writeEntries,
  writeEntry,
  writeId,
} from "./stream_common.ts";
import type { CommandContext } from "./context.ts";
import type { Stream } from "../store/stream.ts";
import { type ConsumerGroup, INVALID_ENTRIES_READ } from "../store/stream_groups.ts";
import { MAX_ID, MIN_ID } from "../store/stream_id.ts";

function subcommandSyntax(sub: string): CommandError {
  return new CommandError(
    `ERR unknown subcommand or wrong number of arguments for '${
      sub.slice(0, 128)
    }'. Try XINFO HELP.`,
  );
}

function existing(s: CommandContext, key: string): Stream {
  const stream = getStream(s.db, key);
  if (stream === undefined) throw new CommandError(NO_SUCH_KEY);
  return stream;
}

function sortedGroups(stream: Stream): [string, ConsumerGroup][] {
  return [...stream.groups ?? []].sort((a, b) => byteOrder(a[0], b[0]));
}

function writeEntriesRead(s: CommandContext, g: ConsumerGroup): void {
  if (g.entriesRead === INVALID_ENTRIES_READ) s.reply.null();
  else s.reply.integer(g.entriesRead);
}

function writeLag(s: CommandContext, stream: Stream, g: ConsumerGroup): void {
  const lag = g.lag(stream);
  if (lag === null) s.reply.null();
  else s.reply.integer(lag);
}

/** XINFO STREAM key [FULL [COUNT count]] */
const stream = command({
  name: "xinfo|stream",
  arity: -3,
  flags: ["readonly"],
  categories: ["read", "stream", "slow"],
  keys: [2, 2, 1],
  parse: (a) => a.argv,
  execute(argv, s) {
    const st = existing(s, argv[2]);
    const opts = argv.slice(3);
    let full = false, count = 10;
    if (opts.length) {
      if (opts.length !== 1 && opts.length !== 3) throw subcommandSyntax(argv[1]);
      if (opts[0].toUpperCase() !== "FULL") throw subcommandSyntax(argv[1]);
      if (opts.length === 3) {
        if (opts[1].toUpperCase() !== "COUNT") throw subcommandSyntax(argv[1]);
        count = longLong(opts[2]);
        if (count < 0) count = 10;
      }
      full = true;
    }
    const r = s.reply;
    r.map(full ? 9 : 10);
    r.bulk("length");
    r.integer(st.length);
    r.bulk("radix-tree-keys");
    r.integer(st.nodeCount);
    r.bulk("radix-tree-nodes");
    r.integer(st.radixTreeNodes());
    r.bulk("last-generated-id");
    writeId(r, st.lastId);
    r.bulk("max-deleted-entry-id");
    writeId(r, st.maxDeletedId);
    r.bulk("entries-added");
    r.integer(st.entriesAdded);
    r.bulk("recorded-first-entry-id");
    writeId(r, st.firstId);
    if (!full) {
      r.bulk("groups");
      r.integer(st.groups?.size ?? 0);
      for (const [name, last] of [["first-entry", false], ["last-entry", true]] as const) {
        r.bulk(name);
        const e = st.edgeEntry(last);
        if (e === undefined) r.null();
        else writeEntry(r, e);
      }
      return;
    }
    r.bulk("entries");
    writeEntries(r, collectRange(st, MIN_ID, MAX_ID, false, count));
    r.bulk("groups");
    const groups = sortedGroups(st);
    r.array(groups.length);
    for (const [name, g] of groups) {
      r.map(7);
      r.bulk("name");
      r.bulk(name);
      r.bulk("last-delivered-id");
      writeId(r, g.lastId);
      r.bulk("entries-read");
      writeEntriesRead(s, g);
      r.bulk("lag");
      writeLag(s, st, g);
      r.bulk("pel-count");
      r.integer(g.pel.size);
      r.bulk("pending");
      const shown = count ? Math.min(count, g.pel.size) : g.pel.size;
      r.array(shown);
      for (let i = 0; i < shown; i++) {
        const p = g.pel.values[i];
        r.array(4);
        writeId(r, g.pel.ids[i]);
        r.bulk(p.consumer!.name);
        r.integer(p.deliveryTime);
        r.integer(p.deliveryCount);
      }
      const consumers = g.sortedConsumers();
      r.bulk("consumers");
      r.array(consumers.length);
      for (const c of consumers) {
        r.map(4);
        r.bulk("name");
        r.bulk(c.name);
        r.bulk("seen-time");
        r.integer(c.seenTime);
        r.bulk("pel-count");
        r.integer(c.pel.size);
        r.bulk("pending");
        const n = count ? Math.min(count, c.pel.size) : c.pel.size;
        r.array(n);
        for (let i = 0; i < n; i++) {
          const p = c.pel.values[i];
          r.array(3);
          writeId(r, c.pel.ids[i]);
          r.integer(p.deliveryTime);
          r.integer(p.deliveryCount);
        }
      }
    }
  },
});

/** XINFO GROUPS key */
const groups = command({
  name: "xinfo|groups",
  arity: 3,
  flags: ["readonly"],
  categories: ["read", "stream", "slow"],
  keys: [2, 2, 1],
  parse: (a) => a.argv[2],
  execute(key, s) {
    const st = existing(s, key);
    const r = s.reply;
    const all = sortedGroups(st);
    r.array(all.length);
    for (const [name, g] of all) {
      r.map(6);
      r.bulk("name");
      r.bulk(name);
      r.bulk("consumers");
      r.integer(g.consumers.size);
      r.bulk("pending");
      r.integer(g.pel.size);
      r.bulk("last-delivered-id");
      writeId(r, g.lastId);
      r.bulk("entries-read");
      writeEntriesRead(s, g);
      r.bulk("lag");
      writeLag(s, st, g);
    }
  },
});

/** XINFO CONSUMERS key group */
const consumers = command({
  name: "xinfo|consumers",
  arity: 4,
  flags: ["readonly"],
  categories: ["read", "stream", "slow"],
  keys: [2, 2, 1],
  tips: ["nondeterministic_output"],
  parse: (a) => ({ key: a.argv[2], group: a.argv[3] }),
  execute({ key, group }, s) {
    const st = existing(s, key);
    const g = st.groups?.get(group);
    if (g === undefined) {
      throw new CommandError(`NOGROUP No such consumer group '${group}' for key name '${key}'`);
    }
    const now = s.db.clock.now();
    const r = s.reply;
    const all = g.sortedConsumers();
    r.array(all.length);
    for (const c of all) {
      r.map(3);
      r.bulk("name");
      r.bulk(c.name);
      r.bulk("pending");
      r.integer(c.pel.size);
      r.bulk("idle");
      r.integer(Math.max(0, now - c.seenTime));
    }
  },
});

const help = helpCommand("xinfo", [
  "XINFO <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
  "CONSUMERS <key> <groupname>",
  "    Show consumers of <groupname>.",
  "GROUPS <key>",
  "    Show the stream consumer groups.",
  "STREAM <key> [FULL [COUNT <count>]",
  "    Show information about the stream.",
  "HELP",
  "    Prints this help.",
], ["stream", "slow"]);

const xinfo = commandGroup("xinfo", [consumers, groups, stream, help] as CommandSpec[]);

export const streamInfoCommands = [xinfo];

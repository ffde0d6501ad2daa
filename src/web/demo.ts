/// <reference lib="dom" />
/**
 * The demo console's script, run by the page at `/` (demo_page.ts): type a command and see
 * the reply rendered by its RESP type; subscribe to channels and patterns and watch
 * messages arrive; see the connection's state. Plain DOM code over the browser client, no
 * framework.
 *
 * It runs in the browser only. `deno task build:client` bundles it into demo_bundle.ts
 * with `./client.ts` left out and imported from `/client.js` instead, so the page loads the
 * very client other pages import (see scripts/build_client.ts); a test keeps the bundle
 * fresh. Reply text is always set with `textContent`, never parsed as HTML.
 */

import {
  type Client,
  connect,
  type ConnectOptions,
  type Frame,
  type PubSubMessage,
} from "./client.ts";

/** The page's element with this id (the page defines every id used here). */
function $<T extends HTMLElement = HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (node === null) throw new Error(`the page has no #${id}`);
  return node as T;
}

/** An `<input>` of the page. */
const input = (id: string) => $<HTMLInputElement>(id);

const params = new URLSearchParams(location.search);
const protocol = params.get("protocol") === "2" ? 2 : 3;
const wsUrl = params.get("ws") ||
  (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws";
const MAX_ENTRIES = 500;
const bytesDecoder = new TextDecoder();

let db: Client | null = null;
/** The pub/sub panel's connection: db itself in RESP3; its own in RESP2 (see start). */
let subDb: Client | null = null;
const history: string[] = [];
let historyPos = 0;

interface Subscription {
  pattern: boolean;
  li: HTMLElement;
}
const subscriptions = new Map<string, Subscription>();

function el(tag: string, className?: string, text?: string): HTMLElement {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function append(list: HTMLElement, item: HTMLElement): void {
  list.append(item);
  while (list.children.length > MAX_ENTRIES) list.firstElementChild?.remove();
  list.scrollTop = list.scrollHeight;
}

function setStatus(state: "connecting" | "open" | "closed", text: string): void {
  $("status").dataset.state = state;
  $("status-text").textContent = text;
  const ready = state === "open";
  for (const b of document.querySelectorAll<HTMLButtonElement>("[data-needs-connection]")) {
    b.disabled = !ready;
  }
  $("reconnect").hidden = state !== "closed";
}

/** redis-cli's quoting of a bulk string: printable text as is, the rest escaped. */
function quote(bytes: Uint8Array): string {
  const text = bytesDecoder.decode(bytes);
  let out = "";
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (ch === "\\" || ch === '"') out += "\\" + ch;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (c < 32 || c === 127) out += "\\x" + c.toString(16).padStart(2, "0");
    else out += ch;
  }
  return '"' + out + '"';
}

const TYPE_NAMES: Record<string, string> = {
  simple: "simple string",
  bulk: "bulk string",
  verbatim: "verbatim string",
  integer: "integer",
  double: "double",
  boolean: "boolean",
  bignum: "big number",
  null: "null",
  error: "error",
  array: "array",
  set: "set",
  map: "map",
  push: "push",
};

/** Renders a reply frame like redis-cli does, each part coloured by its RESP type. */
function renderFrame(frame: Frame): HTMLElement {
  switch (frame.kind) {
    case "simple":
      return el("span", "t-simple", frame.value);
    case "bulk":
      return el("span", "t-bulk", quote(frame.value));
    case "verbatim":
      return el("span", "t-verbatim", bytesDecoder.decode(frame.value));
    case "integer":
      return el("span", "t-integer", "(integer) " + frame.value);
    case "double":
      return el("span", "t-double", "(double) " + frame.value);
    case "boolean":
      return el("span", "t-boolean", frame.value ? "(true)" : "(false)");
    case "bignum":
      return el("span", "t-bignum", "(big number) " + frame.value);
    case "null":
      return el("span", "t-null", "(nil)");
    case "error":
      return el("span", "t-error", "(error) " + frame.value);
    case "map":
      if (frame.value.length === 0) return el("span", "t-empty", "(empty hash)");
      return renderList(frame.value.map(([k, v], i) => {
        const li = el("li");
        li.append(el("span", "idx", `${i + 1}# `), renderFrame(k), el("span", "idx", " => "));
        li.append(renderFrame(v));
        return li;
      }));
    case "array":
    case "set":
    case "push": {
      if (frame.value.length === 0) return el("span", "t-empty", "(empty array)");
      const mark = frame.kind === "set" ? "~ " : ") ";
      return renderList(frame.value.map((item, i) => {
        const li = el("li");
        li.append(el("span", "idx", (i + 1) + mark), renderFrame(item));
        return li;
      }));
    }
  }
}

function renderList(items: HTMLElement[]): HTMLElement {
  const list = el("ol");
  list.append(...items);
  return list;
}

/** A line from the page itself, not a server reply. */
function showNote(commandText: string, text: string): void {
  const li = el("li");
  li.append(el("div", "cmd", commandText));
  const reply = el("div", "reply");
  reply.dataset.type = "note";
  reply.append(el("span", "t-note", text), el("span", "type", "console"));
  li.append(reply);
  append($("log"), li);
}

/** Shows a command and its reply, or the error text it failed with. */
function showReply(commandText: string, reply: Frame | { error: string }): void {
  const frame: Frame = "error" in reply ? { kind: "error", value: reply.error } : reply;
  const li = el("li");
  li.append(el("div", "cmd", commandText));
  const shown = el("div", "reply");
  shown.dataset.type = frame.kind;
  const body = renderFrame(frame);
  const badge = el("span", "type", TYPE_NAMES[frame.kind] ?? frame.kind);
  if (body.tagName === "OL" && "value" in frame && Array.isArray(frame.value)) {
    // an aggregate: its type and size first, then its elements
    badge.textContent += " \u00b7 " + frame.value.length;
    badge.classList.add("lead");
    shown.append(badge, body);
  } else {
    shown.append(body, badge);
  }
  li.append(shown);
  append($("log"), li);
}

/** An error's message, whatever was thrown. */
function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Splits a command line as redis-cli does: blanks separate, "..." and '...' quote. */
function splitArgs(line: string): string[] {
  const args: string[] = [];
  let i = 0;
  while (i < line.length) {
    while (i < line.length && /\s/.test(line[i])) i++;
    if (i >= line.length) break;
    let arg = "";
    if (line[i] === '"' || line[i] === "'") {
      const q = line[i++];
      let closed = false;
      while (i < line.length) {
        const ch = line[i++];
        if (ch === q) {
          closed = true;
          break;
        }
        if (ch === "\\" && i < line.length) {
          const e = line[i++];
          if (q === "'") {
            arg += e === "'" ? "'" : "\\" + e;
            continue;
          }
          if (e === "n") arg += "\n";
          else if (e === "r") arg += "\r";
          else if (e === "t") arg += "\t";
          else if (e === "x" && /^[0-9a-fA-F]{2}$/.test(line.slice(i, i + 2))) {
            arg += String.fromCharCode(parseInt(line.slice(i, i + 2), 16));
            i += 2;
          } else arg += e;
        } else arg += ch;
      }
      if (!closed) throw new Error("Invalid argument(s): unbalanced quotes");
      if (i < line.length && !/\s/.test(line[i])) {
        throw new Error("Invalid argument(s): closing quote must be followed by a space");
      }
    } else {
      while (i < line.length && !/\s/.test(line[i])) arg += line[i++];
    }
    args.push(arg);
  }
  return args;
}

async function runCommand(line: string): Promise<void> {
  let args: string[];
  try {
    args = splitArgs(line);
  } catch (e: unknown) {
    showReply(line, { error: message(e) });
    return;
  }
  if (args.length === 0 || !db) return;
  const name = args[0].toUpperCase();
  // subscriptions typed in the console go to the pub/sub panel, which owns the callbacks
  if ((name === "SUBSCRIBE" || name === "PSUBSCRIBE") && args.length > 1) {
    for (const channel of args.slice(1)) await subscribe(channel, name === "PSUBSCRIBE");
    showNote(line, "Subscribed: messages appear in the Pub/Sub panel.");
    return;
  }
  if (name === "UNSUBSCRIBE" || name === "PUNSUBSCRIBE") {
    const pattern = name === "PUNSUBSCRIBE";
    const names = args.length > 1
      ? args.slice(1)
      : [...subscriptions].filter(([, s]) => s.pattern === pattern).map(([n]) => n);
    for (const channel of names) await unsubscribe(channel);
    showNote(
      line,
      names.length ? "Unsubscribed from " + names.join(", ") + "." : "No subscriptions.",
    );
    return;
  }
  try {
    showReply(line, await db.sendFrame(...args));
  } catch (e: unknown) {
    showReply(line, { error: message(e) });
  }
}

function onMessage(msg: PubSubMessage): void {
  const li = el("li");
  li.dataset.channel = msg.channel;
  const time = new Date().toLocaleTimeString();
  li.append(el("span", "msg-meta", time + " "));
  li.append(el("span", "msg-channel", msg.channel));
  if (msg.pattern !== undefined) li.append(el("span", "msg-meta", " (" + msg.pattern + ")"));
  li.append(el("span", "msg-meta", " "), el("span", "msg-body", quote(msg.bytes)));
  append($("messages"), li);
}

async function subscribe(name: string, pattern: boolean): Promise<void> {
  if (subscriptions.has(name) || !subDb) return;
  const li = el("li");
  li.append(el("span", "", (pattern ? "pattern " : "") + name));
  const remove = el("button", "secondary", "\u00d7") as HTMLButtonElement;
  remove.type = "button";
  remove.setAttribute("aria-label", "Unsubscribe from " + name);
  remove.addEventListener("click", () => unsubscribe(name));
  li.append(remove);
  li.dataset.state = "pending";
  subscriptions.set(name, { pattern, li });
  $("subscriptions").append(li);
  try {
    if (pattern) await subDb.psubscribe(name, onMessage);
    else await subDb.subscribe(name, onMessage);
    li.dataset.state = "active";
  } catch (e: unknown) {
    subscriptions.delete(name);
    li.remove();
    showReply((pattern ? "PSUBSCRIBE " : "SUBSCRIBE ") + name, { error: message(e) });
  }
}

async function unsubscribe(name: string): Promise<void> {
  const sub = subscriptions.get(name);
  if (!sub) return;
  subscriptions.delete(name);
  sub.li.remove();
  if (subDb && subDb.open) {
    if (sub.pattern) await subDb.punsubscribe(name);
    else await subDb.unsubscribe(name);
  }
}

/** The stream being followed, on a connection of its own (XREAD BLOCK holds it). */
let follower: { key: string; client: Client } | null = null;

/** The bulk strings of a reply frame's array (fields and values; ids). */
function texts(f: Frame | undefined): Uint8Array[] {
  if (f === undefined || f.kind !== "array") return [];
  return f.value.map((x) => x.kind === "bulk" ? x.value : new Uint8Array());
}

/** The entries of an XREAD reply for one key: RESP2 [[key, entries]], RESP3 {key: entries}. */
function readEntries(reply: Frame): Frame[] {
  let entries: Frame | undefined;
  if (reply.kind === "array") {
    const pair = reply.value[0];
    if (pair?.kind === "array") entries = pair.value[1];
  } else if (reply.kind === "map") entries = reply.value[0]?.[1];
  return entries?.kind === "array" ? entries.value : [];
}

function showEntry(entry: Frame): string | null {
  if (entry.kind !== "array" || entry.value[0]?.kind !== "bulk") return null;
  const id = bytesDecoder.decode(entry.value[0].value);
  const li = el("li");
  li.dataset.id = id;
  li.append(el("span", "entry-id", id));
  const fields = texts(entry.value[1]);
  for (let i = 0; i + 1 < fields.length; i += 2) {
    li.append(
      el("span", "", " "),
      el("span", "entry-field", quote(fields[i])),
      el("span", "", "="),
      el("span", "entry-value", quote(fields[i + 1])),
    );
  }
  append($("stream-entries"), li);
  return id;
}

/** Follows `key` from its current end: every entry added from now on is shown. */
async function follow(key: string): Promise<void> {
  unfollow();
  let client: Client;
  try {
    client = await connect(wsUrl, { protocol, password, username });
  } catch (e: unknown) {
    $("following").textContent = "Could not follow " + key + ": " + message(e);
    return;
  }
  const me = { key, client };
  follower = me;
  $("following").textContent = "Following " + key + " · new entries appear below.";
  $("unfollow").hidden = false;
  $("stream-entries").replaceChildren();
  let last = "$";
  while (follower === me) {
    let reply: Frame;
    try {
      reply = await client.sendFrame("XREAD", "BLOCK", "0", "COUNT", "100", "STREAMS", key, last);
    } catch (e: unknown) {
      if (follower === me) $("following").textContent = "Stopped: " + message(e);
      break;
    }
    for (const entry of readEntries(reply)) last = showEntry(entry) ?? last;
  }
  client.close();
}

function unfollow(): void {
  if (follower === null) return;
  follower.client.close();
  $("following").textContent = "Stopped following " + follower.key + ".";
  follower = null;
  $("unfollow").hidden = true;
}

/** The ACL user and password typed into the auth form, kept for reconnects (in memory only). */
let password: string | undefined;
let username: string | undefined;

async function start(): Promise<void> {
  setStatus("connecting", "Connecting to " + wsUrl + "\u2026");
  $("auth-form").hidden = true;
  const options: ConnectOptions = {
    protocol,
    password,
    username,
    // the cache panel follows invalidations as they arrive
    onInvalidate: () => queueMicrotask(showCache),
  };
  let main: Client | null = null;
  let sub: Client;
  try {
    main = await connect(wsUrl, options);
    // a subscribed RESP2 connection may only (un)subscribe, so RESP2 needs a second one
    sub = protocol === 3 ? main : await connect(wsUrl, options);
  } catch (e: unknown) {
    main?.close();
    db = subDb = null;
    if (e instanceof Error && e.name === "RedisError") {
      // NOAUTH (no password yet) or WRONGPASS: ask for one
      setStatus("closed", e.message);
      $("auth-form").hidden = !/^(NOAUTH|WRONGPASS)/.test(e.message);
      if (!$("auth-form").hidden) input("password").focus();
      return;
    }
    // a refused Origin looks like any failed connection to the page (code 1006)
    setStatus(
      "closed",
      "Could not connect to " + wsUrl + ": is respd running, and does " +
        "it allow the origin " + location.origin + " (--ws-allowed-origins)?",
    );
    return;
  }
  db = main;
  subDb = sub;
  showCache();
  // The user the page runs as (its ACL user may not be allowed to ask: then it is not shown).
  const who = await main.send("ACL", "WHOAMI").catch(() => null);
  const as = typeof who === "string" ? " \u00b7 user " + who : "";
  setStatus("open", "Connected \u00b7 RESP" + main.protocol + as + " \u00b7 " + wsUrl);
  // subscriptions of a previous connection are renewed on this one
  const previous = [...subscriptions];
  subscriptions.clear();
  $("subscriptions").replaceChildren();
  for (const [name, s] of previous) subscribe(name, s.pattern);
  const info = await Promise.race([main.closed, sub.closed]);
  main.close();
  sub.close();
  db = subDb = null;
  setStatus(
    "closed",
    "Disconnected (" + info.code + (info.reason ? ": " + info.reason : "") + ")",
  );
}

$("command-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const command = input("command");
  const line = command.value.trim();
  if (!line || !db) return;
  history.push(line);
  historyPos = history.length;
  command.value = "";
  runCommand(line);
});
input("command").addEventListener("keydown", (e) => {
  if (e.key !== "ArrowUp" && e.key !== "ArrowDown") return;
  e.preventDefault();
  historyPos = Math.max(
    0,
    Math.min(history.length, historyPos + (e.key === "ArrowUp" ? -1 : 1)),
  );
  input("command").value = history[historyPos] || "";
});
$("subscribe-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const name = input("channel").value.trim();
  if (!name) return;
  input("channel").value = "";
  subscribe(name, input("pattern").checked);
});
$("publish-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const channel = input("publish-channel").value.trim();
  if (!channel || !db) return;
  const text = input("publish-message").value;
  const line = "PUBLISH " + channel + " " + JSON.stringify(text);
  try {
    showReply(line, await db.sendFrame("PUBLISH", channel, text));
  } catch (e: unknown) {
    showReply(line, { error: message(e) });
  }
});
/** Shows what the local cache holds, with each read's hit count. */
function showCache(): void {
  if (!db) return;
  const stats = db.cacheStats();
  $("cache-summary").textContent = db.protocol === 3
    ? `${stats.hits} hits, ${stats.misses} misses, ${stats.invalidations} invalidations`
    : "The local cache needs RESP3 (open the page without ?protocol=2).";
  $("cache-entries").replaceChildren(
    ...stats.entries.map((e) => {
      const li = el("li");
      li.dataset.command = e.command;
      li.append(el("span", "", e.command), el("span", "hits", `${e.hits} hits`));
      return li;
    }),
  );
}

$("cache-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const key = input("cache-key").value.trim();
  if (!key || !db) return;
  try {
    const reply = await db.cached("GET", key);
    showNote("GET " + key + " (cached)", reply === null ? "(nil)" : JSON.stringify(reply));
  } catch (err: unknown) {
    showReply("GET " + key + " (cached)", { error: message(err) });
  }
  showCache();
});
$("follow-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const key = input("stream-key").value.trim();
  if (key && db) follow(key);
});
$("unfollow").addEventListener("click", unfollow);
$("reconnect").addEventListener("click", start);
$("login").addEventListener("click", () => {
  $("auth-form").hidden = false;
  input("username").focus();
});
$("auth-form").addEventListener("submit", (e) => {
  e.preventDefault();
  username = input("username").value.trim() || "default";
  password = input("password").value;
  input("password").value = "";
  start();
});
start();

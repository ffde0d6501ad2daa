/**
 * The demo console served at `/`: type a command and see the reply rendered by its RESP
 * type; subscribe to channels and patterns and watch messages arrive; see the connection's
 * state. Plain HTML, CSS and a module script over `/client.js`, no framework, no build.
 *
 * Kept as a TypeScript module (not a .html file) so that serving it needs no file-read
 * permission. The style and script are separate exports because assets.ts puts their
 * hashes in the page's Content-Security-Policy (no 'unsafe-inline'). They are String.raw
 * literals: backslashes stay as typed, and they must not contain backticks or "${".
 * Reply text is always set with `textContent`, never parsed as HTML.
 */

export const DEMO_STYLE = String.raw`
:root {
  color-scheme: light dark;
  --bg: #f6f7f9; --panel: #fff; --fg: #1d2330; --muted: #5d6675; --line: #d9dde4;
  --accent: #b3261e; --ok: #1a7f37; --str: #0b5cad; --num: #8a4b00; --err: #b3261e;
  --nil: #6b7280; --mono: ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", Menlo, monospace;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #14171c; --panel: #1c2027; --fg: #e6e9ef; --muted: #9aa3b2; --line: #303642;
    --accent: #ff7b72; --ok: #56d364; --str: #79c0ff; --num: #ffa657; --err: #ff7b72;
    --nil: #8b949e;
  }
}
* { box-sizing: border-box; }
body {
  margin: 0; background: var(--bg); color: var(--fg);
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
}
header {
  display: flex; align-items: center; gap: 1rem; flex-wrap: wrap;
  padding: .75rem 1.25rem; border-bottom: 1px solid var(--line); background: var(--panel);
}
header h1 { font-size: 1.15rem; margin: 0; letter-spacing: .02em; }
header h1 span { color: var(--accent); }
header form { border: 0; padding: 0; }
header form input { margin-left: .4rem; padding: .3rem .5rem; font: inherit;
  border: 1px solid var(--line); border-radius: 6px; background: var(--bg); color: var(--fg); }
header p { margin: 0; color: var(--muted); font-size: .9rem; }
#status {
  margin-left: auto; display: flex; align-items: center; gap: .5rem; font-size: .9rem;
}
#status .dot { width: .65rem; height: .65rem; border-radius: 50%; background: var(--nil); }
#status[data-state="open"] .dot { background: var(--ok); }
#status[data-state="connecting"] .dot { background: var(--num); }
#status[data-state="closed"] .dot { background: var(--err); }
main {
  display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 1rem;
  padding: 1rem 1.25rem; height: calc(100vh - 3.6rem);
}
@media (max-width: 800px) { main { grid-template-columns: 1fr; height: auto; } }
section {
  background: var(--panel); border: 1px solid var(--line); border-radius: 8px;
  display: flex; flex-direction: column; min-height: 0; overflow: hidden;
}
section h2 + form { border-top: 0; }
section h2 {
  font-size: .8rem; text-transform: uppercase; letter-spacing: .08em; color: var(--muted);
  margin: 0; padding: .6rem .9rem; border-bottom: 1px solid var(--line);
}
.log {
  list-style: none; margin: 0; padding: .5rem .9rem; overflow-y: auto; flex: 1;
  font-family: var(--mono); font-size: .88rem; min-height: 8rem;
}
.log > li { padding: .3rem 0; border-bottom: 1px dashed var(--line); }
.log > li:last-child { border-bottom: 0; }
.cmd { color: var(--muted); white-space: pre-wrap; word-break: break-all; }
.cmd::before { content: "> "; color: var(--accent); }
.reply { white-space: pre-wrap; word-break: break-all; }
.type {
  display: inline-block; font: .7rem/1.4 system-ui, sans-serif; padding: 0 .35rem;
  margin-left: .5rem; border: 1px solid var(--line); border-radius: 4px; color: var(--muted);
  vertical-align: middle;
}
.type.lead { margin-left: 0; }
.reply ol { list-style: none; margin: 0; padding-left: 1.6rem; }
.idx { color: var(--muted); user-select: none; }
.t-simple { color: var(--ok); }
.t-bulk, .t-verbatim { color: var(--str); }
.t-integer, .t-double, .t-bignum, .t-boolean { color: var(--num); }
.t-null, .t-empty { color: var(--nil); font-style: italic; }
.t-error { color: var(--err); }
.t-note { color: var(--muted); font-style: italic; }
form { display: flex; gap: .5rem; padding: .6rem .9rem; border-top: 1px solid var(--line);
  flex-wrap: wrap; align-items: center; }
form label.grow { flex: 1; display: flex; gap: .5rem; align-items: center; min-width: 12rem; }
input[type="text"] {
  flex: 1; min-width: 0; font: inherit; font-family: var(--mono); padding: .45rem .6rem;
  border: 1px solid var(--line); border-radius: 6px; background: var(--bg); color: var(--fg);
}
input[type="text"]:focus-visible, button:focus-visible {
  outline: 2px solid var(--str); outline-offset: 1px;
}
button {
  font: inherit; padding: .45rem .9rem; border-radius: 6px; border: 1px solid var(--line);
  background: var(--fg); color: var(--panel); cursor: pointer;
}
button.secondary { background: transparent; color: var(--fg); }
button:disabled { opacity: .5; cursor: default; }
.sr-only {
  position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0);
  white-space: nowrap;
}
#subscriptions {
  list-style: none; margin: 0; padding: .5rem .9rem; display: flex; gap: .4rem;
  flex-wrap: wrap; border-bottom: 1px solid var(--line); min-height: 2.6rem;
}
#subscriptions:empty::before { content: "No subscriptions yet."; color: var(--muted);
  font-size: .88rem; }
#subscriptions li {
  display: flex; align-items: center; gap: .3rem; font-family: var(--mono); font-size: .85rem;
  border: 1px solid var(--line); border-radius: 999px; padding: .1rem .2rem .1rem .6rem;
}
#subscriptions li[data-state="pending"] { opacity: .6; }
#subscriptions button { padding: 0 .45rem; border-radius: 999px; font-size: .85rem; }
.msg-meta { color: var(--muted); }
.msg-channel { color: var(--num); }
.msg-body { color: var(--str); }
.hint { color: var(--muted); font-size: .82rem; padding: 0 .9rem .6rem; margin: 0; }
`;

export const DEMO_SCRIPT = String.raw`
import { connect } from "/client.js";

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const protocol = params.get("protocol") === "2" ? 2 : 3;
const wsUrl = params.get("ws") ||
  (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws";
const MAX_ENTRIES = 500;
const bytesDecoder = new TextDecoder();

let db = null;
/** The pub/sub panel's connection: db itself in RESP3; its own in RESP2 (see start). */
let subDb = null;
const history = [];
let historyPos = 0;
/** name -> { pattern: boolean, li: HTMLElement } */
const subscriptions = new Map();

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function append(list, item) {
  list.append(item);
  while (list.children.length > MAX_ENTRIES) list.firstElementChild.remove();
  list.scrollTop = list.scrollHeight;
}

function setStatus(state, text) {
  $("status").dataset.state = state;
  $("status-text").textContent = text;
  const ready = state === "open";
  for (const b of document.querySelectorAll("[data-needs-connection]")) b.disabled = !ready;
  $("reconnect").hidden = state !== "closed";
}

/** redis-cli's quoting of a bulk string: printable text as is, the rest escaped. */
function quote(bytes) {
  const text = bytesDecoder.decode(bytes);
  let out = "";
  for (const ch of text) {
    const c = ch.codePointAt(0);
    if (ch === "\\" || ch === '"') out += "\\" + ch;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (c < 32 || c === 127) out += "\\x" + c.toString(16).padStart(2, "0");
    else out += ch;
  }
  return '"' + out + '"';
}

const TYPE_NAMES = {
  simple: "simple string", bulk: "bulk string", verbatim: "verbatim string",
  integer: "integer", double: "double", boolean: "boolean", bignum: "big number",
  null: "null", error: "error", array: "array", set: "set", map: "map", push: "push",
};

/** Renders a reply frame like redis-cli does, each part coloured by its RESP type. */
function renderFrame(frame) {
  switch (frame.kind) {
    case "simple": return el("span", "t-simple", frame.value);
    case "bulk": return el("span", "t-bulk", quote(frame.value));
    case "verbatim": return el("span", "t-verbatim", bytesDecoder.decode(frame.value));
    case "integer": return el("span", "t-integer", "(integer) " + frame.value);
    case "double": return el("span", "t-double", "(double) " + frame.value);
    case "boolean": return el("span", "t-boolean", frame.value ? "(true)" : "(false)");
    case "bignum": return el("span", "t-bignum", "(big number) " + frame.value);
    case "null": return el("span", "t-null", "(nil)");
    case "error": return el("span", "t-error", "(error) " + frame.value);
    case "array": case "set": case "push": case "map": {
      const items = frame.value;
      if (items.length === 0) {
        return el("span", "t-empty", frame.kind === "map" ? "(empty hash)" : "(empty array)");
      }
      const list = el("ol");
      const mark = frame.kind === "set" ? "~ " : frame.kind === "map" ? "# " : ") ";
      items.forEach((item, i) => {
        const li = el("li");
        li.append(el("span", "idx", (i + 1) + mark));
        if (frame.kind === "map") {
          li.append(renderFrame(item[0]), el("span", "idx", " => "), renderFrame(item[1]));
        } else {
          li.append(renderFrame(item));
        }
        list.append(li);
      });
      return list;
    }
  }
  return el("span", "", String(frame.value));
}

/** A line from the page itself, not a server reply. */
function showNote(commandText, text) {
  const li = el("li");
  li.append(el("div", "cmd", commandText));
  const reply = el("div", "reply");
  reply.dataset.type = "note";
  reply.append(el("span", "t-note", text), el("span", "type", "console"));
  li.append(reply);
  append($("log"), li);
}

function showReply(commandText, frame, errorText) {
  const li = el("li");
  li.append(el("div", "cmd", commandText));
  const reply = el("div", "reply");
  const kind = errorText === undefined ? frame.kind : "error";
  reply.dataset.type = kind;
  const body = renderFrame(errorText === undefined ? frame : { kind: "error", value: errorText });
  const badge = el("span", "type", TYPE_NAMES[kind] || kind);
  if (body.tagName === "OL") {
    // an aggregate: its type and size first, then its elements
    badge.textContent += " \u00b7 " + frame.value.length;
    badge.classList.add("lead");
    reply.append(badge, body);
  } else {
    reply.append(body, badge);
  }
  li.append(reply);
  append($("log"), li);
}

/** Splits a command line as redis-cli does: blanks separate, "..." and '...' quote. */
function splitArgs(line) {
  const args = [];
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
        if (ch === q) { closed = true; break; }
        if (ch === "\\" && i < line.length) {
          const e = line[i++];
          if (q === "'") { arg += e === "'" ? "'" : "\\" + e; continue; }
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

async function runCommand(line) {
  let args;
  try {
    args = splitArgs(line);
  } catch (e) {
    showReply(line, null, e.message);
    return;
  }
  if (args.length === 0) return;
  const name = args[0].toUpperCase();
  // subscriptions typed in the console go to the pub/sub panel, which owns the callbacks
  if ((name === "SUBSCRIBE" || name === "PSUBSCRIBE") && args.length > 1) {
    for (const channel of args.slice(1)) await subscribe(channel, name === "PSUBSCRIBE");
    showNote(line, "Subscribed: messages appear in the Pub/Sub panel.");
    return;
  }
  if ((name === "UNSUBSCRIBE" || name === "PUNSUBSCRIBE")) {
    const pattern = name === "PUNSUBSCRIBE";
    const names = args.length > 1 ? args.slice(1)
      : [...subscriptions].filter(([, s]) => s.pattern === pattern).map(([n]) => n);
    for (const channel of names) await unsubscribe(channel);
    showNote(line, names.length ? "Unsubscribed from " + names.join(", ") + "." : "No subscriptions.");
    return;
  }
  try {
    showReply(line, await db.sendFrame(...args));
  } catch (e) {
    showReply(line, null, e.message);
  }
}

function onMessage(msg) {
  const li = el("li");
  li.dataset.channel = msg.channel;
  const time = new Date().toLocaleTimeString();
  li.append(el("span", "msg-meta", time + " "));
  li.append(el("span", "msg-channel", msg.channel));
  if (msg.pattern !== undefined) li.append(el("span", "msg-meta", " (" + msg.pattern + ")"));
  li.append(el("span", "msg-meta", " "), el("span", "msg-body", quote(msg.bytes)));
  append($("messages"), li);
}

async function subscribe(name, pattern) {
  if (subscriptions.has(name) || !subDb) return;
  const li = el("li");
  li.append(el("span", "", (pattern ? "pattern " : "") + name));
  const remove = el("button", "secondary", "\u00d7");
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
  } catch (e) {
    subscriptions.delete(name);
    li.remove();
    showReply((pattern ? "PSUBSCRIBE " : "SUBSCRIBE ") + name, null, e.message);
  }
}

async function unsubscribe(name) {
  const sub = subscriptions.get(name);
  if (!sub) return;
  subscriptions.delete(name);
  sub.li.remove();
  if (subDb && subDb.open) {
    if (sub.pattern) await subDb.punsubscribe(name);
    else await subDb.unsubscribe(name);
  }
}

/** The password typed into the auth form, kept for reconnects (in memory only). */
let password;

async function start() {
  setStatus("connecting", "Connecting to " + wsUrl + "\u2026");
  $("auth-form").hidden = true;
  const options = { protocol, password };
  try {
    db = await connect(wsUrl, options);
    // a subscribed RESP2 connection may only (un)subscribe, so RESP2 needs a second one
    subDb = protocol === 3 ? db : await connect(wsUrl, options);
  } catch (e) {
    if (db) db.close();
    db = subDb = null;
    if (e.name === "RedisError") {
      // NOAUTH (no password yet) or WRONGPASS: ask for one
      setStatus("closed", e.message);
      $("auth-form").hidden = !/^(NOAUTH|WRONGPASS)/.test(e.message);
      if (!$("auth-form").hidden) $("password").focus();
      return;
    }
    // a refused Origin looks like any failed connection to the page (code 1006)
    setStatus("closed", "Could not connect to " + wsUrl + ": is respd running, and does " +
      "it allow the origin " + location.origin + " (--ws-allowed-origins)?");
    return;
  }
  setStatus("open", "Connected \u00b7 RESP" + db.protocol + " \u00b7 " + wsUrl);
  // subscriptions of a previous connection are renewed on this one
  const previous = [...subscriptions];
  subscriptions.clear();
  $("subscriptions").replaceChildren();
  for (const [name, sub] of previous) subscribe(name, sub.pattern);
  const info = await Promise.race([db.closed, subDb.closed]);
  db.close();
  subDb.close();
  db = subDb = null;
  setStatus("closed", "Disconnected (" + info.code + (info.reason ? ": " + info.reason : "") + ")");
}

$("command-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const input = $("command");
  const line = input.value.trim();
  if (!line || !db) return;
  history.push(line);
  historyPos = history.length;
  input.value = "";
  runCommand(line);
});
$("command").addEventListener("keydown", (e) => {
  if (e.key !== "ArrowUp" && e.key !== "ArrowDown") return;
  e.preventDefault();
  historyPos = Math.max(0, Math.min(history.length, historyPos + (e.key === "ArrowUp" ? -1 : 1)));
  e.target.value = history[historyPos] || "";
});
$("subscribe-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const name = $("channel").value.trim();
  if (!name) return;
  $("channel").value = "";
  subscribe(name, $("pattern").checked);
});
$("publish-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const channel = $("publish-channel").value.trim();
  if (!channel || !db) return;
  const message = $("publish-message").value;
  const line = "PUBLISH " + channel + " " + JSON.stringify(message);
  try {
    showReply(line, await db.sendFrame("PUBLISH", channel, message));
  } catch (err) {
    showReply(line, null, err.message);
  }
});
$("reconnect").addEventListener("click", start);
$("auth-form").addEventListener("submit", (e) => {
  e.preventDefault();
  password = $("password").value;
  $("password").value = "";
  start();
});
start();
`;

/** The whole page. */
export const DEMO_HTML = String.raw`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>respd console</title>
<link rel="icon" href="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Crect width='16' height='16' rx='3' fill='%23b3261e'/%3E%3Cpath d='M5 12V4h3.5a2.2 2.2 0 0 1 0 4.4H5m3.2 0L11 12' stroke='white' stroke-width='1.6' fill='none'/%3E%3C/svg%3E">
<style>${DEMO_STYLE}</style>
</head>
<body>
<header>
  <h1><span>respd</span> console</h1>
  <p>Redis commands over WebSocket, through <code>/client.js</code></p>
  <div id="status" role="status" aria-live="polite" data-state="connecting">
    <span class="dot" aria-hidden="true"></span><span id="status-text">Loading…</span>
    <button id="reconnect" class="secondary" type="button" hidden>Reconnect</button>
  </div>
  <form id="auth-form" hidden>
    <label>Password <input id="password" type="password" autocomplete="current-password">
    </label>
    <button type="submit">Connect</button>
  </form>
</header>
<main>
  <section aria-labelledby="console-title">
    <h2 id="console-title">Console</h2>
    <ol id="log" class="log" role="log" aria-live="polite" aria-label="Commands and replies"></ol>
    <form id="command-form" autocomplete="off">
      <label class="grow"><span class="sr-only">Command</span>
        <input id="command" type="text" name="command" spellcheck="false" autofocus
          placeholder="SET greeting hello" aria-describedby="command-hint">
      </label>
      <button type="submit" data-needs-connection disabled>Send</button>
    </form>
    <p id="command-hint" class="hint">Enter sends · ↑/↓ history · quote arguments with
      "…" or '…' as in redis-cli</p>
  </section>
  <section aria-labelledby="pubsub-title">
    <h2 id="pubsub-title">Pub/Sub</h2>
    <form id="subscribe-form" autocomplete="off">
      <label class="grow"><span class="sr-only">Channel or pattern</span>
        <input id="channel" type="text" spellcheck="false" placeholder="news or news.*">
      </label>
      <label><input id="pattern" type="checkbox"> pattern</label>
      <button type="submit" data-needs-connection disabled>Subscribe</button>
    </form>
    <ul id="subscriptions" aria-label="Subscriptions"></ul>
    <ol id="messages" class="log" role="log" aria-live="polite" aria-label="Messages"></ol>
    <form id="publish-form" autocomplete="off">
      <label><span class="sr-only">Publish to channel</span>
        <input id="publish-channel" type="text" spellcheck="false" placeholder="channel"
          size="10">
      </label>
      <label class="grow"><span class="sr-only">Message</span>
        <input id="publish-message" type="text" spellcheck="false" placeholder="message">
      </label>
      <button type="submit" class="secondary" data-needs-connection disabled>Publish</button>
    </form>
  </section>
</main>
<script type="module">${DEMO_SCRIPT}</script>
</body>
</html>
`;

/**
 * GENERATED from src/web/demo.ts by scripts/build_client.ts (`deno task build:client`);
 * do not edit. The demo console's script, inlined in the page by demo_page.ts.
 */

export const DEMO_SCRIPT = `// src/web/demo.ts
import { connect } from "/client.js";
function $(id) {
  const node = document.getElementById(id);
  if (node === null) throw new Error(\`the page has no #\${id}\`);
  return node;
}
var input = (id) => $(id);
var params = new URLSearchParams(location.search);
var protocol = params.get("protocol") === "2" ? 2 : 3;
var wsUrl = params.get("ws") || (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws";
var MAX_ENTRIES = 500;
var bytesDecoder = new TextDecoder();
var db = null;
var subDb = null;
var history = [];
var historyPos = 0;
var subscriptions = /* @__PURE__ */ new Map();
function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== void 0) node.textContent = text;
  return node;
}
function append(list, item) {
  list.append(item);
  while (list.children.length > MAX_ENTRIES) list.firstElementChild?.remove();
  list.scrollTop = list.scrollHeight;
}
function setStatus(state, text) {
  $("status").dataset.state = state;
  $("status-text").textContent = text;
  const ready = state === "open";
  for (const b of document.querySelectorAll("[data-needs-connection]")) {
    b.disabled = !ready;
  }
  $("reconnect").hidden = state !== "closed";
}
function quote(bytes) {
  const text = bytesDecoder.decode(bytes);
  let out = "";
  for (const ch of text) {
    const c = ch.codePointAt(0);
    if (ch === "\\\\" || ch === '"') out += "\\\\" + ch;
    else if (ch === "\\n") out += "\\\\n";
    else if (ch === "\\r") out += "\\\\r";
    else if (ch === "	") out += "\\\\t";
    else if (c < 32 || c === 127) out += "\\\\x" + c.toString(16).padStart(2, "0");
    else out += ch;
  }
  return '"' + out + '"';
}
var TYPE_NAMES = {
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
  push: "push"
};
function renderFrame(frame) {
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
        li.append(el("span", "idx", \`\${i + 1}# \`), renderFrame(k), el("span", "idx", " => "));
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
        li.append(el("span", "idx", i + 1 + mark), renderFrame(item));
        return li;
      }));
    }
  }
}
function renderList(items) {
  const list = el("ol");
  list.append(...items);
  return list;
}
function showNote(commandText, text) {
  const li = el("li");
  li.append(el("div", "cmd", commandText));
  const reply = el("div", "reply");
  reply.dataset.type = "note";
  reply.append(el("span", "t-note", text), el("span", "type", "console"));
  li.append(reply);
  append($("log"), li);
}
function showReply(commandText, reply) {
  const frame = "error" in reply ? {
    kind: "error",
    value: reply.error
  } : reply;
  const li = el("li");
  li.append(el("div", "cmd", commandText));
  const shown = el("div", "reply");
  shown.dataset.type = frame.kind;
  const body = renderFrame(frame);
  const badge = el("span", "type", TYPE_NAMES[frame.kind] ?? frame.kind);
  if (body.tagName === "OL" && "value" in frame && Array.isArray(frame.value)) {
    badge.textContent += " \\xB7 " + frame.value.length;
    badge.classList.add("lead");
    shown.append(badge, body);
  } else {
    shown.append(body, badge);
  }
  li.append(shown);
  append($("log"), li);
}
function message(e) {
  return e instanceof Error ? e.message : String(e);
}
function splitArgs(line) {
  const args = [];
  let i = 0;
  while (i < line.length) {
    while (i < line.length && /\\s/.test(line[i])) i++;
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
        if (ch === "\\\\" && i < line.length) {
          const e = line[i++];
          if (q === "'") {
            arg += e === "'" ? "'" : "\\\\" + e;
            continue;
          }
          if (e === "n") arg += "\\n";
          else if (e === "r") arg += "\\r";
          else if (e === "t") arg += "	";
          else if (e === "x" && /^[0-9a-fA-F]{2}$/.test(line.slice(i, i + 2))) {
            arg += String.fromCharCode(parseInt(line.slice(i, i + 2), 16));
            i += 2;
          } else arg += e;
        } else arg += ch;
      }
      if (!closed) throw new Error("Invalid argument(s): unbalanced quotes");
      if (i < line.length && !/\\s/.test(line[i])) {
        throw new Error("Invalid argument(s): closing quote must be followed by a space");
      }
    } else {
      while (i < line.length && !/\\s/.test(line[i])) arg += line[i++];
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
    showReply(line, {
      error: message(e)
    });
    return;
  }
  if (args.length === 0 || !db) return;
  const name = args[0].toUpperCase();
  if ((name === "SUBSCRIBE" || name === "PSUBSCRIBE") && args.length > 1) {
    for (const channel of args.slice(1)) await subscribe(channel, name === "PSUBSCRIBE");
    showNote(line, "Subscribed: messages appear in the Pub/Sub panel.");
    return;
  }
  if (name === "UNSUBSCRIBE" || name === "PUNSUBSCRIBE") {
    const pattern = name === "PUNSUBSCRIBE";
    const names = args.length > 1 ? args.slice(1) : [
      ...subscriptions
    ].filter(([, s]) => s.pattern === pattern).map(([n]) => n);
    for (const channel of names) await unsubscribe(channel);
    showNote(line, names.length ? "Unsubscribed from " + names.join(", ") + "." : "No subscriptions.");
    return;
  }
  try {
    showReply(line, await db.sendFrame(...args));
  } catch (e) {
    showReply(line, {
      error: message(e)
    });
  }
}
function onMessage(msg) {
  const li = el("li");
  li.dataset.channel = msg.channel;
  const time = (/* @__PURE__ */ new Date()).toLocaleTimeString();
  li.append(el("span", "msg-meta", time + " "));
  li.append(el("span", "msg-channel", msg.channel));
  if (msg.pattern !== void 0) li.append(el("span", "msg-meta", " (" + msg.pattern + ")"));
  li.append(el("span", "msg-meta", " "), el("span", "msg-body", quote(msg.bytes)));
  append($("messages"), li);
}
async function subscribe(name, pattern) {
  if (subscriptions.has(name) || !subDb) return;
  const li = el("li");
  li.append(el("span", "", (pattern ? "pattern " : "") + name));
  const remove = el("button", "secondary", "\\xD7");
  remove.type = "button";
  remove.setAttribute("aria-label", "Unsubscribe from " + name);
  remove.addEventListener("click", () => unsubscribe(name));
  li.append(remove);
  li.dataset.state = "pending";
  subscriptions.set(name, {
    pattern,
    li
  });
  $("subscriptions").append(li);
  try {
    if (pattern) await subDb.psubscribe(name, onMessage);
    else await subDb.subscribe(name, onMessage);
    li.dataset.state = "active";
  } catch (e) {
    subscriptions.delete(name);
    li.remove();
    showReply((pattern ? "PSUBSCRIBE " : "SUBSCRIBE ") + name, {
      error: message(e)
    });
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
var follower = null;
function texts(f) {
  if (f === void 0 || f.kind !== "array") return [];
  return f.value.map((x) => x.kind === "bulk" ? x.value : new Uint8Array());
}
function readEntries(reply) {
  let entries;
  if (reply.kind === "array") {
    const pair = reply.value[0];
    if (pair?.kind === "array") entries = pair.value[1];
  } else if (reply.kind === "map") entries = reply.value[0]?.[1];
  return entries?.kind === "array" ? entries.value : [];
}
function showEntry(entry) {
  if (entry.kind !== "array" || entry.value[0]?.kind !== "bulk") return null;
  const id = bytesDecoder.decode(entry.value[0].value);
  const li = el("li");
  li.dataset.id = id;
  li.append(el("span", "entry-id", id));
  const fields = texts(entry.value[1]);
  for (let i = 0; i + 1 < fields.length; i += 2) {
    li.append(el("span", "", " "), el("span", "entry-field", quote(fields[i])), el("span", "", "="), el("span", "entry-value", quote(fields[i + 1])));
  }
  append($("stream-entries"), li);
  return id;
}
async function follow(key) {
  unfollow();
  let client;
  try {
    client = await connect(wsUrl, {
      protocol,
      password,
      username
    });
  } catch (e) {
    $("following").textContent = "Could not follow " + key + ": " + message(e);
    return;
  }
  const me = {
    key,
    client
  };
  follower = me;
  $("following").textContent = "Following " + key + " \\xB7 new entries appear below.";
  $("unfollow").hidden = false;
  $("stream-entries").replaceChildren();
  let last = "$";
  while (follower === me) {
    let reply;
    try {
      reply = await client.sendFrame("XREAD", "BLOCK", "0", "COUNT", "100", "STREAMS", key, last);
    } catch (e) {
      if (follower === me) $("following").textContent = "Stopped: " + message(e);
      break;
    }
    for (const entry of readEntries(reply)) last = showEntry(entry) ?? last;
  }
  client.close();
}
function unfollow() {
  if (follower === null) return;
  follower.client.close();
  $("following").textContent = "Stopped following " + follower.key + ".";
  follower = null;
  $("unfollow").hidden = true;
}
var password;
var username;
async function start() {
  setStatus("connecting", "Connecting to " + wsUrl + "\\u2026");
  $("auth-form").hidden = true;
  const options = {
    protocol,
    password,
    username,
    // the cache panel follows invalidations as they arrive
    onInvalidate: () => queueMicrotask(showCache)
  };
  let main = null;
  let sub;
  try {
    main = await connect(wsUrl, options);
    sub = protocol === 3 ? main : await connect(wsUrl, options);
  } catch (e) {
    main?.close();
    db = subDb = null;
    if (e instanceof Error && e.name === "RedisError") {
      setStatus("closed", e.message);
      $("auth-form").hidden = !/^(NOAUTH|WRONGPASS)/.test(e.message);
      if (!$("auth-form").hidden) input("password").focus();
      return;
    }
    setStatus("closed", "Could not connect to " + wsUrl + ": is respd running, and does it allow the origin " + location.origin + " (--ws-allowed-origins)?");
    return;
  }
  db = main;
  subDb = sub;
  showCache();
  const who = await main.send("ACL", "WHOAMI").catch(() => null);
  const as = typeof who === "string" ? " \\xB7 user " + who : "";
  setStatus("open", "Connected \\xB7 RESP" + main.protocol + as + " \\xB7 " + wsUrl);
  const previous = [
    ...subscriptions
  ];
  subscriptions.clear();
  $("subscriptions").replaceChildren();
  for (const [name, s] of previous) subscribe(name, s.pattern);
  const info = await Promise.race([
    main.closed,
    sub.closed
  ]);
  main.close();
  sub.close();
  db = subDb = null;
  setStatus("closed", "Disconnected (" + info.code + (info.reason ? ": " + info.reason : "") + ")");
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
  historyPos = Math.max(0, Math.min(history.length, historyPos + (e.key === "ArrowUp" ? -1 : 1)));
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
  } catch (e2) {
    showReply(line, {
      error: message(e2)
    });
  }
});
function showCache() {
  if (!db) return;
  const stats = db.cacheStats();
  $("cache-summary").textContent = db.protocol === 3 ? \`\${stats.hits} hits, \${stats.misses} misses, \${stats.invalidations} invalidations\` : "The local cache needs RESP3 (open the page without ?protocol=2).";
  $("cache-entries").replaceChildren(...stats.entries.map((e) => {
    const li = el("li");
    li.dataset.command = e.command;
    li.append(el("span", "", e.command), el("span", "hits", \`\${e.hits} hits\`));
    return li;
  }));
}
$("cache-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const key = input("cache-key").value.trim();
  if (!key || !db) return;
  try {
    const reply = await db.cached("GET", key);
    showNote("GET " + key + " (cached)", reply === null ? "(nil)" : JSON.stringify(reply));
  } catch (err) {
    showReply("GET " + key + " (cached)", {
      error: message(err)
    });
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
`;

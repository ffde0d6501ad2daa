/**
 * The demo console served at `/`: its HTML and CSS. Its script is src/web/demo.ts,
 * bundled into demo_bundle.ts (`deno task build:client`) and inlined here.
 *
 * Kept as a TypeScript module (not a .html file) so that serving it needs no file-read
 * permission. The style and script are separate exports because assets.ts puts their
 * hashes in the page's Content-Security-Policy (no 'unsafe-inline'). The style is a
 * String.raw literal: backslashes stay as typed, and it must not contain backticks or "${".
 */

import { DEMO_SCRIPT } from "./demo_bundle.ts";

export { DEMO_SCRIPT };

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
[hidden] { display: none !important; } /* else "form { display: flex }" shows hidden forms */
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
main { grid-template-rows: minmax(0, 5fr) minmax(0, 3fr) minmax(0, 4fr); }
main > section:first-child { grid-row: 1 / span 3; }
@media (max-width: 800px) {
  main { grid-template-columns: 1fr; grid-template-rows: none; height: auto; }
  main > section:first-child { grid-row: auto; }
}
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
#cache-entries { list-style: none; margin: 0; padding: .3rem .9rem .6rem; font-family: var(--mono);
  font-size: .85rem; }
#cache-entries:empty::before { content: "Nothing cached yet."; color: var(--muted);
  font-family: inherit; }
#cache-entries li { display: flex; gap: .6rem; padding: .15rem 0; }
#cache-entries .hits { color: var(--num); margin-left: auto; }
#following { padding-top: .6rem; }
.entry-id { color: var(--num); }
.entry-field { color: var(--muted); }
.entry-value { color: var(--str); }
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
    <button id="login" class="secondary" type="button">Log in as…</button>
  </div>
  <form id="auth-form" hidden>
    <label>User <input id="username" type="text" autocomplete="username" value="default">
    </label>
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
  <section aria-labelledby="cache-title">
    <h2 id="cache-title">Local cache</h2>
    <form id="cache-form" autocomplete="off">
      <label class="grow"><span class="sr-only">Key to read through the cache</span>
        <input id="cache-key" type="text" spellcheck="false" placeholder="greeting">
      </label>
      <button type="submit" data-needs-connection disabled>GET (cached)</button>
    </form>
    <p id="cache-summary" class="hint">Reads through <code>db.cached()</code> are answered by
      the page until any client changes the key (RESP3).</p>
    <ul id="cache-entries" aria-label="Cached reads"></ul>
  </section>
  <section aria-labelledby="streams-title">
    <h2 id="streams-title">Streams</h2>
    <form id="follow-form" autocomplete="off">
      <label class="grow"><span class="sr-only">Stream key</span>
        <input id="stream-key" type="text" spellcheck="false" placeholder="stream key, e.g. feed">
      </label>
      <button type="submit" data-needs-connection disabled>Follow</button>
      <button id="unfollow" type="button" class="secondary" hidden>Stop</button>
    </form>
    <p id="following" class="hint">Follow a stream: new entries appear here as they are added
      (<code>XREAD BLOCK 0</code> on a connection of its own).</p>
    <ol id="stream-entries" class="log" role="log" aria-live="polite"
      aria-label="Stream entries"></ol>
  </section>
</main>
<script type="module">${DEMO_SCRIPT}</script>
</body>
</html>
`;

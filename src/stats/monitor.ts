/**
 * MONITOR's feed: every command a client runs, as one line to each monitoring client, in
 * Redis's format (replicationFeedMonitors): `+1700000000.123456 [0 127.0.0.1:5000] "set"
 * "k" "v"` — the time in µs, the database and the client's address (`lua` for commands a
 * script runs), then each argument quoted as sdscatrepr quotes it. The line is built once
 * and handed to every monitor, whatever its transport; nothing is built while nobody
 * monitors.
 */

import type { ReplyWriter } from "../protocol/reply_writer.ts";

/** A client that receives the feed (Session.deliver queues the bytes and flushes them). */
export interface Monitor {
  deliver(write: (reply: ReplyWriter) => void): void;
}

/** The client a fed command came from. */
export interface FedClient {
  readonly id: number;
  readonly transport: { readonly remoteAddress: string };
}

const HEX = "0123456789abcdef";

/** An argument as Redis's sdscatrepr writes it: quoted, with C escapes and \xHH. */
export function quoteArg(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    switch (c) {
      case 0x5c:
        out += "\\\\";
        break;
      case 0x22:
        out += '\\"';
        break;
      case 0x0a:
        out += "\\n";
        break;
      case 0x0d:
        out += "\\r";
        break;
      case 0x09:
        out += "\\t";
        break;
      case 0x07:
        out += "\\a";
        break;
      case 0x08:
        out += "\\b";
        break;
      default:
        out += c >= 0x20 && c <= 0x7e ? s[i] : `\\x${HEX[(c >> 4) & 15]}${HEX[c & 15]}`;
    }
  }
  return out + '"';
}

/** The feed line without the leading `+` and the CRLF. */
export function monitorLine(
  micros: number,
  db: number,
  origin: string,
  argv: readonly string[],
): string {
  const seconds = Math.floor(micros / 1e6);
  const fraction = String(Math.floor(micros % 1e6)).padStart(6, "0");
  return `${seconds}.${fraction} [${db} ${origin}] ${argv.map(quoteArg).join(" ")}`;
}

export class MonitorFeed {
  readonly monitors = new Set<Monitor>();

  get active(): boolean {
    return this.monitors.size !== 0;
  }

  add(m: Monitor): void {
    this.monitors.add(m);
  }

  remove(m: Monitor): void {
    this.monitors.delete(m);
  }

  /** Sends one command line to every monitor. */
  feed(client: FedClient, db: number, argv: readonly string[]): void {
    // The script client (id 0, no connection) shows as "lua", as in Redis.
    const origin = client.id === 0 ? "lua" : client.transport.remoteAddress;
    const micros = Math.floor((performance.timeOrigin + performance.now()) * 1000);
    const line = monitorLine(micros, db, origin, argv);
    for (const m of this.monitors) m.deliver((reply) => reply.simple(line));
  }
}

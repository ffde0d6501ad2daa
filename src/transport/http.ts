/**
 * respd's HTTP port, served on a `Deno.listen` socket by respd itself (or, with
 * `--ws-tls yes`, on a TLS port from tls_port.ts: https:// and wss://): `GET /ws` upgrades
 * to a WebSocket session (websocket.ts) after the Origin and password checks; every other
 * path is a web asset (src/web/assets.ts) or 404, one request per connection.
 *
 * respd parses the request head itself (http_head.ts) so that every connection it has
 * is bounded: a request head must be complete within `--http-header-timeout` and fit in
 * `--http-max-header-size` (slowloris connections are closed), at most
 * `--http-max-pending` connections may be in their HTTP phase at once (more are closed on
 * accept), a response must be taken by the peer within the same timeout, and after the
 * upgrade the WebSocket transport bounds the rest. Deno.serve offered none of these.
 *
 * Origin check: a page on any site can open a WebSocket to localhost, so the upgrade is
 * refused (HTTP 403, before any session or store access) unless the request's Origin is
 * allowed (origin_check.ts: the page's own origin for hosts the server knows as its own,
 * localhost pages, or `--ws-allowed-origins`).
 */

import { createHash } from "node:crypto";
import type { Server } from "../server.ts";
import { serveWebAsset } from "../web/assets.ts";
import { wsHandshakeAuth } from "../security/credentials.ts";
import { queryBufferLimit } from "../security/client_limits.ts";
import type { Session } from "../session.ts";
import { acceptLoop } from "./accept_loop.ts";
import { HeadError, readRequestHead, type RequestHead } from "./http_head.ts";
import { WebSocketTransport } from "./websocket.ts";
import { formatAddr } from "./tcp.ts";
import { metricsText } from "../stats/metrics.ts";
import { passwordMatches } from "../security/credentials.ts";
import { originAllowed } from "./origin_check.ts";
import { TlsPort } from "./tls_port.ts";
import type { ByteConn } from "./transport.ts";
import type { SecureContextOptions } from "node:tls";

const WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
const REASONS: Record<number, string> = {
  200: "OK",
  304: "Not Modified",
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  426: "Upgrade Required",
  431: "Request Header Fields Too Large",
  500: "Internal Server Error",
};
const encoder = new TextEncoder();

/** The Sec-WebSocket-Accept value for a Sec-WebSocket-Key (RFC 6455 section 4.2.2). */
export function websocketAccept(key: string): string {
  return createHash("sha1").update(key + WS_GUID).digest("base64");
}

function text(status: number, body: string): Response {
  return new Response(body + "\n", {
    status,
    headers: { "content-type": "text/plain; charset=utf-8" },
  });
}

async function writeAll(conn: ByteConn, bytes: Uint8Array): Promise<void> {
  let written = 0;
  while (written < bytes.length) written += await conn.write(bytes.subarray(written));
}

/** Writes `response` whole (head and body) with `connection: close`. */
async function writeResponse(conn: ByteConn, response: Response, head = false): Promise<void> {
  const body = response.body === null || head
    ? new Uint8Array(0)
    : new Uint8Array(await response.arrayBuffer());
  let out = `HTTP/1.1 ${response.status} ${REASONS[response.status] ?? "Unknown"}\r\n`;
  for (const [name, value] of response.headers) {
    if (name !== "content-length" && name !== "connection") out += `${name}: ${value}\r\n`;
  }
  const length = response.headers.get("content-length") ?? String(body.length);
  out += `content-length: ${length}\r\nconnection: close\r\n\r\n`;
  const headBytes = encoder.encode(out);
  const bytes = new Uint8Array(headBytes.length + body.length);
  bytes.set(headBytes);
  bytes.set(body, headBytes.length);
  await writeAll(conn, bytes);
}

/** The HTTP port: its listener, its accept loop and the connections still in HTTP. */
export class HttpPort {
  /** Settles once the port is bound (at once for plain HTTP; TLS binds asynchronously). */
  readonly ready: Promise<void>;
  /** Connections accepted and not yet upgraded or answered. */
  readonly pending = new Set<ByteConn>();
  /** Connections closed on accept because `--http-max-pending` were pending. */
  refused = 0;
  /** "https" when the port serves TLS (`--ws-tls yes`). */
  readonly scheme: "http" | "https";
  #listener: Deno.TcpListener | null = null;
  #tls: TlsPort | null = null;
  #task: Promise<void> = Promise.resolve();
  #stopped = false;
  #lastRefusalLog = -Infinity;

  /** Listens on `port`; with `tls` (a context from loadTlsContext), as https/wss. */
  constructor(readonly server: Server, port: number, tls: SecureContextOptions | null = null) {
    const serve = (conn: ByteConn) => this.#serve(conn);
    this.scheme = tls === null ? "http" : "https";
    if (tls === null) {
      this.#listener = Deno.listen({ hostname: server.config.bind, port });
      this.#task = acceptLoop(this.#listener, serve, {
        name: "HTTP",
        warn: (m) => server.log("warning", m),
        stopped: () => this.#stopped,
      });
      this.ready = Promise.resolve();
    } else {
      // Browsers are not asked for client certificates (tls-auth-clients is the RESP port's).
      this.#tls = new TlsPort({
        name: "HTTPS",
        hostname: server.config.bind,
        onConnection: serve,
        log: (m) => server.log("verbose", `HTTPS: ${m}`),
        warn: (m) => server.log("warning", m),
      });
      this.#tls.configure({ port, context: tls, authClients: "no" });
      this.ready = this.#tls.ready;
    }
  }

  get port(): number {
    return this.#listener?.addr.port ?? this.#tls?.port ?? 0;
  }

  /** New HTTPS connections get this certificate (CONFIG SET tls-cert-file, SIGHUP). */
  reloadTls(tls: SecureContextOptions): void {
    this.#tls?.configure({ port: this.#tls.port, context: tls, authClients: "no" });
  }

  /** Stops accepting and closes the connections still in their HTTP phase. */
  stop(): Promise<void> {
    this.#stopped = true;
    try {
      this.#listener?.close();
    } catch {
      // already closed
    }
    const tls = this.#tls?.close().catch(() => {});
    for (const conn of this.pending) closeQuietly(conn);
    return Promise.all([this.#task, tls]).then(() => {});
  }

  async #serve(conn: ByteConn): Promise<void> {
    const config = this.server.config;
    if (this.pending.size >= config.httpMaxPending) {
      this.refused++;
      this.server.introspection.refused("http-max-pending");
      const now = Date.now();
      if (now - this.#lastRefusalLog >= 60_000) {
        this.#lastRefusalLog = now;
        this.server.log(
          "warning",
          `HTTP connection from ${formatAddr(conn.remoteAddr)} refused: ` +
            `${config.httpMaxPending} connections are already waiting for their request ` +
            "(--http-max-pending); logged at most once a minute",
        );
      }
      return closeQuietly(conn);
    }
    this.pending.add(conn);
    conn.setNoDelay?.(true); // replies leave at once, as over the RESP port
    let timedOut = false;
    const deadline = setTimeout(() => {
      timedOut = true;
      closeQuietly(conn);
    }, config.httpHeaderTimeout * 1000);
    let upgraded = false;
    const remoteAddress = formatAddr(conn.remoteAddr);
    try {
      const got = await readRequestHead(conn, config.httpMaxHeaderSize);
      if (got === null) return;
      upgraded = await this.#respond(conn, got.head, got.rest, remoteAddress);
    } catch (e: unknown) {
      if (e instanceof HeadError) {
        this.server.refuse("http-request", "notice", `HTTP client ${remoteAddress}: ${e.message}`);
        await writeResponse(conn, text(e.status, e.message)).catch(() => {});
      } else if (timedOut) {
        this.server.refuse(
          "http-header-timeout",
          "notice",
          `HTTP client ${remoteAddress} closed: no request within ${config.httpHeaderTimeout} s`,
        );
      } else if (
        !(e instanceof Deno.errors.BadResource || e instanceof Deno.errors.Interrupted ||
          e instanceof Deno.errors.ConnectionReset || e instanceof Deno.errors.BrokenPipe ||
          e instanceof Deno.errors.UnexpectedEof)
      ) {
        this.server.log(
          "warning",
          `HTTP client ${remoteAddress}: ${e instanceof Error ? e.stack : e}`,
        );
      }
    } finally {
      clearTimeout(deadline);
      this.pending.delete(conn);
      if (!upgraded) closeQuietly(conn);
    }
  }

  /**
   * GET /metrics (stats/metrics.ts): Prometheus's text format; with --metrics-token, only
   * for `Authorization: Bearer <token>` (as Prometheus's `authorization` setting sends it).
   */
  #metrics(head: RequestHead, remoteAddress: string): Response {
    const server = this.server;
    if (head.method !== "GET" && head.method !== "HEAD") return text(405, "Method Not Allowed");
    const token = server.config.metricsToken;
    if (token !== null) {
      const given = /^Bearer\s+(.+)$/i.exec(head.headers.get("authorization") ?? "")?.[1];
      if (given === undefined || !passwordMatches(given, token)) {
        server.refuse(
          "metrics-auth",
          "notice",
          `HTTP client ${remoteAddress} refused: GET /metrics without the metrics token`,
        );
        const refused = text(401, "Unauthorized: GET /metrics needs the metrics token");
        refused.headers.set("www-authenticate", 'Bearer realm="respd"');
        return refused;
      }
    }
    return new Response(metricsText(server), {
      status: 200,
      headers: { "content-type": "text/plain; version=0.0.4; charset=utf-8" },
    });
  }

  /** Answers one request; true when the connection became a WebSocket session. */
  async #respond(
    conn: ByteConn,
    head: RequestHead,
    rest: Uint8Array,
    remoteAddress: string,
  ): Promise<boolean> {
    const server = this.server;
    const path = head.target.split("?")[0];
    if (path === "/metrics" && server.config.metrics) {
      await writeResponse(conn, this.#metrics(head, remoteAddress), head.method === "HEAD");
      return false;
    }
    if (path !== "/ws") {
      const request = new Request(new URL(head.target, "http://localhost"), {
        method: head.method === "HEAD" ? "HEAD" : head.method === "GET" ? "GET" : "OPTIONS",
        headers: [...head.headers].filter(([name]) => name === "if-none-match"),
      });
      const response = head.method === "GET" || head.method === "HEAD"
        ? serveWebAsset(request) ?? text(404, "Not Found")
        : serveWebAsset(request) ?? text(405, "Method Not Allowed");
      await writeResponse(conn, response, head.method === "HEAD");
      return false;
    }
    const headers = head.headers;
    const key = headers.get("sec-websocket-key");
    if (
      head.method !== "GET" || headers.get("upgrade")?.toLowerCase() !== "websocket" ||
      key === undefined
    ) {
      await writeResponse(conn, text(426, "Upgrade Required: connect a WebSocket to /ws"));
      return false;
    }
    if (headers.get("sec-websocket-version") !== "13") {
      const response = text(426, "Upgrade Required: WebSocket version 13");
      response.headers.set("sec-websocket-version", "13");
      await writeResponse(conn, response);
      return false;
    }
    const origin = headers.get("origin") ?? null;
    const request = { origin, host: headers.get("host") ?? null, scheme: this.scheme };
    if (!originAllowed(request, server.config.wsAllowedOrigins, server.config.wsAllowedHosts)) {
      server.refuse(
        "origin",
        "notice",
        `WebSocket from ${remoteAddress} refused: origin ${origin} not allowed ` +
          "(--ws-allowed-origins)",
      );
      await writeResponse(conn, text(403, "Forbidden: origin not allowed"));
      return false;
    }
    // The password may come as a subprotocol (security/credentials.ts): browsers cannot
    // set headers on a WebSocket. A wrong one is refused before any session exists.
    const auth = wsHandshakeAuth(headers.get("sec-websocket-protocol") ?? null, server.acl);
    if (auth === null) {
      server.refuse(
        "auth",
        "notice",
        `WebSocket from ${remoteAddress} refused: wrong password token`,
      );
      await writeResponse(
        conn,
        text(401, "Unauthorized: wrong password in the respd.auth subprotocol"),
      );
      return false;
    }
    let answer =
      "HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\n" +
      `sec-websocket-accept: ${websocketAccept(key)}\r\n`;
    if (auth.protocol !== undefined) answer += `sec-websocket-protocol: ${auth.protocol}\r\n`;
    await writeAll(conn, encoder.encode(answer + "\r\n"));

    let session: Session | null = null;
    const transport = new WebSocketTransport(conn, rest, {
      // Read at every frame header: smaller until the client has authenticated.
      maxMessage: () => queryBufferLimit(server.config, session),
      remoteAddress,
      localAddress: formatAddr(conn.localAddr),
      log: (level, message) => server.log(level, message),
    });
    session = server.accept(transport);
    if (session !== null) server.acl.admitWebSocket(session, auth.user, server.config.wsUser);
    return true;
  }
}

function closeQuietly(conn: ByteConn): void {
  try {
    conn.close();
  } catch {
    // already closed
  }
}

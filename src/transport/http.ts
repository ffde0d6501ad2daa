/**
 * The bridge's HTTP handler: `GET /ws` upgrades to a WebSocket session after the Origin
 * check; every other path is a web asset (src/web/assets.ts) or 404.
 *
 * Origin check: a page on any site can open a WebSocket to localhost, so the upgrade is
 * refused (HTTP 403, before any session or store access) unless the request's Origin is
 * allowed. Requests without an Origin header come from non-browser clients, which could
 * forge it anyway, and are allowed. The default list is the server's own origin (built
 * from --bind and the bound port, not from the Host header, which a DNS-rebinding page
 * controls) and http://localhost / http://127.0.0.1 on any port; `--ws-allowed-origins`
 * replaces it ("*" allows every origin).
 *
 * idleTimeout: Deno pings a socket that has been silent for this many seconds and closes
 * it when no pong comes back. Browsers answer pings by themselves, so a quiet subscriber
 * stays connected while a vanished peer (laptop lid closed, network gone) is freed.
 */

import type { Server } from "../server.ts";
import { webSocketTransport } from "./websocket.ts";
import { serveWebAsset } from "../web/assets.ts";
import { wsHandshakeAuth } from "../security/credentials.ts";
import { queryBufferLimit } from "../security/client_limits.ts";
import type { Session } from "../session.ts";

/** Seconds of silence before a WebSocket is pinged, and dropped without a pong. */
export const WS_IDLE_TIMEOUT_SECONDS = 60;

const LOCAL_ORIGIN = /^http:\/\/(localhost|127\.0\.0\.1)(:\d{1,5})?$/;

/** Whether a browser page from `origin` may open a session; `ownOrigin` is the server's. */
export function originAllowed(
  origin: string | null,
  allowed: readonly string[] | null,
  ownOrigin: string,
): boolean {
  if (origin === null) return true;
  if (allowed === null) return origin === ownOrigin || LOCAL_ORIGIN.test(origin);
  return allowed.includes("*") || allowed.includes(origin);
}

function formatAddr(addr: Deno.NetAddr): string {
  return addr.hostname.includes(":")
    ? `[${addr.hostname}]:${addr.port}`
    : `${addr.hostname}:${addr.port}`;
}

function text(status: number, body: string): Response {
  return new Response(body + "\n", { status, headers: { "content-type": "text/plain" } });
}

/** The request handler for `Deno.serve`. */
export function httpHandler(
  server: Server,
): (request: Request, info: Deno.ServeHandlerInfo<Deno.NetAddr>) => Promise<Response> {
  return async (request, info) => {
    const url = new URL(request.url);
    if (url.pathname !== "/ws") {
      return (await serveWebAsset(request)) ?? text(404, "Not Found");
    }
    if (request.method !== "GET" || request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return text(426, "Upgrade Required: connect a WebSocket to /ws");
    }
    const bind = server.config.bind.includes(":") ? `[${server.config.bind}]` : server.config.bind;
    const ownOrigin = `http://${bind}:${server.wsPort}`;
    const origin = request.headers.get("origin");
    if (!originAllowed(origin, server.config.wsAllowedOrigins, ownOrigin)) {
      server.log("verbose", `WebSocket from origin ${origin} refused (--ws-allowed-origins)`);
      return text(403, "Forbidden: origin not allowed");
    }
    // Read before upgrading: afterwards the request (and its info) is gone.
    const remoteAddress = formatAddr(info.remoteAddr);
    // The password may come as a subprotocol (security/credentials.ts): browsers cannot
    // set headers on a WebSocket. A wrong one is refused before any session exists.
    const auth = wsHandshakeAuth(
      request.headers.get("sec-websocket-protocol"),
      server.config.requirepass,
    );
    if (auth === null) {
      server.log("verbose", `WebSocket from ${remoteAddress} refused: wrong password token`);
      return text(401, "Unauthorized: wrong password in the respd.auth subprotocol");
    }
    const { socket, response } = Deno.upgradeWebSocket(request, {
      idleTimeout: WS_IDLE_TIMEOUT_SECONDS,
      protocol: auth.protocol,
    });
    if (!server.limits.hasRoom()) {
      server.limits.refuseWebSocket(socket);
      return response;
    }
    let session: Session | null = null;
    session = server.accept(webSocketTransport(socket, {
      maxBuffered: server.config.wsMaxBuffered,
      // Read on every message: smaller until the client has authenticated.
      get maxQueued() {
        return queryBufferLimit(server.config, session);
      },
      remoteAddress,
      localAddress: `${bind}:${server.wsPort}`,
      warn: (message) => server.log("warning", message),
    }));
    if (auth.authenticated) session?.grantAccess();
    return response;
  };
}

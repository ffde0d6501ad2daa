/**
 * The HTTP side of src/web/: the demo console at `/` and the browser client at
 * `/client.js`. The HTTP server (src/transport/http.ts) asks here first for every path but
 * `/ws`; null means "not ours" (a 404 there).
 *
 * Caching: both are small and change with the server's version, so they are served with
 * `Cache-Control: no-cache` and a strong ETag: browsers revalidate each load and get a
 * 304 with no body while nothing changed. `/client.js` is public code meant to be imported
 * by other origins' pages (module scripts are fetched with CORS), hence
 * `Access-Control-Allow-Origin: *`; who may then open a WebSocket is decided by the
 * bridge's Origin check, not here. The page carries a strict Content-Security-Policy
 * that allows exactly its own inline style and script (by hash) and same-origin scripts and
 * connections.
 */

import { createHash } from "node:crypto";
import { CLIENT_JS } from "./client_bundle.ts";
import { DEMO_HTML, DEMO_SCRIPT, DEMO_STYLE } from "./demo_page.ts";

interface Asset {
  body: Uint8Array<ArrayBuffer>;
  headers: Record<string, string>;
}

const encoder = new TextEncoder();

function sha256(text: string, encoding: "base64" | "hex"): string {
  return createHash("sha256").update(text).digest(encoding);
}

function asset(text: string, contentType: string, extra: Record<string, string>): Asset {
  return {
    body: encoder.encode(text),
    headers: {
      "content-type": contentType,
      "cache-control": "no-cache",
      "etag": `"${sha256(text, "hex").slice(0, 32)}"`,
      "x-content-type-options": "nosniff",
      ...extra,
    },
  };
}

const CSP = [
  "default-src 'none'",
  `script-src 'self' 'sha256-${sha256(DEMO_SCRIPT, "base64")}'`,
  `style-src 'sha256-${sha256(DEMO_STYLE, "base64")}'`,
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

const ASSETS: Record<string, Asset> = {
  "/": asset(DEMO_HTML, "text/html; charset=utf-8", {
    "content-security-policy": CSP,
    "referrer-policy": "no-referrer",
  }),
  "/client.js": asset(CLIENT_JS, "text/javascript; charset=utf-8", {
    "access-control-allow-origin": "*",
    "cross-origin-resource-policy": "cross-origin",
  }),
};

/** The response for `/` or `/client.js` (GET or HEAD), or null for any other path. */
export function serveWebAsset(request: Request): Response | null {
  const path = new URL(request.url).pathname;
  const found = Object.hasOwn(ASSETS, path) ? ASSETS[path] : undefined;
  if (!found) return null;
  if (request.method !== "GET" && request.method !== "HEAD") {
    return new Response("Method Not Allowed\n", {
      status: 405,
      headers: { "allow": "GET, HEAD", "content-type": "text/plain; charset=utf-8" },
    });
  }
  const etag = found.headers["etag"];
  const ifNoneMatch = request.headers.get("if-none-match");
  if (ifNoneMatch !== null && ifNoneMatch.split(",").some((t) => t.trim() === etag)) {
    return new Response(null, { status: 304, headers: { etag, "cache-control": "no-cache" } });
  }
  const body = request.method === "HEAD" ? null : found.body;
  return new Response(body, {
    status: 200,
    headers: { ...found.headers, "content-length": String(found.body.length) },
  });
}

/**
 * Password checks for AUTH, HELLO AUTH and the WebSocket handshake, in one place so every
 * way in compares the same way.
 *
 * Constant time: both sides are hashed with SHA-256 and the digests compared with
 * `timingSafeEqual`, so the time taken depends neither on where the first differing byte
 * is nor on the length of either password (a plain `===` leaks both).
 *
 * Bytes: a password sent by a client is a byte string (one char per byte), while
 * `--requirepass` is text from the command line; it is compared as its UTF-8 bytes, which
 * is what redis-cli sends for the same text.
 */

import { createHash, timingSafeEqual } from "node:crypto";
import { fromText, stringToBytes } from "../protocol/latin1.ts";

function digest(byteString: string): Uint8Array {
  return createHash("sha256").update(stringToBytes(byteString)).digest();
}

/** Whether the byte string `given` equals the configured password `required` (text). */
export function passwordMatches(given: string, required: string): boolean {
  return timingSafeEqual(digest(given), digest(fromText(required)));
}

/**
 * The WebSocket subprotocol that carries a password, for browsers (which cannot set an
 * Authorization header on a WebSocket): `respd.auth.` + base64url(password bytes), no
 * padding. A page offers it next to `respd` (`new WebSocket(url, ["respd", token])`), and
 * the server answers with `respd`, so the password is never echoed back in a header.
 */
export const WS_AUTH_PREFIX = "respd.auth.";
/** The plain subprotocol the server echoes (a browser fails a handshake that echoes none). */
export const WS_PROTOCOL = "respd";

/** The subprotocol entry that carries `password` (UTF-8 text) for the WebSocket handshake. */
export function wsAuthProtocol(password: string): string {
  const bytes = new TextEncoder().encode(password);
  const b64 = btoa(String.fromCharCode(...bytes));
  return WS_AUTH_PREFIX + b64.replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** What the handshake decided: the subprotocol to echo, and whether the client is in. */
export interface WsAuthResult {
  /** Subprotocol to answer with (one of those offered), or undefined when none was offered. */
  protocol: string | undefined;
  /** True when an offered token matched `--requirepass` (AUTH is then not needed). */
  authenticated: boolean;
}

function decodeToken(token: string): string | null {
  if (!/^[A-Za-z0-9_-]*$/.test(token)) return null;
  try {
    return atob(token.replaceAll("-", "+").replaceAll("_", "/"));
  } catch (e: unknown) {
    if (e instanceof DOMException) return null;
    throw e;
  }
}

/**
 * Checks the `Sec-WebSocket-Protocol` header of an upgrade request. Returns null when the
 * request must be refused (HTTP 401): it offered a token that does not match the password,
 * or offered a token while no password is configured. Without a token the client may still
 * send AUTH as its first command.
 */
export function wsHandshakeAuth(
  header: string | null,
  requirepass: string | null,
): WsAuthResult | null {
  const offered = (header ?? "").split(",").map((p) => p.trim()).filter((p) => p !== "");
  const tokens = offered.filter((p) => p.startsWith(WS_AUTH_PREFIX));
  const others = offered.filter((p) => !p.startsWith(WS_AUTH_PREFIX));
  // Never echo a token: answer `respd` if offered, else whatever else was offered first.
  const protocol = others.includes(WS_PROTOCOL) ? WS_PROTOCOL : (others[0] ?? tokens[0]);
  if (tokens.length === 0) return { protocol, authenticated: requirepass === null };
  if (requirepass === null || tokens.length > 1) return null;
  const password = decodeToken(tokens[0].slice(WS_AUTH_PREFIX.length));
  if (password === null || !passwordMatches(password, requirepass)) return null;
  return { protocol, authenticated: true };
}

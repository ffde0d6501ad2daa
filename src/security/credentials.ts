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
import { decodeWsToken, WS_AUTH_PREFIX, WS_PROTOCOL } from "./ws_token.ts";

export { WS_AUTH_PREFIX, WS_PROTOCOL, wsAuthProtocol } from "./ws_token.ts";

function digest(byteString: string): Uint8Array {
  return createHash("sha256").update(stringToBytes(byteString)).digest();
}

/** Whether the byte string `given` equals the configured password `required` (text). */
export function passwordMatches(given: string, required: string): boolean {
  return timingSafeEqual(digest(given), digest(fromText(required)));
}

/** What the handshake decided: the subprotocol to echo, and whether the client is in. */
export interface WsAuthResult {
  /** Subprotocol to answer with (one of those offered), or undefined when none was offered. */
  protocol: string | undefined;
  /** True when an offered token matched `--requirepass` (AUTH is then not needed). */
  authenticated: boolean;
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
  // Answer `respd` when offered, so the token never comes back; a browser fails a handshake
  // whose answer is not one it offered, so a lone token can only be echoed itself.
  const protocol = others.includes(WS_PROTOCOL) ? WS_PROTOCOL : (others[0] ?? tokens[0]);
  if (tokens.length === 0) return { protocol, authenticated: requirepass === null };
  if (requirepass === null || tokens.length > 1) return null;
  const password = decodeWsToken(tokens[0].slice(WS_AUTH_PREFIX.length));
  if (password === null || !passwordMatches(password, requirepass)) return null;
  return { protocol, authenticated: true };
}

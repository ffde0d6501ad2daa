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
import { decodeWsToken, WS_AUTH_PREFIX, WS_PROTOCOL, WS_USER_PREFIX } from "./ws_token.ts";
import type { AclUser } from "../acl/user.ts";

export {
  WS_AUTH_PREFIX,
  WS_PROTOCOL,
  WS_USER_PREFIX,
  wsAuthProtocol,
  wsUserProtocol,
} from "./ws_token.ts";

function digest(byteString: string): Uint8Array {
  return createHash("sha256").update(stringToBytes(byteString)).digest();
}

/** Whether the byte string `given` equals the configured password `required` (text). */
export function passwordMatches(given: string, required: string): boolean {
  return timingSafeEqual(digest(given), digest(fromText(required)));
}

/** What the handshake decided: the subprotocol to echo, and who the client is. */
export interface WsAuthResult {
  /** Subprotocol to answer with (one of those offered), or undefined when none was offered. */
  protocol: string | undefined;
  /** The ACL user the offered credentials logged in as; null when none were offered. */
  user: AclUser | null;
}

/** What the handshake needs of the ACL users (acl/acl_registry.ts). */
export interface WsCredentials {
  readonly defaultUser: AclUser;
  checkCredentials(user: string, password: string): AclUser | null;
}

/**
 * Checks the `Sec-WebSocket-Protocol` header of an upgrade request. Returns null when the
 * request must be refused (HTTP 401): its credentials do not log in (unknown or disabled
 * user, wrong password), a token is malformed or offered twice, or a password alone is
 * offered while the default user needs none (as AUTH with one argument is an error then).
 * A user token without a password logs in as a `nopass` user. Without any token the client
 * may still send AUTH (or HELLO AUTH) as its first command.
 */
export function wsHandshakeAuth(
  header: string | null,
  acl: WsCredentials,
): WsAuthResult | null {
  const offered = (header ?? "").split(",").map((p) => p.trim()).filter((p) => p !== "");
  const isToken = (p: string) => p.startsWith(WS_AUTH_PREFIX) || p.startsWith(WS_USER_PREFIX);
  const passwords = offered.filter((p) => p.startsWith(WS_AUTH_PREFIX));
  const users = offered.filter((p) => p.startsWith(WS_USER_PREFIX));
  const others = offered.filter((p) => !isToken(p));
  // Answer `respd` when offered, so the token never comes back; a browser fails a handshake
  // whose answer is not one it offered, so a lone token can only be echoed itself.
  const protocol = others.includes(WS_PROTOCOL)
    ? WS_PROTOCOL
    : (others[0] ?? passwords[0] ?? users[0]);
  if (passwords.length === 0 && users.length === 0) return { protocol, user: null };
  if (passwords.length > 1 || users.length > 1) return null;
  const password = passwords.length === 0
    ? ""
    : decodeWsToken(passwords[0].slice(WS_AUTH_PREFIX.length));
  const name = users.length === 0
    ? "default"
    : decodeWsToken(users[0].slice(WS_USER_PREFIX.length));
  if (password === null || name === null) return null;
  if (users.length === 0 && acl.defaultUser.nopass) return null;
  const user = acl.checkCredentials(name, password);
  return user === null ? null : { protocol, user };
}

/**
 * The WebSocket password token, in web-platform code only (no Deno or Node APIs) so the
 * browser client can build the same token the server checks (credentials.ts).
 *
 * Browsers cannot set an Authorization header on a WebSocket, but they can offer
 * subprotocols: a page offers `respd` and `respd.auth.` + base64url(UTF-8 password), no
 * padding (`new WebSocket(url, ["respd", wsAuthProtocol(password)])`), and to log in as an
 * ACL user other than `default` also `respd.user.` + base64url(UTF-8 user name)
 * (`wsUserProtocol(name)`). The server answers with `respd`, so neither is echoed back in a
 * header.
 */

export const WS_AUTH_PREFIX = "respd.auth.";
export const WS_USER_PREFIX = "respd.user.";
/** The plain subprotocol the server echoes (a browser fails a handshake that echoes none). */
export const WS_PROTOCOL = "respd";

/** The subprotocol entry that carries `password` (text, sent as its UTF-8 bytes). */
export function wsAuthProtocol(password: string): string {
  return WS_AUTH_PREFIX + base64url(password);
}

/** The subprotocol entry that names the ACL user to log in as. */
export function wsUserProtocol(user: string): string {
  return WS_USER_PREFIX + base64url(user);
}

function base64url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** The password bytes (a byte string) in a token's base64url part, or null if malformed. */
export function decodeWsToken(token: string): string | null {
  if (!/^[A-Za-z0-9_-]*$/.test(token) || token.length % 4 === 1) return null;
  return atob(token.replaceAll("-", "+").replaceAll("_", "/"));
}

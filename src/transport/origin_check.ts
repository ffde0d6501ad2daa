/**
 * Which browser pages may open a WebSocket on respd's HTTP port (the Origin check before
 * the upgrade, http.ts). A page on any site can try to open a WebSocket to any address
 * the browser reaches, so without a list (`--ws-allowed-origins`) respd admits:
 *
 * - pages on http(s)://localhost and http(s)://127.0.0.1, on any port (local development);
 * - the server's own pages: an Origin whose scheme, host and port are those of the
 *   request's `Host` (the page came from this very port, e.g. the console opened as
 *   http://192.168.1.5:6380/ from another machine) — but only when that host is one the
 *   server knows as its own: an IP literal, `localhost`, or a name listed in
 *   `--ws-allowed-hosts`. Origin-equals-Host alone would let DNS rebinding in: a page on
 *   http://evil.example:6380 whose name is re-pointed at this machine sends Origin and
 *   Host both `evil.example:6380`. An IP literal cannot be re-pointed, and a listed name is
 *   the operator's.
 *
 * Requests without an Origin come from non-browser clients, which could forge it anyway,
 * and are admitted. `--ws-allowed-origins` replaces all of the above ("*" admits every
 * origin).
 */

const LOCAL_ORIGIN = /^https?:\/\/(localhost|127\.0\.0\.1)(:\d{1,5})?$/;
const IPV4 = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

/** What the Origin check needs to know about the request and the port it arrived on. */
export interface OriginRequest {
  /** The Origin header (null: none, a non-browser client). */
  origin: string | null;
  /** The Host header (null: none). */
  host: string | null;
  /** "https" when the HTTP port serves TLS. */
  scheme: "http" | "https";
}

/** Whether `hostname` (as `URL` normalizes it) is an IP literal or localhost. */
function isAddressOrLocalhost(hostname: string): boolean {
  return hostname === "localhost" || IPV4.test(hostname) || hostname.startsWith("[");
}

/**
 * Whether the page at `request.origin` may open a session. `allowedOrigins` is
 * `--ws-allowed-origins` (null: the default rules above); `allowedHosts` is
 * `--ws-allowed-hosts` (lower-case names).
 */
export function originAllowed(
  request: OriginRequest,
  allowedOrigins: readonly string[] | null,
  allowedHosts: readonly string[],
): boolean {
  const { origin } = request;
  if (origin === null) return true;
  if (allowedOrigins !== null) {
    return allowedOrigins.includes("*") || allowedOrigins.includes(origin);
  }
  if (LOCAL_ORIGIN.test(origin)) return true;
  return isOwnOrigin(request, allowedHosts);
}

/** The Origin is this port's own: it matches Host, and Host is a name the server owns. */
function isOwnOrigin(request: OriginRequest, allowedHosts: readonly string[]): boolean {
  if (request.origin === null || request.host === null || request.host === "") return false;
  let page: URL;
  let served: URL;
  try {
    page = new URL(request.origin);
    served = new URL(`${request.scheme}://${request.host}`);
  } catch {
    return false; // "null" (sandboxed pages, file://) or a malformed header
  }
  // The Origin header is exactly scheme://host[:port]; anything more is not a browser's.
  if (page.origin !== request.origin.toLowerCase()) return false;
  if (page.protocol !== served.protocol || page.host !== served.host) return false;
  return isAddressOrLocalhost(served.hostname) || allowedHosts.includes(served.hostname);
}

/**
 * Parses `--ws-allowed-hosts`: comma-separated host names (no ports, no schemes), lower-
 * cased. Returns null when one is not a plain host name.
 */
export function parseAllowedHosts(text: string): string[] | null {
  const names = text.split(",").map((s) => s.trim().toLowerCase()).filter((s) => s !== "");
  for (const name of names) {
    let url: URL;
    try {
      url = new URL(`http://${name}`);
    } catch {
      return null;
    }
    if (url.hostname !== name || url.port !== "") return null;
  }
  return names;
}

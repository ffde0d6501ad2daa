/**
 * Reading an HTTP/1.1 request head (request line and headers) off a connection, bounded:
 * at most `maxBytes` bytes (else 431), and the caller's deadline closes the connection.
 * respd's HTTP port serves a few static assets and the WebSocket upgrade, so the head is
 * all it ever reads: request bodies are not accepted.
 */

/** A parsed request head. Header names are lower-cased; repeated headers are joined by ", ". */
export interface RequestHead {
  method: string;
  target: string;
  headers: Map<string, string>;
}

/** Why a head was refused: the HTTP status to answer with. */
export class HeadError extends Error {
  constructor(readonly status: 400 | 431, message: string) {
    super(message);
  }
}

const latin1 = new TextDecoder("latin1");
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Index of the first "\r\n\r\n" in `buf[from, to)`, or -1. */
function headEnd(buf: Uint8Array, from: number, to: number): number {
  for (let i = Math.max(0, from - 3); i + 3 < to; i++) {
    if (buf[i] === 13 && buf[i + 1] === 10 && buf[i + 2] === 13 && buf[i + 3] === 10) return i;
  }
  return -1;
}

/**
 * Reads until the blank line ending the head. Returns the head and the bytes received
 * after it (a WebSocket client may send its first frame at once), or null when the peer
 * closed first. Throws HeadError for a head over `maxBytes` or one that does not parse.
 */
export async function readRequestHead(
  conn: { read(p: Uint8Array): Promise<number | null> },
  maxBytes: number,
): Promise<{ head: RequestHead; rest: Uint8Array } | null> {
  let buf = new Uint8Array(Math.min(1024, maxBytes));
  let have = 0;
  for (;;) {
    if (have === buf.length) {
      if (buf.length >= maxBytes) throw new HeadError(431, "request header fields too large");
      const grown = new Uint8Array(Math.min(buf.length * 4, maxBytes));
      grown.set(buf);
      buf = grown;
    }
    const n = await conn.read(buf.subarray(have));
    if (n === null) return null;
    const end = headEnd(buf, have, have + n);
    have += n;
    if (end >= 0) {
      return {
        head: parseHead(latin1.decode(buf.subarray(0, end))),
        rest: buf.slice(end + 4, have),
      };
    }
  }
}

/** Parses the head's text (without the blank line). */
export function parseHead(text: string): RequestHead {
  const lines = text.split("\r\n");
  const requestLine = lines[0].split(" ");
  if (
    requestLine.length !== 3 || !TOKEN.test(requestLine[0]) ||
    !/^HTTP\/1\.[01]$/.test(requestLine[2])
  ) {
    throw new HeadError(400, "malformed request line");
  }
  const headers = new Map<string, string>();
  for (let i = 1; i < lines.length; i++) {
    const colon = lines[i].indexOf(":");
    const name = lines[i].slice(0, colon).toLowerCase();
    if (colon <= 0 || !TOKEN.test(name)) throw new HeadError(400, "malformed header line");
    const value = lines[i].slice(colon + 1).trim();
    const seen = headers.get(name);
    headers.set(name, seen === undefined ? value : `${seen}, ${value}`);
  }
  return { method: requestLine[0], target: requestLine[1], headers };
}

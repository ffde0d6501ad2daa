/**
 * Where the gateway's upstream is: `--upstream redis://[user:pass@]host:port[/db]` (or
 * `rediss://` for TLS) for one Redis, `--upstream-cluster host:port[,host:port…]` for the
 * seed nodes of a Redis Cluster. Parsing only; connections live in upstream_connection.ts.
 */

/** One upstream node and how to log in to it. */
export interface UpstreamAddress {
  readonly host: string;
  readonly port: number;
  readonly tls: boolean;
  readonly user: string | null;
  readonly password: string | null;
  /** The database every connection selects first (redis://…/db); 0 by default. */
  readonly db: number;
  /** For `tls`: the CA certificates (PEM) to trust instead of the system's, a client certificate. */
  readonly tlsOptions?: UpstreamTls;
}

/** What a TLS connection to the upstream trusts and shows (PEM text). */
export interface UpstreamTls {
  readonly caCerts?: string[];
  readonly cert?: string;
  readonly key?: string;
}

/** The TLS settings from --upstream-tls-* files (read now), or undefined when none is set. */
export function upstreamTls(files: {
  upstreamTlsCaCertFile: string | null;
  upstreamTlsCertFile: string | null;
  upstreamTlsKeyFile: string | null;
}): UpstreamTls | undefined {
  const read = (path: string | null) => path === null ? undefined : Deno.readTextFileSync(path);
  const ca = read(files.upstreamTlsCaCertFile);
  const cert = read(files.upstreamTlsCertFile);
  const key = read(files.upstreamTlsKeyFile);
  if (ca === undefined && cert === undefined) return undefined;
  return { caCerts: ca === undefined ? undefined : [ca], cert, key };
}

/** A malformed --upstream / --upstream-cluster value. */
export class UpstreamAddressError extends Error {}

/** `host:port` of an address, as logs, INFO and CLUSTER replies write it. */
export function addressKey(a: { host: string; port: number }): string {
  return `${a.host.includes(":") ? `[${a.host}]` : a.host}:${a.port}`;
}

/** Parses `redis://[user:pass@]host:port[/db]` (also `rediss://` and a bare `host:port`). */
export function parseUpstreamUrl(text: string): UpstreamAddress {
  const bare = !/^[a-z]+:\/\//i.test(text);
  let url: URL;
  try {
    url = new URL(bare ? `redis://${text}` : text);
  } catch {
    throw new UpstreamAddressError(`not a redis:// URL: '${text}'`);
  }
  if (url.protocol !== "redis:" && url.protocol !== "rediss:") {
    throw new UpstreamAddressError(`the upstream must be redis:// or rediss://, got '${text}'`);
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  if (host === "") throw new UpstreamAddressError(`no host in '${text}'`);
  const port = url.port === "" ? 6379 : Number(url.port);
  const path = url.pathname.replace(/^\//, "");
  if (path !== "" && !/^\d+$/.test(path)) {
    throw new UpstreamAddressError(`the database in '${text}' must be a number`);
  }
  const user = url.username === "" ? null : decodeURIComponent(url.username);
  const password = url.password === "" ? null : decodeURIComponent(url.password);
  return {
    host,
    port,
    tls: url.protocol === "rediss:",
    // redis://:pass@host means the default user, as redis-cli reads it
    user: password !== null && user === null ? "default" : user,
    password,
    db: path === "" ? 0 : Number(path),
  };
}

/** Parses `host:port[,host:port…]`, the seed nodes of a cluster. */
export function parseClusterSeeds(text: string): UpstreamAddress[] {
  const seeds = text.split(",").map((s) => s.trim()).filter((s) => s !== "");
  if (seeds.length === 0) throw new UpstreamAddressError("--upstream-cluster needs host:port");
  return seeds.map((s) => {
    const a = parseUpstreamUrl(s);
    if (a.db !== 0) throw new UpstreamAddressError("a Redis Cluster has only database 0");
    return a;
  });
}

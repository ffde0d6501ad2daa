/**
 * TLS for respd's ports: the RESP port's `--tls-port` and, when given a certificate, the
 * HTTP/WebSocket port (https:// and wss://). A TLS connection becomes a `ByteConn`, the
 * same narrow read/write/close shape as a `Deno.TcpConn`, so the RESP session reads it
 * through the same BYOB framing layer as plain TCP, and the HTTP port serves it with the
 * same code.
 *
 * Why node:tls and not Deno.listenTls: Deno 2.9's `Deno.listenTls` takes only a
 * certificate, a key and ALPN protocols; it cannot request or verify client certificates
 * (`tls-auth-clients yes|optional`), and its certificate is fixed for the listener's life.
 * Deno's node:tls server does both (`requestCert`, `ca`, `rejectUnauthorized`,
 * `setSecureContext`: new connections get a new certificate). Its listener binds
 * asynchronously, hence `TlsListener.ready`. Its throughput is below Redis's TLS
 * (BENCHMARKS.md, "TLS").
 *
 * Client certificates (`tls-auth-clients`, as Redis): `no` asks for none; `yes` requires
 * one signed by `tls-ca-cert-file` (the handshake fails otherwise); `optional` asks, and a
 * certificate that is sent must verify (the connection is closed right after the handshake
 * otherwise: node:tls reports it only then), while a client sending none is admitted.
 *
 * A client that is not speaking TLS (a plaintext RESP client on the TLS port) fails the
 * handshake: its socket is closed and logged at verbose; nothing else notices.
 */

import tls from "node:tls";
import { createPrivateKey, X509Certificate } from "node:crypto";
import type { Socket } from "node:net";

import type { ServerConfig, TlsAuthClients } from "../config.ts";
import type { ByteConn } from "./transport.ts";
import type { TlsAcceptor, TlsAcceptorOptions } from "./tls_acceptor.ts";

/** What a TLS context is built from (redis.conf's tls-* parameters). */
export type TlsSettings = Pick<
  ServerConfig,
  "tlsCertFile" | "tlsKeyFile" | "tlsCaCertFile" | "tlsAuthClients"
>;

/** The HTTPS port's own certificate and key (null: the RESP port's tls-cert-file/-key-file). */
export type WebTlsSettings = Pick<
  ServerConfig,
  "tlsCertFile" | "tlsKeyFile" | "wsTlsCertFile" | "wsTlsKeyFile"
>;

/**
 * The HTTPS port's context: `ws-tls-cert-file`/`ws-tls-key-file`, each falling back to the
 * RESP port's file; browsers are not asked for client certificates.
 */
export function loadWebTlsContext(settings: Readonly<WebTlsSettings>): tls.SecureContextOptions {
  return loadTlsContext({
    tlsCertFile: settings.wsTlsCertFile ?? settings.tlsCertFile,
    tlsKeyFile: settings.wsTlsKeyFile ?? settings.tlsKeyFile,
    tlsCaCertFile: null,
    tlsAuthClients: "no",
  });
}

/** Why TLS could not be configured: a file missing or unreadable, a key that does not fit. */
export class TlsConfigError extends Error {}

/** Handshakes taking longer than this are dropped (a peer that connects and says nothing). */
export const TLS_HANDSHAKE_TIMEOUT_MS = 10_000;

/**
 * The context options read from the files `settings` names, for a port verifying client
 * certificates as `authClients` says; throws TlsConfigError.
 */
export function loadTlsContext(
  settings: Readonly<TlsSettings>,
  authClients = settings.tlsAuthClients,
): tls.SecureContextOptions {
  const files = {
    certFile: settings.tlsCertFile,
    keyFile: settings.tlsKeyFile,
    caCertFile: settings.tlsCaCertFile,
  };
  if (files.certFile === null || files.keyFile === null) {
    throw new TlsConfigError("tls-cert-file and tls-key-file are required for TLS");
  }
  const read = (what: string, path: string): string => {
    try {
      return Deno.readTextFileSync(path);
    } catch (e: unknown) {
      throw new TlsConfigError(`${what} '${path}': ${e instanceof Error ? e.message : e}`);
    }
  };
  const options: tls.SecureContextOptions = {
    cert: read("tls-cert-file", files.certFile),
    key: read("tls-key-file", files.keyFile),
  };
  if (files.caCertFile !== null) options.ca = read("tls-ca-cert-file", files.caCertFile);
  else if (authClients !== "no") {
    // Redis's words (tls.c)
    throw new TlsConfigError(
      "Either tls-ca-cert-file or tls-ca-cert-dir must be specified when tls-cluster, " +
        "tls-replication or tls-auth-clients are enabled!",
    );
  }
  // Deno's createSecureContext checks nothing, and a listener with a bad pair would fail
  // every handshake: PEM that does not parse and a key that is not the certificate's are
  // refused here, as OpenSSL refuses them for Redis.
  try {
    const leaf = new X509Certificate(options.cert as string);
    if (!leaf.checkPrivateKey(createPrivateKey(options.key as string))) {
      throw new Error("the private key does not match the certificate");
    }
    if (options.ca !== undefined) new X509Certificate(options.ca as string);
  } catch (e: unknown) {
    throw new TlsConfigError(`invalid certificate or key: ${e instanceof Error ? e.message : e}`);
  }
  return options;
}

/** Received data held while nobody reads, before the socket is paused. */
const HIGH_WATER = 256 * 1024;

/** A server-side TLS socket (after its handshake) as a `ByteConn`. */
export class TlsConn implements ByteConn {
  readonly readable: ReadableStream<Uint8Array>;
  readonly remoteAddr: Deno.NetAddr;
  readonly localAddr: Deno.NetAddr;
  #socket: tls.TLSSocket;
  /** Chunks received and not yet read; the first one from `#offset`. */
  #chunks: Uint8Array[] = [];
  #offset = 0;
  #queued = 0;
  #ended = false;
  #error: Error | null = null;
  #wake: (() => void) | null = null;
  #closed = false;

  constructor(socket: tls.TLSSocket) {
    this.#socket = socket;
    this.remoteAddr = netAddr(socket.remoteAddress, socket.remotePort);
    this.localAddr = netAddr(socket.localAddress, socket.localPort);
    socket.on("data", (chunk: Uint8Array) => {
      this.#chunks.push(chunk);
      this.#queued += chunk.length;
      if (this.#queued >= HIGH_WATER) socket.pause();
      this.#notify();
    });
    socket.on("end", () => {
      this.#ended = true;
      this.#notify();
    });
    socket.on("close", () => {
      this.#ended = true;
      this.#closed = true;
      this.#notify();
    });
    socket.on("error", (e: Error) => {
      this.#error ??= e;
      this.#notify();
    });
    this.readable = new ReadableStream({
      type: "bytes",
      pull: async (c) => {
        const request = c.byobRequest!;
        const n = await this.read(request.view as Uint8Array).catch(() => null);
        if (n === null) {
          c.close();
          request.respond(0);
        } else request.respond(n);
      },
      cancel: () => this.close(),
    });
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }

  async read(p: Uint8Array): Promise<number | null> {
    while (this.#chunks.length === 0) {
      if (this.#error !== null) throw this.#error;
      if (this.#ended) return null;
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
    let n = 0;
    while (n < p.length && this.#chunks.length > 0) {
      const chunk = this.#chunks[0];
      const take = Math.min(chunk.length - this.#offset, p.length - n);
      p.set(chunk.subarray(this.#offset, this.#offset + take), n);
      n += take;
      this.#offset += take;
      if (this.#offset === chunk.length) {
        this.#chunks.shift();
        this.#offset = 0;
      }
    }
    this.#queued -= n;
    if (this.#queued < HIGH_WATER && this.#socket.isPaused()) this.#socket.resume();
    return n;
  }

  write(p: Uint8Array): Promise<number> {
    if (this.#closed || this.#socket.destroyed) {
      return Promise.reject(new Deno.errors.BrokenPipe("TLS connection closed"));
    }
    // The caller reuses `p` once this settles: node's stream keeps the view until then.
    return new Promise((resolve, reject) => {
      this.#socket.write(p, (e?: Error | null) => (e ? reject(e) : resolve(p.length)));
    });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#ended = true;
    this.#socket.destroy();
    this.#notify();
  }

  setNoDelay(on = true): void {
    this.#socket.setNoDelay(on);
  }
}

function netAddr(hostname: string | undefined, port: number | undefined): Deno.NetAddr {
  return { transport: "tcp", hostname: hostname ?? "", port: port ?? 0 };
}

/**
 * A node:tls listener (for `tls-auth-clients yes|optional`): binds, hands over connections
 * whose handshake passed, and takes a new context or client-certificate mode in place.
 */
export class NodeTlsListener implements TlsAcceptor {
  readonly ready: Promise<void>;
  #server: tls.Server;
  #authClients: TlsAuthClients;
  /**
   * Sockets accepted and not handed over yet (in their handshake), with their peer's
   * address (gone from a socket once it failed), so `close()` can end them.
   */
  #handshaking = new Map<Socket, string>();

  constructor(readonly options: TlsAcceptorOptions) {
    this.#authClients = options.authClients;
    this.#server = tls.createServer({
      ...options.context,
      ...authOptions(options.authClients),
      handshakeTimeout: TLS_HANDSHAKE_TIMEOUT_MS,
    }, (socket) => this.#accepted(socket));
    this.#server.on("connection", (socket: Socket) => {
      socket.setNoDelay(true); // on the TCP socket itself: replies leave at once, as on TCP
      this.#handshaking.set(socket, `${socket.remoteAddress}:${socket.remotePort}`);
      socket.once("close", () => this.#handshaking.delete(socket));
    });
    this.#server.on("tlsClientError", (e: Error, socket: Socket) => {
      const raw = (socket as unknown as { _parent?: Socket })._parent ?? socket;
      const peer = this.#handshaking.get(raw) ?? "a client";
      options.log(`TLS handshake with ${peer} failed: ${e.message}`);
    });
    this.ready = new Promise((resolve, reject) => {
      this.#server.once("error", reject);
      this.#server.listen(options.port, options.hostname, () => {
        this.#server.off("error", reject);
        this.#server.on(
          "error",
          (e: Error) => options.warn(`${options.name} listener: ${e.message}`),
        );
        resolve();
      });
    });
  }

  /** The port bound (0 until `ready`). */
  get port(): number {
    const addr = this.#server.address();
    return addr !== null && typeof addr === "object" ? addr.port : 0;
  }

  #accepted(socket: tls.TLSSocket): void {
    // node:tls wraps the accepted socket (its `_parent`), which is past its handshake now.
    const raw = (socket as unknown as { _parent?: Socket })._parent;
    if (raw !== undefined) this.#handshaking.delete(raw);
    if (this.#authClients === "optional" && !socket.authorized) {
      // A certificate that was sent must verify; none at all is fine.
      const peer = socket.getPeerCertificate();
      if (peer !== null && Object.keys(peer).length > 0) {
        this.options.log(
          `TLS client ${socket.remoteAddress}:${socket.remotePort} refused: its certificate ` +
            `did not verify (${socket.authorizationError})`,
        );
        socket.destroy();
        return;
      }
    }
    socket.setNoDelay(true);
    this.options.onConnection(new TlsConn(socket));
  }

  /** New connections get this context and client-certificate mode; open ones keep theirs. */
  reload(context: tls.SecureContextOptions, authClients: TlsAuthClients): void {
    this.#server.setSecureContext(context);
    const auth = authOptions(authClients);
    const server = this.#server as unknown as { requestCert: boolean; rejectUnauthorized: boolean };
    server.requestCert = auth.requestCert;
    server.rejectUnauthorized = auth.rejectUnauthorized;
    this.#authClients = authClients;
  }

  /**
   * Stops accepting and drops connections still in their handshake; connections handed
   * over are their owners' to close. node's own close callback waits for every connection
   * to end, so this settles a turn later instead (the listening socket is closed by then).
   */
  close(): Promise<void> {
    this.#server.close();
    for (const socket of this.#handshaking.keys()) socket.destroy();
    this.#handshaking.clear();
    return new Promise((resolve) => setTimeout(resolve, 0));
  }
}

function authOptions(mode: TlsAuthClients): { requestCert: boolean; rejectUnauthorized: boolean } {
  return { requestCert: mode !== "no", rejectUnauthorized: mode === "yes" };
}

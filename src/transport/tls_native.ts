/**
 * A TLS port on Deno's own TLS (`Deno.listenTls`, rustls), used whenever no client
 * certificate is asked for (`tls-auth-clients no`, and the HTTPS port): its connections are
 * `Deno.TlsConn`s, read through `conn.readable` with the session's BYOB reader exactly as a
 * plain `Deno.TcpConn` is, with no JavaScript stream layer in between. Measured against
 * node:tls on the same session (BENCHMARKS.md, "TLS"): the node:tls socket encrypts in
 * JavaScript-driven `writeBuffer` calls (a third of the session's thread in a profile) and
 * hands reads over as events that tls.ts turns back into a stream; here both are one op.
 *
 * What Deno's TLS cannot do, and where node:tls (tls.ts) is used instead: ask for or
 * verify client certificates (`tls-auth-clients yes|optional`), and change the certificate
 * of a bound listener. A new certificate here means a new listener on the same port
 * (tls_port.ts). Deno's TLS connection has no `setNoDelay`; respd writes each batch's
 * replies in one write, so Nagle's algorithm does not hold replies back.
 *
 * The handshake is awaited before the connection is handed over, so a peer that is not
 * speaking TLS (a plaintext client on the TLS port) or presents garbage fails here: it is
 * logged at verbose and closed, and never becomes a client.
 */

import { acceptLoop } from "./accept_loop.ts";
import { formatAddr } from "./tcp.ts";
import { TLS_HANDSHAKE_TIMEOUT_MS, TlsConfigError } from "./tls.ts";
import type { TlsAcceptor, TlsAcceptorOptions } from "./tls_acceptor.ts";

/** A bound `Deno.listenTls` listener handing over connections whose handshake passed. */
export class NativeTlsListener implements TlsAcceptor {
  readonly ready: Promise<void> = Promise.resolve();
  readonly #listener: Deno.TlsListener;
  readonly #loop: Promise<void>;
  #stopped = false;
  /** Connections accepted whose handshake is still going on (closed by `close()`). */
  readonly #handshaking = new Set<Deno.TlsConn>();

  /**
   * Binds now: throws Deno's bind errors (AddrInUse …) as they are, and TlsConfigError when
   * Deno's TLS refuses the certificate or key.
   */
  constructor(readonly options: TlsAcceptorOptions) {
    const { cert, key } = options.context;
    if (typeof cert !== "string" || typeof key !== "string") {
      throw new TlsConfigError("the certificate and key must be PEM text");
    }
    try {
      this.#listener = Deno.listenTls({
        hostname: options.hostname,
        port: options.port,
        cert,
        key,
      });
    } catch (e: unknown) {
      if (e instanceof Error && (e as { code?: unknown }).code !== undefined) throw e; // bind
      throw new TlsConfigError(`invalid certificate or key: ${e instanceof Error ? e.message : e}`);
    }
    this.#loop = acceptLoop(this.#listener, (conn) => void this.#handshake(conn), {
      name: options.name,
      warn: options.warn,
      stopped: () => this.#stopped,
    });
  }

  get port(): number {
    return this.#listener.addr.port;
  }

  async #handshake(conn: Deno.TlsConn): Promise<void> {
    this.#handshaking.add(conn);
    const timer = setTimeout(() => closeQuietly(conn), TLS_HANDSHAKE_TIMEOUT_MS);
    let peer = "a client";
    try {
      peer = formatAddr(conn.remoteAddr);
      await conn.handshake();
    } catch (e: unknown) {
      this.options.log(
        `TLS handshake with ${peer} failed: ${e instanceof Error ? e.message : String(e)}`,
      );
      closeQuietly(conn);
      return;
    } finally {
      clearTimeout(timer);
      this.#handshaking.delete(conn);
    }
    if (this.#stopped) return closeQuietly(conn);
    this.options.onConnection(conn);
  }

  /**
   * Stops accepting and drops connections still in their handshake (those handed over are
   * their owners'). Settles once the port is free to bind again.
   */
  close(): Promise<void> {
    if (!this.#stopped) {
      this.#stopped = true;
      closeQuietly(this.#listener);
      for (const conn of this.#handshaking) closeQuietly(conn);
      this.#handshaking.clear();
    }
    return this.#loop;
  }
}

function closeQuietly(c: { close(): void }): void {
  try {
    c.close();
  } catch {
    // already closed
  }
}

/**
 * The shape both TLS listeners share (Deno's own in tls_native.ts, node:tls's in tls.ts),
 * so that a TLS port (tls_port.ts) can swap one for the other at run time.
 */

import type { SecureContextOptions } from "node:tls";
import type { TlsAuthClients } from "../config.ts";
import type { ByteConn } from "./transport.ts";

/** What a TLS listener is made from. */
export interface TlsAcceptorOptions {
  /** For log lines: "TLS" (the RESP port) or "HTTPS". */
  name: string;
  hostname: string;
  /** 0 picks a free port. */
  port: number;
  /** PEM text from loadTlsContext. */
  context: SecureContextOptions;
  /** Client certificates (node:tls only; Deno's listener serves `no`). */
  authClients: TlsAuthClients;
  /** A connection whose handshake (and client certificate, if any) passed. */
  onConnection: (conn: ByteConn) => void;
  /** Handshake failures and refused client certificates (server.log at verbose). */
  log: (message: string) => void;
  /** Trouble accepting (server.log at warning). */
  warn: (message: string) => void;
}

/** A bound TLS listener. */
export interface TlsAcceptor {
  /** Settles once bound; rejects when the address cannot be bound. */
  readonly ready: Promise<void>;
  /** The port bound (0 until `ready`). */
  readonly port: number;
  /**
   * Stops accepting and drops connections still in their handshake; settles once the port
   * is released (or soon after, see tls_port.ts's retry).
   */
  close(): Promise<void>;
}

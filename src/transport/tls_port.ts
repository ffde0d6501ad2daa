/**
 * One TLS port (the RESP port's `tls-port`, or the HTTPS port) whose port, certificate and
 * client-certificate mode change while the server runs, as Redis 7 lets CONFIG SET change
 * `tls-port` and the tls-* files: new connections get the new settings, open ones keep
 * theirs.
 *
 * Which listener serves it: Deno's own (tls_native.ts) when no client certificate is asked
 * for, being the faster; node:tls (tls.ts) for `tls-auth-clients yes|optional`. So a change
 * may need a new listener:
 * - another port: the new listener is bound first (a port in use fails at once with
 *   TlsBindError, and the old port stays), then the old one is closed, as Redis's
 *   changeListener does;
 * - the same port with another certificate on Deno's listener (which cannot change its
 *   certificate), or a switch between the two kinds: the old listener is closed and a new
 *   one bound once the old has let go of the port. Connections arriving in that moment
 *   (one event-loop turn) are refused; `ready` settles once the new listener is bound;
 * - the same port on node:tls with another context or mode: changed in place.
 */

import type { SecureContextOptions } from "node:tls";
import type { TlsAuthClients } from "../config.ts";
import { NodeTlsListener } from "./tls.ts";
import { NativeTlsListener } from "./tls_native.ts";
import type { TlsAcceptor, TlsAcceptorOptions } from "./tls_acceptor.ts";

/** The port could not be bound (in use, not allowed); the port as it was stays. */
export class TlsBindError extends Error {}

/** What a TLS port serves: where, with which context, asking for which certificates. */
export interface TlsPortSettings {
  /** 0 picks a free port. */
  port: number;
  context: SecureContextOptions;
  authClients: TlsAuthClients;
}

export type TlsPortOptions = Omit<TlsAcceptorOptions, "port" | "context" | "authClients">;

/** How long a same-port rebind keeps trying while the old listener lets go of the port. */
const REBIND_TRIES = 100;
const REBIND_PAUSE_MS = 10;

/** A TLS port that may be closed, moved or given new certificates at run time. */
export class TlsPort {
  #acceptor: TlsAcceptor | null = null;
  #settings: TlsPortSettings | null = null;
  /** The port during a same-port rebind, when no listener holds it. */
  #rebinding: number | null = null;
  #ready: Promise<void> = Promise.resolve();

  constructor(readonly options: TlsPortOptions) {}

  /** The port bound; 0 when closed. */
  get port(): number {
    return this.#rebinding ?? this.#acceptor?.port ?? 0;
  }

  /** Whether a TLS port is configured (it may be rebinding). */
  get open(): boolean {
    return this.#settings !== null;
  }

  /** Settles once the latest change is bound; rejects when binding failed. */
  get ready(): Promise<void> {
    return this.#ready;
  }

  /**
   * Serves `next` from now on, or closes the port (null). Throws TlsBindError when a
   * different port cannot be bound, and TlsConfigError when the TLS layer refuses the
   * certificate; in both cases nothing changed.
   */
  configure(next: TlsPortSettings | null): void {
    if (this.#rebinding !== null) {
      // a same-port rebind is still going on: this change follows it
      const after = this.#ready.catch(() => {}).then(() => this.configure(next));
      this.#ready = after;
      after.catch((e: unknown) => this.options.warn(`${this.options.name} port: ${message(e)}`));
      return;
    }
    const current = this.#acceptor;
    const was = this.#settings;
    if (next === null) {
      this.#acceptor = null;
      this.#settings = null;
      this.#ready = current?.close() ?? Promise.resolve();
      return;
    }
    if (current === null || was === null || (next.port !== 0 && next.port !== current.port)) {
      const made = this.#make(next, true);
      this.#acceptor = made;
      this.#settings = next;
      this.#ready = made.ready;
      void current?.close();
      return;
    }
    const port = current.port;
    const settings = { ...next, port };
    if (native(was.authClients) === native(next.authClients)) {
      if (current instanceof NodeTlsListener) {
        current.reload(next.context, next.authClients);
        this.#settings = settings;
        return;
      }
      if (sameContext(was.context, next.context)) {
        this.#settings = settings;
        return;
      }
    }
    // Deno's listener cannot change its certificate, nor become a node:tls one: rebind.
    this.#acceptor = null;
    this.#settings = settings;
    this.#rebinding = port;
    this.#ready = (async () => {
      try {
        await current.close();
        const made = await this.#rebind(settings);
        this.#acceptor = made;
        await made.ready;
      } finally {
        this.#rebinding = null;
      }
    })();
    this.#ready.catch((e: unknown) => {
      this.options.warn(
        `${this.options.name} port ${port} could not be bound again: ${message(e)}`,
      );
    });
  }

  /** Closes the port; settles once it is released. */
  close(): Promise<void> {
    this.configure(null);
    return this.#ready;
  }

  #make(settings: TlsPortSettings, probe: boolean): TlsAcceptor {
    const options: TlsAcceptorOptions = { ...this.options, ...settings };
    try {
      if (native(settings.authClients)) return new NativeTlsListener(options);
      // node:tls binds asynchronously: see now whether the port is free, so that a port in
      // use is refused at once (CONFIG SET), as Deno's listener does.
      if (probe && settings.port !== 0) {
        Deno.listen({ hostname: this.options.hostname, port: settings.port }).close();
      }
      return new NodeTlsListener(options);
    } catch (e: unknown) {
      if (e instanceof Error && (e as { code?: unknown }).code !== undefined) {
        throw new TlsBindError(`${this.options.hostname}:${settings.port}: ${e.message}`);
      }
      throw e;
    }
  }

  /** A listener on the port the old one is letting go of: retried while it is still held. */
  async #rebind(settings: TlsPortSettings): Promise<TlsAcceptor> {
    for (let i = 1;; i++) {
      try {
        return this.#make(settings, true);
      } catch (e: unknown) {
        if (!(e instanceof TlsBindError) || i >= REBIND_TRIES) throw e;
        await new Promise((resolve) => setTimeout(resolve, REBIND_PAUSE_MS));
      }
    }
  }
}

/** Deno's listener serves the modes that ask for no client certificate. */
function native(authClients: TlsAuthClients): boolean {
  return authClients === "no";
}

function sameContext(a: SecureContextOptions, b: SecureContextOptions): boolean {
  return a.cert === b.cert && a.key === b.key && a.ca === b.ca;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * A bystander for hardening tests: a client that keeps sending PING while an attack runs,
 * so a test can show that everyone else was still served (every PING answered, and how
 * long the slowest took).
 */

import { RawClient } from "./raw_client.ts";

/** Pings `port` every `everyMs` until stopped. */
export class Bystander implements AsyncDisposable {
  pings = 0;
  worstMs = 0;
  failure: string | null = null;
  #stopped = false;
  #loop: Promise<void>;

  private constructor(readonly client: RawClient, everyMs: number) {
    this.#loop = this.#run(everyMs);
  }

  /** Starts pinging `port` (after AUTH when `password` is given). */
  static async start(port: number, password?: string, everyMs = 20): Promise<Bystander> {
    const client = await RawClient.connect(port);
    if (password !== undefined) {
      const reply = await client.call("AUTH", password);
      if (reply !== "+OK\r\n") throw new Error(`AUTH answered ${JSON.stringify(reply)}`);
    }
    return new Bystander(client, everyMs);
  }

  async #run(everyMs: number): Promise<void> {
    while (!this.#stopped) {
      const t0 = performance.now();
      try {
        const reply = await this.client.call("PING");
        if (reply !== "+PONG\r\n") throw new Error(`PING answered ${JSON.stringify(reply)}`);
      } catch (e: unknown) {
        this.failure ??= e instanceof Error ? e.message : String(e);
        return;
      }
      this.pings++;
      this.worstMs = Math.max(this.worstMs, performance.now() - t0);
      await new Promise((r) => setTimeout(r, everyMs));
    }
  }

  /** Stops pinging; throws if a PING failed or was never answered. */
  async stop(): Promise<{ pings: number; worstMs: number }> {
    this.#stopped = true;
    await this.#loop;
    if (this.failure !== null) throw new Error(`the bystander's PING failed: ${this.failure}`);
    if (this.pings === 0) throw new Error("the bystander's PING was never answered");
    return { pings: this.pings, worstMs: this.worstMs };
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.#stopped = true;
    await this.#loop.catch(() => {});
    this.client.close();
  }
}

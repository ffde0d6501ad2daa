/**
 * The checks between finding a command and running it, in Redis's order (processCommand):
 * authentication (`NOAUTH`), the WebSocket command policy (`NOPERM`), then maxmemory
 * (eviction, `OOM`). Unknown commands and arity errors come first, as in Redis, so an
 * unauthenticated client still learns that `FOO` does not exist.
 */

import type { CommandSpec } from "../commands/command.ts";
import { runCommand } from "../commands/dispatch.ts";
import type { Session } from "../session.ts";
import { noPermission } from "./policy.ts";

export const NOAUTH_ERROR = "NOAUTH Authentication required.";

/** The error that stops `spec` before it runs (NOAUTH, NOPERM), or null. */
export function admissionError(spec: CommandSpec, session: Session): string | null {
  if (!session.authenticated && !spec.flags.includes("no_auth")) return NOAUTH_ERROR;
  if (session.transport.kind === "ws") {
    const policy = session.server.wsPolicy;
    if (policy !== null && !policy.allows(spec)) return noPermission(spec);
  }
  return null;
}

/** Runs an admitted command, through the maxmemory guard when a limit is set. */
export function runAdmitted(spec: CommandSpec, argv: readonly string[], session: Session): void {
  const memory = session.server.memory;
  if (!memory.active) return runCommand(spec, argv, session);
  const refused = memory.runCommand(spec, argv, session.db, () => runCommand(spec, argv, session));
  if (refused !== null) session.reply.error(refused);
}

/**
 * The ACL log (ACL LOG): denied commands, keys, channels and failed logins, newest first,
 * as Redis 7.0 keeps it. An event like one of the 10 newest entries (same reason, context,
 * object and user, within 60 s) bumps that entry's count and moves it to the front instead
 * of adding one; the log keeps at most `acllog-max-len` entries.
 */

import { DENIED_AUTH, DENIED_CHANNEL, DENIED_CMD, DENIED_KEY } from "./user.ts";

/** Where the denied command ran. */
export type AclLogContext = "toplevel" | "multi" | "lua";

export interface AclLogEntry {
  count: number;
  reason: number;
  context: AclLogContext;
  object: string;
  username: string;
  /** ms since the epoch of the last event. */
  ctime: number;
  /** The client, as a CLIENT LIST line. */
  clientInfo: string;
}

const GROUPING_MS = 60_000;

/** ACL LOG's `reason` field. */
export function reasonName(reason: number): string {
  switch (reason) {
    case DENIED_CMD:
      return "command";
    case DENIED_KEY:
      return "key";
    case DENIED_CHANNEL:
      return "channel";
    case DENIED_AUTH:
      return "auth";
    default:
      return "unknown";
  }
}

export class AclLog {
  /** Newest first. */
  entries: AclLogEntry[] = [];

  constructor(readonly maxLen: () => number) {}

  add(entry: Omit<AclLogEntry, "count">): void {
    const scan = Math.min(10, this.entries.length);
    for (let i = 0; i < scan; i++) {
      const e = this.entries[i];
      if (
        e.reason === entry.reason && e.context === entry.context &&
        Math.abs(e.ctime - entry.ctime) <= GROUPING_MS && e.object === entry.object &&
        e.username === entry.username
      ) {
        e.count++;
        e.ctime = entry.ctime;
        e.clientInfo = entry.clientInfo;
        this.entries.splice(i, 1);
        this.entries.unshift(e);
        return;
      }
    }
    this.entries.unshift({ count: 1, ...entry });
    const max = this.maxLen();
    if (this.entries.length > max) this.entries.length = Math.max(0, max);
  }

  reset(): void {
    this.entries = [];
  }
}

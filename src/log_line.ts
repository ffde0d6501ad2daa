/**
 * Log lines as main.ts writes them: Redis's own format by default, so that tools reading
 * redis-server's logs read respd's, or one JSON object a line (`--log-format json`) for log
 * shippers. Pure: the time and pid come in.
 *
 * Redis's line is `pid:role dd Mon yyyy HH:MM:SS.mmm mark message` in local time, the mark
 * `.` `-` `*` `#` for debug, verbose, notice, warning, the role `M` for the server and `C`
 * before it runs (while the config is read), as Redis's serverLogRaw writes it.
 */

import type { LogFormat, LogLevel } from "./config.ts";

const MARKS: Record<LogLevel, string> = { debug: ".", verbose: "-", notice: "*", warning: "#" };
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** Who writes the line: the running server, or respd before it runs. */
export type LogRole = "M" | "C";

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** One log line (without its newline) in `format`. */
export function formatLogLine(
  format: LogFormat,
  level: LogLevel,
  message: string,
  time: Date,
  pid: number,
  role: LogRole = "M",
): string {
  if (format === "json") {
    return JSON.stringify({
      time: time.toISOString(),
      pid,
      role: role === "M" ? "master" : "main",
      level,
      message,
    });
  }
  const date = `${pad(time.getDate())} ${MONTHS[time.getMonth()]} ${time.getFullYear()}`;
  const clock = `${pad(time.getHours())}:${pad(time.getMinutes())}:${pad(time.getSeconds())}` +
    `.${pad(time.getMilliseconds(), 3)}`;
  return `${pid}:${role} ${date} ${clock} ${MARKS[level]} ${message}`;
}

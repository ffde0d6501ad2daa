/**
 * The transport of clients that have no connection: the script client and the AOF loader
 * run commands as a Session through the same pipeline, and this transport never reads or
 * writes.
 */

import type { Transport } from "./transport.ts";

export const NO_TRANSPORT: Transport = {
  kind: "tcp",
  readable: new ReadableStream(),
  write: () => Promise.resolve(),
  close: () => {},
  abort: () => {},
  // Never registered with the server, so nothing waits for it to close.
  closed: new Promise<void>(() => {}),
  remoteAddress: "",
  localAddress: "",
};

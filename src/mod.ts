/** respd's public API: the server, its options, and the protocol layer's frame types. */

export { type Logger, Server, type ServerOptions, startServer, VERSION } from "./server.ts";
export { DEFAULT_CONFIG, parseMemory, type ServerConfig } from "./config.ts";
export type { Frame } from "./protocol/frame.ts";
export { ProtocolError } from "./protocol/frame.ts";

/**
 * The stream type (store/stream.ts holds the structure). An empty stream is a value of
 * its own in Redis (XGROUP CREATE MKSTREAM, XDEL of the last entry), so it is never an
 * emptied container the database deletes.
 */

import { Stream } from "../stream.ts";
import type { ContainerType } from "../values.ts";

export { Stream as StreamValue } from "../stream.ts";

export const StreamType: ContainerType<Stream> = {
  name: "stream",
  is: (v): v is Stream => typeof v !== "string" && v.kind === "stream",
  encoding: () => "stream",
  copy: (v) => v.copy((g) => g.clone()),
  bytes: (v) => v.bytes(),
  isEmpty: () => false,
  create: () => new Stream(),
};

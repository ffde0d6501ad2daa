import fc from "fast-check";
import { frameArb, mostlyValidStreamArb, splitArb, concatFrames, decodeWhole, split } from "./support/fuzz_frames.ts";
import { startTestServer } from "./support/servers.ts";
import { WsRawClient } from "./support/ws_raw_client.ts";
const arb = fc.tuple(fc.oneof(fc.array(frameArb, { minLength: 1, maxLength: 133, size: "max" }), mostlyValidStreamArb(133)), splitArb);
let got: [any, number[]] | null = null;
await fc.assert(fc.asyncProperty(fc.oneof(fc.array(frameArb, { minLength: 1, maxLength: 133, size: "max" }), mostlyValidStreamArb(133)), splitArb, async (a, b) => { got = [a, b]; throw new Error("x"); }), { seed: 1631994719, path: "100", endOnFailure: true }).catch(() => {});
const [stream, sizes] = got!;
const bytes = concatFrames(stream);
const exp = decodeWhole(bytes, 1 << 20);
console.log("requests", exp.requests.length, "error", exp.error, "consumed", exp.consumed, "of", bytes.length, "sizes", sizes);
Deno.writeFileSync("/tmp/exp/case.bin", bytes);
Deno.writeTextFileSync("/tmp/exp/case.json", JSON.stringify({ sizes, requests: exp.requests }));
const server = startTestServer({ protoMaxBulkLen: 1 << 20, wsPort: 0, logger: (l, m) => console.log("LOG", l, m) });
const ws = await WsRawClient.connect(server.wsPort);
for (const c of split(bytes, sizes)) await ws.send(c);
let n = 0;
try { for (;;) { const r = await ws.readReplyBytes(3000); n++; console.log(n, JSON.stringify(String.fromCharCode(...r)).slice(0, 100)); } } catch (e) { console.log("after", n, "replies:", String(e)); }
await ws.end(); await server.shutdown();

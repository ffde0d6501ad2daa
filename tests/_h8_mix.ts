import { startTestServer } from "./support/servers.ts";
import { connectResp } from "./support/ws_raw_client.ts";
import { encodeCommand } from "../src/protocol/frame_codec.ts";
const server = startTestServer({ wsPort: 0 });
const tcp = await Promise.all(Array.from({ length: 500 }, () => connectResp("tcp", server.port)));
const deadline = performance.now() + 3000;
const ping = encodeCommand(["PING"]);
const first: number[] = [];
const t0 = performance.now();
setTimeout(() => {
  const s = [...server.sessions.values()];
  console.log("at 1s: sessions", s.length, "that ran a command", s.filter((x) => x.lastCommand !== "NULL").length, "clients with a reply", first.length);
}, 1000);
const res = await Promise.all(tcp.map(async (c) => { let r = 0; while (performance.now() < deadline) { await c.send(ping); await c.readReplyBytes(20000); if (r === 0) first.push(performance.now() - t0); r++; } return r; }));
first.sort((a, b) => a - b);
console.log("first reply ms: p50", first[250].toFixed(0), "p90", first[450].toFixed(0), "max", first[499].toFixed(0), "rounds min", Math.min(...res), "max", Math.max(...res));
await Promise.all(tcp.map((c) => c.end()));
await server.shutdown();

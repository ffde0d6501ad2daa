import { startServer } from "./src/server.ts";
import { encodeCommand } from "./src/protocol/frame_codec.ts";
const target = Deno.args[0];
const server = target === "respd" ? startServer({ port: 0, wsPort: 0 }) : null;
const port = server ? server.port : Number(target);
const wsMode = Deno.args[1] ?? "tcp";
const N = 20000, SUBS = 100, MSG = "x".repeat(100);
const one = encodeCommand(["PUBLISH", "ch", MSG]);
const frameLen = `*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$100\r\n${MSG}\r\n`.length;
const done: Promise<void>[] = [];
const closers: (() => void)[] = [];
for (let i = 0; i < SUBS; i++) {
  const want = frameLen * N + "*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n".length;
  const { promise, resolve } = Promise.withResolvers<void>();
  const ready = Promise.withResolvers<void>();
  let got = 0;
  if (wsMode === "tcp" || i % 2 === 0) {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    await conn.write(encodeCommand(["SUBSCRIBE", "ch"]));
    (async () => { const b = new Uint8Array(1 << 16); try { for (;;) { const n = await conn.read(b); if (n === null) break; if (got === 0) ready.resolve(); got += n; if (got >= want) resolve(); } } catch { /* closed */ } })();
    closers.push(() => conn.close());
  } else {
    const ws = new WebSocket(`ws://127.0.0.1:${server!.wsPort}/ws`); ws.binaryType = "arraybuffer";
    await new Promise((r) => ws.onopen = r);
    ws.onmessage = (e) => { if (got === 0) ready.resolve(); got += (e.data as ArrayBuffer).byteLength; if (got >= want) resolve(); };
    ws.send(encodeCommand(["SUBSCRIBE", "ch"]));
    closers.push(() => ws.close());
  }
  await ready.promise;
  done.push(promise);
}
const pub = await Deno.connect({ hostname: "127.0.0.1", port });
const batch = new Uint8Array(one.length * 100);
for (let i = 0; i < 100; i++) batch.set(one, i * one.length);
const t0 = performance.now();
(async () => { const b = new Uint8Array(1 << 16); try { for (;;) { const n = await pub.read(b); if (n === null) break; } } catch { /* closed */ } })();
for (let i = 0; i < N / 100; i++) { let w = 0; while (w < batch.length) w += await pub.write(batch.subarray(w)); }
await Promise.all(done);
const ms = performance.now() - t0;
console.log(`${target} ${wsMode}: ${N} publishes x ${SUBS} subscribers: ${ms.toFixed(0)} ms, ${(N * SUBS / ms * 1000 / 1e6).toFixed(2)} M deliveries/s`);
for (const c of closers) c(); pub.close();
await new Promise((r) => setTimeout(r, 200));
await server?.shutdown();
Deno.exit(0);

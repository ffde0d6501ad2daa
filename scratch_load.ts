import { Server } from "./src/server.ts";
const [dir, populate] = Deno.args;
if (populate) {
  const port = Number(populate);
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const enc = new TextEncoder();
  const reply = new Uint8Array(64);
  const value = "v".repeat(100);
  for (let i = 0; i < 300000; i += 1000) {
    let cmd = `*2001\r\n$4\r\nMSET\r\n`;
    for (let j = i; j < i + 1000; j++) { const k = `key:${j}`; cmd += `$${k.length}\r\n${k}\r\n$100\r\n${value}\r\n`; }
    await conn.write(enc.encode(cmd)); await conn.read(reply);
  }
  conn.close();
  Deno.exit(0);
}
const s = new Server({ dir });
const t = performance.now();
console.log(s.persistence.load(), ((performance.now() - t) / 1000).toFixed(2), "s");
Deno.exit(0);

/**
 * GET /metrics on the HTTP port: Prometheus's text format, parsed by an npm Prometheus
 * parser (parse-prometheus-text-format), with redis_exporter's names; its counters move
 * with traffic over both transports; it can be turned off or put behind a bearer token.
 * Also: refusals (origin, password, metrics token) are counted and logged once each, with
 * the client's address.
 */

import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { assert, assertEquals } from "./support/assert.ts";
import { RawClient } from "./support/raw_client.ts";
import { connectResp } from "./support/ws_raw_client.ts";
import { startTestServer } from "./support/servers.ts";
import type { LogLevel } from "../src/config.ts";
import { EXPORTER_NAMES } from "../src/stats/exporter_names.ts";

interface Family {
  name: string;
  type: string;
  metrics: { value?: string; labels?: Record<string, string> }[];
}

async function scrape(port: number, token?: string): Promise<Map<string, Family>> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`, {
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  });
  assertEquals(res.status, 200);
  assertEquals(res.headers.get("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  const families = parsePrometheusTextFormat(await res.text()) as Family[];
  return new Map(families.map((f) => [f.name, f]));
}

/** The value of `name` with exactly these labels (0 when absent). */
function value(m: Map<string, Family>, name: string, labels: Record<string, string> = {}): number {
  const family = m.get(name);
  const sample = family?.metrics.find((s) =>
    JSON.stringify(s.labels ?? {}) === JSON.stringify(labels)
  );
  return sample === undefined ? 0 : Number(sample.value);
}

Deno.test("GET /metrics parses as Prometheus text and its counters move with traffic", async () => {
  await using server = startTestServer({ wsPort: 0 });
  const before = await scrape(server.wsPort);
  assertEquals(value(before, "redis_up"), 1);
  assertEquals(before.get("redis_commands_total")?.type, "COUNTER");
  assertEquals(value(before, "redis_connected_clients"), 0);

  using tcp = await RawClient.connect(server.port);
  const ws = await connectResp("ws", server.wsPort);
  try {
    for (let i = 0; i < 5; i++) await tcp.call("SET", `k${i}`, "v");
    await tcp.call("GET", "k1");
    await tcp.call("EXPIRE", "k1", "100");
    await tcp.call("LPUSH", "k2", "x"); // WRONGTYPE
    await ws.sendCommand("SET", "from-ws", "v");
    await ws.readReplyBytes();

    const after = await scrape(server.wsPort);
    assertEquals(value(after, "redis_commands_total", { cmd: "set" }), 6);
    assertEquals(value(after, "redis_commands_total", { cmd: "get" }), 1);
    assertEquals(value(after, "redis_commands_failed_calls_total", { cmd: "lpush" }), 1);
    assertEquals(value(after, "redis_errors_total", { err: "WRONGTYPE" }), 1);
    assert(value(after, "redis_commands_duration_seconds_total", { cmd: "set" }) > 0);
    assertEquals(value(after, "redis_db_keys", { db: "db0" }), 6);
    assertEquals(value(after, "redis_db_keys_expiring", { db: "db0" }), 1);
    assertEquals(value(after, "redis_connected_clients"), 2);
    assertEquals(value(after, "respd_websocket_clients"), 1);
    assertEquals(value(after, "respd_clients", { transport: "tcp" }), 1);
    assert(value(after, "respd_input_bytes_total", { transport: "ws" }) > 0);
    assert(value(after, "respd_output_bytes_total", { transport: "tcp" }) > 0);
    assert(
      value(after, "redis_net_input_bytes_total") >= value(after, "respd_input_bytes_total", {
        transport: "tcp",
      }),
    );
    assert(value(after, "redis_memory_used_bytes") > value(before, "redis_memory_used_bytes"));
    assert(
      value(after, "redis_latency_percentiles_usec", { cmd: "set", quantile: "0.5" }) > 0,
    );
    assert(value(after, "redis_commands_processed_total") > 0);
    assertEquals(value(after, "respd_output_limit_disconnections_total"), 0);
    // GET k1 found its key; the keyspace counters are the exporter's
    assertEquals(value(after, "redis_keyspace_hits_total"), 1);
    assertEquals(value(after, "redis_keyspace_misses_total"), 0);
    assertEquals(after.get("redis_keyspace_hits_total")?.type, "COUNTER");
  } finally {
    await ws.end();
  }
});

Deno.test("/metrics has redis_exporter's series for every INFO field it maps, with INFO's values", async () => {
  await using server = startTestServer({ wsPort: 0 });
  using c = await RawClient.connect(server.port);
  await c.call("SET", "k", "v", "EX", "100");
  await c.call("GET", "nx");
  const reply = await c.call("INFO", "everything");
  const info = new Map(
    reply.split("\r\n").filter((l) => /^\w+:/.test(l)).map((l) => {
      const at = l.indexOf(":");
      return [l.slice(0, at), l.slice(at + 1)];
    }),
  );
  const page = await scrape(server.wsPort);
  // fields that do not move between the INFO above and the scrape
  const steady: [string, string][] = [
    ["keyspace_misses", "redis_keyspace_misses_total"],
    ["used_memory", "redis_memory_used_bytes"],
    ["maxclients", "redis_max_clients"],
    ["expired_keys", "redis_expired_keys_total"],
    ["rdb_last_bgsave_status", "redis_rdb_last_bgsave_status"],
    ["aof_enabled", "redis_aof_enabled"],
    ["repl_backlog_size", "redis_replication_backlog_bytes"],
    ["pubsub_channels", "redis_pubsub_channels"],
    ["process_id", "redis_process_id"],
  ];
  for (const [field, metric] of steady) {
    const expected = field.endsWith("_status") ? 1 : Number(info.get(field));
    assertEquals(value(page, metric), expected, `${metric} (INFO ${field})`);
  }
  for (const [field, [name]] of Object.entries(EXPORTER_NAMES)) {
    if (info.has(field)) assert(page.has(`redis_${name}`), `redis_${name} for INFO ${field}`);
  }
  assertEquals(value(page, "redis_db_avg_ttl_seconds", { db: "db0" }) > 90, true);
  const instance = page.get("redis_instance_info")!.metrics[0].labels!;
  assertEquals(instance.redis_version, "7.0.15");
  assertEquals(instance.maxmemory_policy, "noeviction");
  assertEquals(instance.process_id, String(Deno.pid));
});

Deno.test("/metrics can be off, and behind a bearer token (a refusal is logged once, with the address)", async () => {
  {
    await using off = startTestServer({ wsPort: 0, metrics: false });
    const res = await fetch(`http://127.0.0.1:${off.wsPort}/metrics`);
    assertEquals(res.status, 404);
    await res.body?.cancel();
  }
  const lines: [LogLevel, string][] = [];
  await using server = startTestServer({
    wsPort: 0,
    metricsToken: "s3cret",
    logger: (level, message) => lines.push([level, message]),
  });
  for (const headers of [{}, { authorization: "Bearer wrong" }] as Record<string, string>[]) {
    const res = await fetch(`http://127.0.0.1:${server.wsPort}/metrics`, { headers });
    assertEquals(res.status, 401);
    assertEquals(res.headers.get("www-authenticate"), 'Bearer realm="respd"');
    await res.body?.cancel();
  }
  const m = await scrape(server.wsPort, "s3cret");
  assertEquals(value(m, "respd_refusals_total", { reason: "metrics-auth" }), 2);
  const refusals = lines.filter(([, l]) => l.includes("/metrics without the metrics token"));
  assertEquals(refusals.length, 2);
  assert(
    refusals.every(([, l]) => /HTTP client 127\.0\.0\.1:\d+ refused/.test(l)),
    String(refusals),
  );
});

Deno.test("a WebSocket from a refused origin and a wrong AUTH are logged once each with the address", async () => {
  const lines: string[] = [];
  await using server = startTestServer({
    wsPort: 0,
    requirepass: "pw",
    logger: (_, message) => lines.push(message),
  });
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: server.wsPort });
  try {
    await conn.write(
      new TextEncoder().encode(
        "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" +
          "Origin: http://evil.example\r\n\r\n",
      ),
    );
    const buf = new Uint8Array(512);
    const n = await conn.read(buf);
    assert(new TextDecoder().decode(buf.subarray(0, n ?? 0)).startsWith("HTTP/1.1 403"));
  } finally {
    conn.close();
  }
  using c = await RawClient.connect(server.port);
  assertEquals(
    await c.call("AUTH", "nope"),
    "-WRONGPASS invalid username-password pair or user is disabled.\r\n",
  );
  const origin = lines.filter((l) => l.includes("origin http://evil.example not allowed"));
  assertEquals(origin.length, 1);
  assert(/WebSocket from 127\.0\.0\.1:\d+ refused/.test(origin[0]), origin[0]);
  const auth = lines.filter((l) => l.includes("gave a wrong password"));
  assertEquals(auth.length, 1);
  assert(/addr=127\.0\.0\.1:\d+/.test(auth[0]), auth[0]);
  const m = await scrape(server.wsPort);
  assertEquals(value(m, "respd_refusals_total", { reason: "origin" }), 1);
  assertEquals(value(m, "respd_refusals_total", { reason: "auth" }), 1);
});

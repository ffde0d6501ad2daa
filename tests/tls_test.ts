/**
 * TLS on the RESP port (`--tls-port`), with certificates the test makes with openssl
 * (support/tls_certs.ts): redis-cli --tls, ioredis and node-redis with tls options and
 * redis-benchmark --tls reach the same store as a plain TCP client; client certificates
 * per tls-auth-clients (yes: required and verified, optional: verified when sent, no);
 * a plaintext client on the TLS port is refused without disturbing anyone; CONFIG GET/SET
 * of the tls-* parameters with Redis's replies, and a new certificate for new connections
 * after CONFIG SET tls-cert-file; CONFIG SET tls-port opening, moving and closing the port
 * as a real redis-server does (compared step by step); switching between Deno's TLS
 * listener and node:tls's as tls-auth-clients changes; the https port's own certificate.
 */

import tls from "node:tls";
import { Redis } from "ioredis";
import { createClient } from "redis";
import { assert, assertEquals } from "./support/assert.ts";
import { RawClient } from "./support/raw_client.ts";
import { freePort, run, startRedis, startTestServer } from "./support/servers.ts";
import { makeTestCerts, type TestCerts } from "./support/tls_certs.ts";
import type { Server, ServerOptions } from "../src/server.ts";

/** respd with the plain port and a TLS port on free ports, once both are bound. */
async function startTlsServer(
  certs: TestCerts,
  options: ServerOptions = {},
): Promise<Server> {
  const server = startTestServer({
    tlsPort: 0,
    tlsCertFile: certs.serverCert,
    tlsKeyFile: certs.serverKey,
    tlsCaCertFile: certs.caCert,
    ...options,
  });
  try {
    await server.listening;
  } catch (e: unknown) {
    await server.shutdown();
    throw e;
  }
  return server;
}

/** redis-cli over TLS, with the client certificate unless `cert` says otherwise. */
function cliTls(
  server: Server,
  certs: TestCerts,
  args: string[],
  cert: "client" | "wrong" | "none" = "client",
) {
  const pair = cert === "client"
    ? ["--cert", certs.clientCert, "--key", certs.clientKey]
    : cert === "wrong"
    ? ["--cert", certs.wrongClientCert, "--key", certs.wrongClientKey]
    : [];
  return run("redis-cli", [
    "-h",
    "127.0.0.1",
    "-p",
    String(server.tlsPort),
    "--tls",
    "--cacert",
    certs.caCert,
    ...pair,
    ...args,
  ]);
}

/** The subject CN of the certificate a new TLS connection to `port` is shown. */
function peerName(port: number, certs: TestCerts): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host: "127.0.0.1",
      port,
      servername: "localhost",
      ca: Deno.readTextFileSync(certs.caCert),
      cert: Deno.readTextFileSync(certs.clientCert),
      key: Deno.readTextFileSync(certs.clientKey),
    }, () => {
      const cn = socket.getPeerCertificate().subject?.CN;
      socket.end();
      resolve(String(cn));
    });
    socket.on("error", reject);
  });
}

// `yes` is served by node:tls, `no` by Deno's own TLS (tls_port.ts): both with every client.
for (const authClients of ["yes", "no"] as const) {
  Deno.test(`TLS port (tls-auth-clients ${authClients}): redis-cli, ioredis, node-redis and redis-benchmark share the store with TCP`, async (t) => {
    await using certs = await makeTestCerts();
    await using server = await startTlsServer(certs, { tlsAuthClients: authClients });
    using tcp = await RawClient.connect(server.port);

    await t.step("redis-cli --tls with a client certificate", async () => {
      const set = await cliTls(server, certs, ["SET", "greeting", "over tls"]);
      assertEquals(set.stdout.trim(), "OK", set.stderr);
      assertEquals(await tcp.call("GET", "greeting"), "$8\r\nover tls\r\n");
      assertEquals((await cliTls(server, certs, ["GET", "greeting"])).stdout.trim(), "over tls");
    });

    await t.step("ioredis with tls options", async () => {
      const redis = new Redis({
        host: "127.0.0.1",
        port: server.tlsPort,
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
        tls: {
          ca: Deno.readTextFileSync(certs.caCert),
          cert: Deno.readTextFileSync(certs.clientCert),
          key: Deno.readTextFileSync(certs.clientKey),
          servername: "localhost",
        },
      });
      try {
        await redis.connect();
        assertEquals(await redis.get("greeting"), "over tls");
        const results = await redis.pipeline().set("io", "1").incr("io").get("io").exec();
        assertEquals(results, [[null, "OK"], [null, 2], [null, "2"]]);
        const big = "x".repeat(300_000); // spans many TLS records both ways
        assertEquals(await redis.set("big", big), "OK");
        assertEquals(await redis.get("big"), big);
      } finally {
        await redis.quit();
      }
    });

    await t.step("node-redis with tls options", async () => {
      const client = createClient({
        socket: {
          host: "127.0.0.1",
          port: server.tlsPort,
          tls: true,
          servername: "localhost",
          ca: Deno.readTextFileSync(certs.caCert),
          cert: Deno.readTextFileSync(certs.clientCert),
          key: Deno.readTextFileSync(certs.clientKey),
          reconnectStrategy: false,
        },
      });
      client.on("error", () => {});
      await client.connect();
      try {
        assertEquals(await client.get("io"), "2");
        assertEquals(await client.hSet("h", { a: "1", b: "2" }), 2);
        assertEquals(await client.hGetAll("h"), { a: "1", b: "2" });
      } finally {
        await client.close();
      }
      // and by URL: rediss:// turns TLS on
      const byUrl = createClient({
        url: `rediss://127.0.0.1:${server.tlsPort}`,
        socket: {
          ca: Deno.readTextFileSync(certs.caCert),
          cert: Deno.readTextFileSync(certs.clientCert),
          key: Deno.readTextFileSync(certs.clientKey),
          reconnectStrategy: false,
        },
      });
      byUrl.on("error", () => {});
      await byUrl.connect();
      try {
        assertEquals(await byUrl.hGet("h", "b"), "2");
      } finally {
        await byUrl.close();
      }
    });

    await t.step("redis-benchmark --tls, pipelined", async () => {
      const r = await run("redis-benchmark", [
        "-h",
        "127.0.0.1",
        "-p",
        String(server.tlsPort),
        "--tls",
        "--cacert",
        certs.caCert,
        "--cert",
        certs.clientCert,
        "--key",
        certs.clientKey,
        "-t",
        "set,get",
        "-P",
        "16",
        "-n",
        "2000",
        "-c",
        "4",
        "-r",
        "100",
        "--csv",
      ]);
      assertEquals(r.code, 0, r.stderr);
      assert(!/error|Could not/i.test(r.stdout + r.stderr), r.stdout + r.stderr);
      assert(r.stdout.includes('"SET"') && r.stdout.includes('"GET"'), r.stdout);
      assert(server.keyspace.dbs[0].size > 100);
    });
  });
}

Deno.test("a plaintext client on the TLS port is refused and the server keeps serving", async () => {
  await using certs = await makeTestCerts();
  await using server = await startTlsServer(certs, { tlsAuthClients: "no" });
  const before = server.stats.connections;
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: server.tlsPort });
  await conn.write(new TextEncoder().encode("PING\r\n"));
  const received: number[] = [];
  const buf = new Uint8Array(1024);
  for (;;) {
    const n = await conn.read(buf).catch(() => null);
    if (n === null) break;
    received.push(...buf.subarray(0, n));
  }
  conn.close();
  // Whatever came back is a TLS alert record (content type 21), never a RESP reply.
  assert(received.length === 0 || received[0] === 21, JSON.stringify(received));
  assertEquals(server.stats.connections, before);
  assertEquals((await cliTls(server, certs, ["PING"], "none")).stdout.trim(), "PONG");
});

Deno.test("tls-auth-clients yes: a client certificate from another CA, or none, is refused", async () => {
  await using certs = await makeTestCerts();
  await using server = await startTlsServer(certs); // Redis's default: yes
  for (const cert of ["wrong", "none"] as const) {
    const r = await cliTls(server, certs, ["SET", `set-by-${cert}`, "1"], cert);
    assert(!r.stdout.includes("OK"), `${cert}: ${r.stdout}`);
  }
  assertEquals(server.sessions.size, 0);
  assertEquals(server.keyspace.dbs[0].size, 0);
  assertEquals((await cliTls(server, certs, ["PING"])).stdout.trim(), "PONG");
});

Deno.test("tls-auth-clients optional: no certificate is fine, a wrong one is refused", async () => {
  await using certs = await makeTestCerts();
  await using server = await startTlsServer(certs, { tlsAuthClients: "optional" });
  assertEquals((await cliTls(server, certs, ["PING"], "none")).stdout.trim(), "PONG");
  assertEquals((await cliTls(server, certs, ["PING"], "client")).stdout.trim(), "PONG");
  const wrong = await cliTls(server, certs, ["SET", "wrong", "1"], "wrong");
  assert(!wrong.stdout.includes("OK"), wrong.stdout);
  assertEquals(server.keyspace.dbs[0].size, 0);
});

Deno.test("CONFIG GET/SET tls-*: Redis's replies; a new certificate for new connections", async () => {
  await using certs = await makeTestCerts();
  await using server = await startTlsServer(certs);
  using tcp = await RawClient.connect(server.port);
  const get = (name: string) => tcp.call("CONFIG", "GET", name);
  const bulk = (s: string) => `$${s.length}\r\n${s}\r\n`;
  assertEquals(await get("tls-port"), `*2\r\n$8\r\ntls-port\r\n${bulk(String(server.tlsPort))}`);
  assertEquals(await get("tls-auth-clients"), "*2\r\n$16\r\ntls-auth-clients\r\n$3\r\nyes\r\n");
  assertEquals(
    await get("tls-cert-file"),
    `*2\r\n$13\r\ntls-cert-file\r\n${bulk(certs.serverCert)}`,
  );
  assertEquals(
    await tcp.call("CONFIG", "SET", "tls-auth-clients", "maybe"),
    "-ERR CONFIG SET failed (possibly related to argument 'tls-auth-clients') - argument(s) " +
      "must be one of the following: no, yes, optional\r\n",
  );
  assertEquals(
    await tcp.call("CONFIG", "SET", "tls-cert-file", "/nonexistent/cert.pem"),
    "-ERR CONFIG SET failed (possibly related to argument 'tls-cert-file') - Unable to " +
      "update TLS configuration. Check server logs.\r\n",
  );
  // nothing changed
  assertEquals(
    await get("tls-cert-file"),
    `*2\r\n$13\r\ntls-cert-file\r\n${bulk(certs.serverCert)}`,
  );
  assertEquals(await peerName(server.tlsPort, certs), "respd test server");

  // an open TLS connection keeps its session across the reload
  const open = new Redis({
    host: "127.0.0.1",
    port: server.tlsPort,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    tls: {
      ca: Deno.readTextFileSync(certs.caCert),
      cert: Deno.readTextFileSync(certs.clientCert),
      key: Deno.readTextFileSync(certs.clientKey),
      servername: "localhost",
    },
  });
  await open.connect();
  try {
    assertEquals(
      await tcp.call(
        "CONFIG",
        "SET",
        "tls-cert-file",
        certs.otherServerCert,
        "tls-key-file",
        certs.otherServerKey,
      ),
      "+OK\r\n",
    );
    assertEquals(await peerName(server.tlsPort, certs), "respd reloaded");
    assertEquals(await open.ping(), "PONG");
  } finally {
    await open.quit();
  }
  // a plain TCP-only server accepts the parameters (they apply once TLS is on), as Redis
  await using plain = startTestServer();
  using p = await RawClient.connect(plain.port);
  assertEquals(await p.call("CONFIG", "SET", "tls-cert-file", "/nonexistent"), "+OK\r\n");
  assertEquals(await p.call("CONFIG", "GET", "tls-port"), "*2\r\n$8\r\ntls-port\r\n$1\r\n0\r\n");
});

Deno.test("a TLS port without a usable certificate does not start", async () => {
  await using certs = await makeTestCerts();
  for (
    const [options, reason] of [
      [{ tlsCertFile: "/nonexistent.pem" }, /tls-cert-file '\/nonexistent.pem'/],
      [{ tlsKeyFile: certs.otherServerKey }, /invalid certificate or key/],
      [{ tlsCertFile: certs.serverKey }, /invalid certificate or key/],
      [{ tlsCaCertFile: null }, /Either tls-ca-cert-file or tls-ca-cert-dir must be specified/],
    ] as const
  ) {
    let error: unknown = null;
    try {
      const server = await startTlsServer(certs, options);
      await server.shutdown();
    } catch (e: unknown) {
      error = e;
    }
    assert(error instanceof Error && reason.test(error.message), String(error));
  }
});

Deno.test("respd with a config file: TLS only (port 0 beside tls-port), SIGHUP reloads the certificate", async () => {
  await using certs = await makeTestCerts();
  const live = { cert: `${certs.dir}/live.crt`, key: `${certs.dir}/live.key` };
  await Deno.copyFile(certs.serverCert, live.cert);
  await Deno.copyFile(certs.serverKey, live.key);
  const tlsPort = freePort();
  const conf = `${certs.dir}/respd.conf`;
  await Deno.writeTextFile(
    conf,
    [
      "port 0",
      `tls-port ${tlsPort}`,
      `tls-cert-file ${live.cert}`,
      `tls-key-file ${live.key}`,
      `tls-ca-cert-file ${certs.caCert}`,
      "tls-auth-clients optional",
      "ws-port off",
      'save ""',
    ].join("\n") + "\n",
  );
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("../main.ts", import.meta.url).pathname, conf],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  let log = "";
  const lines = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  const waitFor = async (pattern: RegExp): Promise<void> => {
    while (!pattern.test(log)) {
      const { value, done } = await lines.read();
      if (done) throw new Error(`respd ended before ${pattern}:\n${log}`);
      log += value;
    }
  };
  try {
    await waitFor(/ready: /);
    assert(log.includes(`ready: TLS on 127.0.0.1:${tlsPort}`) && !log.includes("TCP on"), log);
    assertEquals(await peerName(tlsPort, certs), "respd test server");
    await Deno.copyFile(certs.otherServerCert, live.cert);
    await Deno.copyFile(certs.otherServerKey, live.key);
    child.kill("SIGHUP");
    await waitFor(/TLS certificate and key reloaded/);
    assertEquals(await peerName(tlsPort, certs), "respd reloaded");
    const info = await run("redis-cli", [
      "-p",
      String(tlsPort),
      "--tls",
      "--cacert",
      certs.caCert,
      "INFO",
      "server",
    ]);
    assert(info.stdout.includes("tcp_port:0"), info.stdout);
  } finally {
    child.kill("SIGTERM");
    await child.status;
    await lines.cancel().catch(() => {});
  }
});

Deno.test("the https port takes a new certificate from CONFIG SET too", async () => {
  await using certs = await makeTestCerts();
  await using server = startTestServer({
    wsPort: 0,
    wsTls: true,
    tlsCertFile: certs.serverCert,
    tlsKeyFile: certs.serverKey,
  });
  await server.listening;
  assertEquals(await peerName(server.wsPort, certs), "respd test server");
  using tcp = await RawClient.connect(server.port);
  assertEquals(
    await tcp.call(
      "CONFIG",
      "SET",
      "tls-cert-file",
      certs.otherServerCert,
      "tls-key-file",
      certs.otherServerKey,
    ),
    "+OK\r\n",
  );
  assertEquals(await peerName(server.wsPort, certs), "respd reloaded");
});

/** PING over TLS to `port` (no client certificate unless `client`): the reply, or why not. */
async function tlsPing(port: number, certs: TestCerts, client = false): Promise<string> {
  let conn: Deno.TlsConn;
  try {
    conn = await Deno.connectTls({
      hostname: "127.0.0.1",
      port,
      caCerts: [Deno.readTextFileSync(certs.caCert)],
      ...(client
        ? {
          cert: Deno.readTextFileSync(certs.clientCert),
          key: Deno.readTextFileSync(certs.clientKey),
        }
        : {}),
    });
  } catch (e: unknown) {
    return e instanceof Deno.errors.ConnectionRefused ? "refused" : `failed: ${e}`;
  }
  try {
    await conn.write(new TextEncoder().encode("PING\r\n"));
    const buf = new Uint8Array(64);
    const n = await conn.read(buf);
    return n === null ? "closed" : new TextDecoder().decode(buf.subarray(0, n)).trim();
  } catch (e: unknown) {
    return `failed: ${e instanceof Error ? e.name : e}`;
  } finally {
    try {
      conn.close();
    } catch {
      // already closed
    }
  }
}

/**
 * The same CONFIG SET tls-port / tls-cert-file steps against a server, each reply and each
 * TLS PING noted with the server's own port numbers replaced by names. `settle` waits until
 * the server's TLS port has taken the last change (respd binds some asynchronously).
 */
async function tlsPortTranscript(
  call: (...args: string[]) => Promise<string>,
  plainPort: number,
  certs: TestCerts,
  settle: () => Promise<void>,
): Promise<string[]> {
  const [a, b, c] = [freePort(), freePort(), freePort()];
  const names = new Map([[a, "A"], [b, "B"], [c, "C"], [plainPort, "PLAIN"]]);
  const named = (text: string) =>
    [...names].reduce((t, [port, name]) => t.replaceAll(String(port), name), text);
  const out: string[] = [];
  const set = async (...args: (string | number)[]) => {
    const reply = await call("CONFIG", "SET", ...args.map(String));
    await settle();
    out.push(named(`SET ${args.join(" ")} -> ${reply}`));
  };
  const port = async () => out.push(named(`tls-port ${await call("CONFIG", "GET", "tls-port")}`));
  const ping = async (p: number) => out.push(named(`ping ${p}: ${await tlsPing(p, certs)}`));
  await set("tls-cert-file", "/nonexistent/server.crt"); // no TLS port: not loaded
  await set("tls-port", a); // nothing loaded yet: the files are, and fail
  await port();
  await set("tls-cert-file", certs.serverCert);
  await set("tls-port", a);
  await ping(a);
  await set("tls-port", a);
  await set("tls-port", plainPort); // in use
  await port();
  await ping(a);
  await set("tls-port", b);
  await ping(b);
  await ping(a);
  await set("tls-port", 0);
  await ping(b);
  await port();
  await set("tls-cert-file", "/nonexistent/server.crt"); // the port is closed: not loaded
  await set("tls-port", c); // the context loaded before serves
  await ping(c);
  await set("tls-port", 0);
  await set("tls-port", c, "tls-cert-file", "/nonexistent/server.crt");
  await set("tls-cert-file", "/nonexistent/server.crt", "tls-port", c);
  await port();
  await ping(c);
  await set("tls-port", 65536);
  return out;
}

Deno.test("CONFIG SET tls-port opens, moves and closes the TLS port as redis-server does", async () => {
  await using certs = await makeTestCerts();
  const tlsFiles = {
    tlsCertFile: certs.serverCert,
    tlsKeyFile: certs.serverKey,
    tlsCaCertFile: certs.caCert,
    tlsAuthClients: "no" as const,
  };
  await using redis = await startRedis([
    ...["--tls-cert-file", certs.serverCert, "--tls-key-file", certs.serverKey],
    ...["--tls-ca-cert-file", certs.caCert, "--tls-auth-clients", "no"],
  ]);
  using toRedis = await RawClient.connect(redis.port);
  const expected = await tlsPortTranscript(
    (...args) => toRedis.call(...args),
    redis.port,
    certs,
    () => Promise.resolve(),
  );
  await using server = startTestServer(tlsFiles);
  using toRespd = await RawClient.connect(server.port);
  const actual = await tlsPortTranscript(
    (...args) => toRespd.call(...args),
    server.port,
    certs,
    () => server.tlsPortReady.catch(() => {}),
  );
  assertEquals(actual, expected);
  // and the transcript says what it should
  assert(
    expected.includes("ping B: +PONG") && expected.includes("ping A: refused"),
    String(expected),
  );
});

Deno.test("tls-auth-clients switches between Deno's TLS listener and node:tls on the same port", async () => {
  await using certs = await makeTestCerts();
  await using server = await startTlsServer(certs, { tlsAuthClients: "no" });
  using tcp = await RawClient.connect(server.port);
  const port = server.tlsPort;
  assertEquals(await tlsPing(port, certs), "+PONG");
  // Deno's listener cannot change its certificate: a new one is bound on the same port
  assertEquals(
    await tcp.call(
      "CONFIG",
      "SET",
      "tls-cert-file",
      certs.otherServerCert,
      "tls-key-file",
      certs.otherServerKey,
    ),
    "+OK\r\n",
  );
  await server.tlsPortReady;
  assertEquals(server.tlsPort, port);
  assertEquals(await peerName(port, certs), "respd reloaded");
  assertEquals(await tcp.call("CONFIG", "SET", "tls-auth-clients", "yes"), "+OK\r\n");
  await server.tlsPortReady;
  assertEquals(server.tlsPort, port);
  assert((await tlsPing(port, certs)) !== "+PONG", "no client certificate must be refused");
  assertEquals((await cliTls(server, certs, ["PING"])).stdout.trim(), "PONG");
  assertEquals(await tcp.call("CONFIG", "SET", "tls-auth-clients", "no"), "+OK\r\n");
  await server.tlsPortReady;
  assertEquals(await tlsPing(port, certs), "+PONG");
  assertEquals(await peerName(port, certs), "respd reloaded");
});

Deno.test("the https port can have its own certificate (ws-tls-cert-file), the RESP port keeps its", async () => {
  await using certs = await makeTestCerts();
  await using server = await startTlsServer(certs, {
    tlsAuthClients: "no",
    wsPort: 0,
    wsTls: true,
    wsTlsCertFile: certs.otherServerCert,
    wsTlsKeyFile: certs.otherServerKey,
  });
  assertEquals(await peerName(server.wsPort, certs), "respd reloaded");
  assertEquals(await peerName(server.tlsPort, certs), "respd test server");
  // CONFIG SET of the RESP port's files leaves the https port's own certificate alone
  using tcp = await RawClient.connect(server.port);
  assertEquals(
    await tcp.call(
      "CONFIG",
      "SET",
      "tls-cert-file",
      certs.otherServerCert,
      "tls-key-file",
      certs.otherServerKey,
    ),
    "+OK\r\n",
  );
  await server.tlsPortReady;
  assertEquals(await peerName(server.tlsPort, certs), "respd reloaded");
  assertEquals(await peerName(server.wsPort, certs), "respd reloaded");
});

Deno.test("CONFIG SET tls-auth-clients alone reads no file, as redis-server (no CA: every certificate refused)", async () => {
  await using certs = await makeTestCerts();
  const transcript = async (
    call: (...args: string[]) => Promise<string>,
    tlsPort: number,
    settle: () => Promise<void>,
  ): Promise<string[]> => {
    const out: string[] = [];
    const set = async (...args: string[]) => {
      out.push(`SET ${args.join(" ")} -> ${await call("CONFIG", "SET", ...args)}`);
      await settle();
    };
    const ping = async (client: boolean) => {
      const reply = await tlsPing(tlsPort, certs, client);
      out.push(
        `ping ${client ? "with" : "without"} a certificate: ${
          reply === "+PONG" ? reply : "refused"
        }`,
      );
    };
    await set("tls-auth-clients", "yes");
    await ping(true);
    await ping(false);
    await set("tls-auth-clients", "optional");
    await ping(false);
    await ping(true);
    await set("tls-auth-clients", "yes", "tls-cert-file", certs.serverCert);
    await set("tls-auth-clients", "no");
    await ping(false);
    return out;
  };
  const redisTls = freePort();
  await using redis = await startRedis([
    ...["--tls-port", String(redisTls), "--tls-auth-clients", "no"],
    ...["--tls-cert-file", certs.serverCert, "--tls-key-file", certs.serverKey],
  ]);
  using toRedis = await RawClient.connect(redis.port);
  const expected = await transcript(
    (...a) => toRedis.call(...a),
    redisTls,
    () => Promise.resolve(),
  );
  await using server = await startTlsServer(certs, { tlsAuthClients: "no", tlsCaCertFile: null });
  using toRespd = await RawClient.connect(server.port);
  const actual = await transcript(
    (...a) => toRespd.call(...a),
    server.tlsPort,
    () => server.tlsPortReady,
  );
  assertEquals(actual, expected);
  assert(expected.includes("ping without a certificate: +PONG"), String(expected));
});

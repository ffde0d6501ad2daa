/**
 * Certificates for the TLS tests, made with `openssl` (scripts/test.sh installs it) in a
 * temporary directory that disposing removes: a test CA, a server certificate signed by it
 * for localhost and 127.0.0.1, a second server certificate (to see a reload), a client
 * certificate signed by the CA, and a "wrong" client certificate from another CA.
 */

/** Paths of the PEM files, and the SPKI hash of the server's key (for Chromium). */
export interface TestCerts extends AsyncDisposable {
  dir: string;
  caCert: string;
  serverCert: string;
  serverKey: string;
  /** Another certificate for the same names, with CN "respd reloaded". */
  otherServerCert: string;
  otherServerKey: string;
  clientCert: string;
  clientKey: string;
  /** Signed by a CA the server does not know. */
  wrongClientCert: string;
  wrongClientKey: string;
  /** base64 SHA-256 of the server key's SubjectPublicKeyInfo. */
  serverSpki: string;
}

async function openssl(dir: string, args: string[], stdin?: Uint8Array): Promise<Uint8Array> {
  const child = new Deno.Command("openssl", {
    args,
    cwd: dir,
    stdin: stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (stdin !== undefined) {
    const w = child.stdin.getWriter();
    await w.write(stdin);
    await w.close();
  }
  const out = await child.output();
  if (!out.success) {
    throw new Error(`openssl ${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
  }
  return out.stdout;
}

/** A P-256 key (quicker to make than RSA) and a certificate signed by `ca` (or self-signed without one). */
async function makeCert(
  dir: string,
  name: string,
  subject: string,
  extensions: string,
  ca: string | null,
): Promise<void> {
  await Deno.writeTextFile(`${dir}/${name}.ext`, extensions);
  await openssl(dir, [
    "req",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:prime256v1",
    "-nodes",
    "-keyout",
    `${name}.key`,
    "-out",
    `${name}.csr`,
    "-subj",
    subject,
  ]);
  const signer = ca === null
    ? ["-signkey", `${name}.key`]
    : ["-CA", `${ca}.crt`, "-CAkey", `${ca}.key`, "-CAcreateserial"];
  await openssl(dir, [
    "x509",
    "-req",
    "-in",
    `${name}.csr`,
    ...signer,
    "-out",
    `${name}.crt`,
    "-days",
    "2",
    "-extfile",
    `${name}.ext`,
  ]);
}

/** Makes the certificates (a few hundred ms of openssl). */
export async function makeTestCerts(): Promise<TestCerts> {
  const dir = await Deno.makeTempDir({ prefix: "respd-tls-" });
  try {
    const caExt = "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n";
    const serverExt = "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n";
    const clientExt = "extendedKeyUsage=clientAuth\n";
    await makeCert(dir, "ca", "/CN=respd test CA", caExt, null);
    await makeCert(dir, "other-ca", "/CN=another CA", caExt, null);
    await makeCert(dir, "server", "/CN=respd test server", serverExt, "ca");
    await makeCert(dir, "server2", "/CN=respd reloaded", serverExt, "ca");
    await makeCert(dir, "client", "/CN=respd test client", clientExt, "ca");
    await makeCert(dir, "wrong-client", "/CN=wrong client", clientExt, "other-ca");
    const pub = await openssl(dir, ["pkey", "-in", "server.key", "-pubout", "-outform", "der"]);
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", pub as BufferSource));
    return {
      dir,
      caCert: `${dir}/ca.crt`,
      serverCert: `${dir}/server.crt`,
      serverKey: `${dir}/server.key`,
      otherServerCert: `${dir}/server2.crt`,
      otherServerKey: `${dir}/server2.key`,
      clientCert: `${dir}/client.crt`,
      clientKey: `${dir}/client.key`,
      wrongClientCert: `${dir}/wrong-client.crt`,
      wrongClientKey: `${dir}/wrong-client.key`,
      serverSpki: btoa(String.fromCharCode(...digest)),
      [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
    };
  } catch (e: unknown) {
    await Deno.remove(dir, { recursive: true });
    throw e;
  }
}

/**
 * Builds the JavaScript that respd serves at `/client.js` from src/web/client.ts and the
 * protocol modules it imports, with `deno bundle` (esbuild), into src/web/client_bundle.ts.
 *
 * Why a committed bundle rather than transpiling at server start: Deno has no runtime
 * transpile API, and bundling needs esbuild from npm, which a server must not fetch when it
 * starts (offline hosts, `deno compile`d binaries). The bundle is kept as a TypeScript
 * module exporting a string so that serving it needs no file-read permission. The test
 * "the committed client bundle is up to date" fails when it is stale.
 *
 * Run `deno task build:client` after changing src/web/client.ts or src/protocol/.
 */

const ROOT = new URL("..", import.meta.url);
export const BUNDLE_MODULE = new URL("src/web/client_bundle.ts", ROOT);

/** Bundles src/web/client.ts into one browser ES module (paths relative to the repo root). */
export async function bundleClient(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "respd-client-" });
  try {
    const out = `${dir}/client.js`;
    const { code, stderr } = await new Deno.Command(Deno.execPath(), {
      args: [
        "bundle",
        "--quiet",
        "--platform",
        "browser",
        "--format",
        "esm",
        "-o",
        out,
        "src/web/client.ts",
      ],
      cwd: ROOT,
      stdout: "null",
      stderr: "piped",
    }).output();
    if (code !== 0) throw new Error(`deno bundle failed: ${new TextDecoder().decode(stderr)}`);
    return await Deno.readTextFile(out);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** The source of src/web/client_bundle.ts for a bundle. */
export function bundleModule(js: string): string {
  const body = js.replaceAll("\\", "\\\\").replaceAll("`", "\\`").replaceAll("${", "\\${");
  return `/**
 * GENERATED from src/web/client.ts by scripts/build_client.ts (\`deno task build:client\`);
 * do not edit. The browser client as one ES module, served at /client.js by assets.ts.
 */

export const CLIENT_JS = \`${body}\`;
`;
}

if (import.meta.main) {
  await Deno.writeTextFile(BUNDLE_MODULE, bundleModule(await bundleClient()));
  console.log(`wrote ${BUNDLE_MODULE.pathname}`);
}

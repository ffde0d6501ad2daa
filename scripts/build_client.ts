/**
 * Builds the JavaScript respd serves to browsers, with `deno bundle` (esbuild):
 *
 * - `/client.js`, from src/web/client.ts and the protocol modules it imports, into
 *   src/web/client_bundle.ts;
 * - the demo console's script, from src/web/demo.ts, into src/web/demo_bundle.ts. The
 *   client is left out of it: the page imports `/client.js` itself, the module any other
 *   page imports, so `./client.ts` becomes `/client.js` in the bundle.
 *
 * Why committed bundles rather than transpiling at server start: Deno has no runtime
 * transpile API, and bundling needs esbuild from npm, which a server must not fetch when it
 * starts (offline hosts, `deno compile`d binaries). Each bundle is kept as a TypeScript
 * module exporting a string so that serving it needs no file-read permission. The tests
 * "the committed client bundle is up to date" and "the committed demo bundle is up to
 * date" fail when one is stale.
 *
 * Run `deno task build:client` after changing src/web/ or src/protocol/.
 */

const ROOT = new URL("..", import.meta.url);
export const BUNDLE_MODULE = new URL("src/web/client_bundle.ts", ROOT);
export const DEMO_BUNDLE_MODULE = new URL("src/web/demo_bundle.ts", ROOT);

/** Bundles `entry` (a path from the repo root) into one browser ES module. */
async function bundle(entry: string, external: string[] = []): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "respd-bundle-" });
  try {
    const out = `${dir}/out.js`;
    const { code, stderr } = await new Deno.Command(Deno.execPath(), {
      args: [
        "bundle",
        "--quiet",
        "--platform",
        "browser",
        "--format",
        "esm",
        ...external.map((e) => `--external=${e}`),
        "-o",
        out,
        entry,
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

/** Bundles src/web/client.ts into one browser ES module (paths relative to the repo root). */
export function bundleClient(): Promise<string> {
  return bundle("src/web/client.ts");
}

/** Bundles src/web/demo.ts, importing the client from `/client.js`. */
export async function bundleDemo(): Promise<string> {
  const js = await bundle("src/web/demo.ts", ["./client.ts"]);
  const imports = js.split(`from "./client.ts"`);
  if (imports.length !== 2) throw new Error("the demo bundle should import ./client.ts once");
  // the page inlines the script: "</script" would end it early
  if (/<\/script/i.test(js)) throw new Error("the demo script must not contain </script");
  return imports.join(`from "/client.js"`);
}

/** The source of a generated module exporting `js` as `name`. */
function generatedModule(js: string, source: string, name: string, what: string): string {
  const body = js.replaceAll("\\", "\\\\").replaceAll("`", "\\`").replaceAll("${", "\\${");
  return `/**
 * GENERATED from ${source} by scripts/build_client.ts (\`deno task build:client\`);
 * do not edit. ${what}
 */

export const ${name} = \`${body}\`;
`;
}

/** The source of src/web/client_bundle.ts for a bundle. */
export function bundleModule(js: string): string {
  return generatedModule(
    js,
    "src/web/client.ts",
    "CLIENT_JS",
    "The browser client as one ES module, served at /client.js by assets.ts.",
  );
}

/** The source of src/web/demo_bundle.ts for a bundle. */
export function demoBundleModule(js: string): string {
  return generatedModule(
    js,
    "src/web/demo.ts",
    "DEMO_SCRIPT",
    "The demo console's script, inlined in the page by demo_page.ts.",
  );
}

if (import.meta.main) {
  await Deno.writeTextFile(BUNDLE_MODULE, bundleModule(await bundleClient()));
  console.log(`wrote ${BUNDLE_MODULE.pathname}`);
  await Deno.writeTextFile(DEMO_BUNDLE_MODULE, demoBundleModule(await bundleDemo()));
  console.log(`wrote ${DEMO_BUNDLE_MODULE.pathname}`);
}

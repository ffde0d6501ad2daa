/**
 * A real browser for tests: Debian's Chromium (never a downloaded one), driven by
 * playwright-core, with a fresh profile that closing removes. Chromium is installed by
 * scripts/test.sh; tests fail, rather than skip, when it is missing.
 */

import { chromium } from "playwright-core";

const CHROMIUM = Deno.env.get("CHROMIUM_PATH") ?? "/usr/bin/chromium";
export const TIMEOUT_MS = 20_000;

/**
 * Chromium with a fresh profile; closing it removes the profile too. `extraArgs` are added
 * to its command line (e.g. `--ignore-certificate-errors-spki-list=…` to trust a test
 * certificate).
 */
export async function launchChromium(extraArgs: string[] = []) {
  const userDataDir = await Deno.makeTempDir({ prefix: "respd-chromium-" });
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1200, height: 720 },
    timeout: TIMEOUT_MS,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      ...extraArgs,
    ],
  }).catch(async (e: unknown) => {
    await Deno.remove(userDataDir, { recursive: true });
    throw e;
  });
  return {
    context,
    async [Symbol.asyncDispose]() {
      await context.close();
      await Deno.remove(userDataDir, { recursive: true });
    },
  };
}

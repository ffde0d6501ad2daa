/**
 * Builds respd as one executable with `deno compile` (`deno task compile`): the server,
 * its browser client and demo page (committed bundles, no file reads) and the Deno runtime
 * in one file, `dist/respd` (or `dist/respd-<target>`), granted only what respd uses:
 *
 * - net: its TCP and HTTP/WebSocket listeners;
 * - read: the config file and its includes, the RDB file loaded at start, /proc/self
 *   (memory and descriptor limits) and its own path (INFO's `executable`);
 * - write: RDB snapshots (SAVE, BGSAVE, save points, the save on shutdown) in `dir`;
 * - sys=osRelease: INFO's `os` line.
 *
 * Nothing else: no env, no run, no ffi. `deno compile` needs the runtime base for
 * each target ("denort"), which it downloads from Deno's release site unless `DENORT_BIN`
 * names one already on disk.
 *
 *   deno task compile                      # for this machine: dist/respd
 *   deno task compile --target aarch64-unknown-linux-gnu
 *   deno task compile --all                # every target below
 */

/** The permissions the binary gets (tests/compiled_binary_test.ts runs respd with these). */
export const PERMISSIONS = [
  "--allow-net",
  "--allow-read",
  "--allow-write",
  "--allow-sys=osRelease,systemMemoryInfo",
];

/** The targets `deno compile` can build respd for. */
export const TARGETS = [
  "x86_64-unknown-linux-gnu",
  "aarch64-unknown-linux-gnu",
  "x86_64-apple-darwin",
  "aarch64-apple-darwin",
  "x86_64-pc-windows-msvc",
];

const ROOT = new URL("..", import.meta.url).pathname;

/** The `deno compile` arguments building respd to `output` (for `target`, else this machine). */
export function compileArgs(output: string, target?: string): string[] {
  return [
    "compile",
    "--quiet",
    "--no-prompt",
    ...PERMISSIONS,
    ...(target ? ["--target", target] : []),
    "--output",
    output,
    `${ROOT}main.ts`,
  ];
}

/** Runs `deno compile`; throws with its error output when it fails. */
export async function compile(output: string, target?: string): Promise<void> {
  const { code, stderr } = await new Deno.Command(Deno.execPath(), {
    args: compileArgs(output, target),
    cwd: ROOT,
    stdout: "inherit",
    stderr: "piped",
  }).output();
  if (code !== 0) {
    throw new Error(`deno compile failed:\n${new TextDecoder().decode(stderr)}`);
  }
}

if (import.meta.main) {
  const args = Deno.args;
  const targets = args.includes("--all")
    ? TARGETS
    : args.includes("--target")
    ? [args[args.indexOf("--target") + 1]]
    : [undefined];
  for (const target of targets) {
    if (target !== undefined && !TARGETS.includes(target)) {
      console.error(`unknown target '${target}'; one of: ${TARGETS.join(", ")}`);
      Deno.exit(2);
    }
    const output = `${ROOT}dist/respd${target ? `-${target}` : ""}`;
    try {
      await compile(output, target);
    } catch (e: unknown) {
      console.error(e instanceof Error ? e.message : e);
      Deno.exit(1);
    }
    console.log(`built ${output}${target?.includes("windows") ? ".exe" : ""}`);
  }
}

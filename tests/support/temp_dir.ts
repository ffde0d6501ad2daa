/**
 * A temporary directory that removes itself with everything in it when the test is done
 * (`await using dir = await tempDir()`), so a test that fails still cleans up.
 */

export interface TempDir extends AsyncDisposable {
  readonly path: string;
}

export async function tempDir(prefix = "respd-test-"): Promise<TempDir> {
  const path = await Deno.makeTempDir({ prefix });
  return {
    path,
    [Symbol.asyncDispose]: () => Deno.remove(path, { recursive: true }).catch(() => {}),
  };
}

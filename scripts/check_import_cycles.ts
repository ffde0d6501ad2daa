/**
 * Fails when a runtime import cycle appears among respd's modules: modules that import
 * each other (directly or through others) load in an order that depends on who is imported
 * first, and a value read while its module is still loading is undefined. `import type`
 * edges are erased at run time, so they may point anywhere; only runtime imports count.
 *
 * The graph comes from `deno info --json` for each entry point (main.ts and src/mod.ts by
 * default), whose dependencies list runtime imports under "code" and type-only ones under
 * "type". Cycles are the strongly connected components (Tarjan) with more than one module,
 * or a module importing itself. Run by `deno task check`.
 *
 *   deno run --allow-run --allow-read scripts/check_import_cycles.ts [entry.ts ...]
 */

interface ModuleInfo {
  specifier: string;
  dependencies?: { specifier: string; code?: { specifier: string } }[];
}

/** Runtime import edges between local (file:) modules reachable from `entry`. */
async function runtimeGraph(entry: string, graph: Map<string, Set<string>>): Promise<void> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", entry],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  if (!out.success) throw new Error(`deno info ${entry} failed`);
  const info = JSON.parse(new TextDecoder().decode(out.stdout)) as { modules: ModuleInfo[] };
  for (const m of info.modules) {
    if (!m.specifier.startsWith("file:")) continue;
    const deps = graph.get(m.specifier) ?? new Set<string>();
    for (const d of m.dependencies ?? []) {
      const target = d.code?.specifier;
      if (target?.startsWith("file:")) deps.add(target);
    }
    graph.set(m.specifier, deps);
  }
}

/** The cycles of `graph`: its strongly connected components that loop. */
export function cycles(graph: Map<string, Set<string>>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || graph.get(v)?.has(v)) found.push(component.reverse());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

if (import.meta.main) {
  const entries = Deno.args.length > 0 ? Deno.args : ["main.ts", "src/mod.ts"];
  const graph = new Map<string, Set<string>>();
  for (const entry of entries) await runtimeGraph(entry, graph);
  const root = new URL("../", import.meta.url).href;
  const found = cycles(graph);
  if (found.length === 0) {
    console.log(`no runtime import cycle among ${graph.size} modules`);
  } else {
    for (const c of found) {
      console.error(`runtime import cycle: ${c.map((s) => s.replace(root, "")).join(" -> ")}`);
    }
    console.error("(use `import type` where only types are needed, or move the shared part)");
    Deno.exit(1);
  }
}

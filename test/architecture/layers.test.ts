// The layering of src/ (src/README.md, "Layers"), read from the import
// statements themselves: no cycle between top-level folders, no folder
// reaching up into the entry points, and the two libraries that must stay
// behind one adapter each (BullMQ in src/jobs, nodemailer in src/mail).
// Type-only and dynamic imports count: they tie folders together as well.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

/** The composition root and the commands built on it (the demo among them, in src/cli/demo): free to import any folder. */
const ENTRY = new Set(['context', 'cli']);

/** Libraries that only one folder may import, each behind the ports the domains declare. */
const ONLY_IN: Array<{ name: string; library: RegExp; folder: string }> = [
  { name: 'bullmq and @bull-board', library: /^(bullmq|@bull-board\/)/, folder: 'jobs' },
  { name: 'nodemailer', library: /^nodemailer(\/|$)/, folder: 'mail' },
];

interface Import {
  file: string;
  specifier: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'generated' && dir === SRC ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** A top-level folder of src/, or a file directly in it ("config" for src/config.ts, imported as ./config.js). */
function unitOf(path: string): string {
  return relative(SRC, path)
    .split(sep)[0]!
    .replace(/\.(ts|js)$/, '');
}

const imports: Import[] = sourceFiles(SRC).flatMap((file) =>
  ts
    .preProcessFile(readFileSync(file, 'utf8'), true, true)
    .importedFiles.map(({ fileName }) => ({ file, specifier: fileName })),
);
const relativeImports = imports.filter((i) => i.specifier.startsWith('.'));
const show = (i: Import) => `${relative(join(SRC, '..'), i.file)} imports ${i.specifier}`;

/** Folder-level edges, each with the first import that makes it. */
function folderGraph(): Map<string, Map<string, Import>> {
  const graph = new Map<string, Map<string, Import>>();
  for (const i of relativeImports) {
    const from = unitOf(i.file);
    const to = unitOf(resolve(dirname(i.file), i.specifier));
    if (from === to) continue;
    const edges = graph.get(from) ?? new Map<string, Import>();
    if (!edges.has(to)) edges.set(to, i);
    graph.set(from, edges);
  }
  return graph;
}

/** Every cycle's nodes, as strongly connected components of more than one node (Tarjan). */
function cycles(graph: Map<string, Map<string, Import>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (node: string) => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    for (const next of graph.get(node)?.keys() ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (stack.includes(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      component.push(member);
    } while (member !== node);
    if (component.length > 1) found.push(component.sort());
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

describe('layers of src/', () => {
  it('reads the imports of every source file', () => {
    // A parser that found nothing would pass every check below.
    expect(relativeImports.length).toBeGreaterThan(500);
    expect(relativeImports.some((i) => i.specifier.startsWith('../'))).toBe(true);
  });

  it('has no import cycle between top-level folders', () => {
    const graph = folderGraph();
    const described = cycles(graph).map((component) => {
      const inside = component.flatMap((from) =>
        [...(graph.get(from) ?? new Map<string, Import>())]
          .filter(([to]) => component.includes(to))
          .map(([to, i]) => `  ${from} → ${to}: ${show(i)}`),
      );
      return `${component.join(' ⇄ ')}\n${inside.join('\n')}`;
    });
    expect(described, 'folders that import each other, with one import per edge').toEqual([]);
  });

  it('keeps the entry points (context.ts, cli) out of every other folder', () => {
    const upward = relativeImports
      .filter((i) => !ENTRY.has(unitOf(i.file)) && ENTRY.has(unitOf(resolve(dirname(i.file), i.specifier))))
      .map(show);
    expect(upward).toEqual([]);
  });

  it.each(ONLY_IN)('imports $name only under src/$folder', ({ library, folder }) => {
    const outside = imports.filter((i) => library.test(i.specifier) && unitOf(i.file) !== folder).map(show);
    expect(outside).toEqual([]);
    // The rule names a library the code really uses, so a rename cannot make it vacuous.
    expect(imports.some((i) => library.test(i.specifier))).toBe(true);
  });
});

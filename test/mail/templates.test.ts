// The build's compiled templates: what a worker started from dist/ reads
// instead of loading mjml, and only while the source is the one compiled.
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileMjml, precompileTemplates, TEMPLATES_DIR } from '../../src/mail/templates.js';

describe('compiled templates', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('the build compiles every template once, and compileMjml reads its copy while the source is unchanged', async () => {
    const compiled = await mkdtemp(path.join(tmpdir(), 'paperboy-compiled-'));
    dirs.push(compiled);
    const files = await precompileTemplates(TEMPLATES_DIR, compiled);
    const sources = (await readdir(TEMPLATES_DIR)).filter((f) => f.endsWith('.mjml'));
    expect(files).toHaveLength(sources.length);

    const source = await readFile(path.join(TEMPLATES_DIR, 'confirm.mjml'), 'utf8');
    const copy = files.find((f) => path.basename(f).startsWith('confirm.'))!;
    expect(await compileMjml('confirm', source, compiled)).toBe(await readFile(copy, 'utf8'));
    // Proof that the copy is what is read: a marked copy comes back as it is.
    await writeFile(copy, '<p>from the build</p>');
    expect(await compileMjml('confirm', source, compiled)).toBe('<p>from the build</p>');
    // A template edited after the build is compiled afresh.
    const edited = source.replace(
      '</mj-body>',
      '<mj-section><mj-column><mj-text>P.S.</mj-text></mj-column></mj-section></mj-body>',
    );
    expect(edited).not.toBe(source);
    const fresh = await compileMjml('confirm', edited, compiled);
    expect(fresh).toContain('P.S.');
    expect(fresh).not.toContain('from the build');
  });
});

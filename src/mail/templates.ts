// Email templates: MJML under templates/email, compiled to HTML once (MJML
// costs milliseconds per compile), then filled per message with handlebars
// (microseconds). Loops and conditionals sit in <mj-raw> so MJML leaves them
// for handlebars. {{value}} is HTML-escaped by handlebars; nothing from
// outside is ever inserted with triple braces.
import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import { convert } from 'html-to-text';

export const TEMPLATES_DIR = fileURLToPath(new URL('../../templates/email', import.meta.url));

/**
 * Compiled MJML kept by `npm run build` (dist/compiled-templates): a worker
 * started from the build never loads mjml, ~55 MB of resident memory it
 * would carry for the whole run to compile three templates once. Files are
 * named by a hash of their source, so a template edited after the build is
 * compiled afresh, as before. Under src/ (tests, tsx) the folder does not exist.
 */
export const COMPILED_TEMPLATES_DIR = fileURLToPath(new URL('../compiled-templates', import.meta.url));

const compiledPath = (dir: string, name: string, mjml: string) =>
  path.join(dir, `${name}.${createHash('sha256').update(mjml).digest('hex').slice(0, 16)}.html`);

export type TemplateData = Record<string, unknown>;

export interface EmailTemplate {
  name: string;
  /** The compiled HTML with handlebars placeholders, for callers that fill in stages. */
  source: string;
  html(data: TemplateData): string;
}

const handlebars = Handlebars.create();

/** MJML to HTML, styles marked `inline="inline"` inlined into each element; the build's copy when it has one. */
export async function compileMjml(name: string, mjml: string, compiledDir = COMPILED_TEMPLATES_DIR): Promise<string> {
  const compiled = await readFile(compiledPath(compiledDir, name, mjml), 'utf8').catch(() => undefined);
  return compiled ?? runMjml(name, mjml);
}

async function runMjml(name: string, mjml: string): Promise<string> {
  // Loaded on first compile: mjml is ~50 MB of heap that an API server which
  // never renders an email (only workers do) should not carry.
  const { default: mjml2html } = await import('mjml');
  const { html, errors } = await mjml2html(mjml, { validationLevel: 'strict' });
  if (errors.length) {
    throw new Error(`template ${name}: ${errors.map((e) => e.formattedMessage).join('; ')}`);
  }
  return html;
}

/** HTML-escapes text exactly as `{{value}}` does, for text filled into a template's output later. */
export const escapeHtml = (text: string): string => handlebars.escapeExpression(text);

/** A handlebars fill over compiled HTML; `{{…}}` escapes, strict mode refuses a missing field. */
export function compileFill(html: string): (data: TemplateData) => string {
  const fill = handlebars.compile(html, { strict: true });
  return (data) => fill(data);
}

export async function compileEmailTemplate(name: string, mjml: string): Promise<EmailTemplate> {
  const html = await compileMjml(name, mjml);
  return { name, source: html, html: compileFill(html) };
}

/** Compiles every templates/email/*.mjml once; call at start-up. */
export async function loadEmailTemplates(dir = TEMPLATES_DIR): Promise<Map<string, EmailTemplate>> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.mjml'));
  const entries = await Promise.all(
    files.map(async (file) => {
      const name = path.basename(file, '.mjml');
      return [name, await compileEmailTemplate(name, await readFile(path.join(dir, file), 'utf8'))] as const;
    }),
  );
  return new Map(entries);
}

/** Compiles every template of `dir` into `compiledDir`, for compileMjml to find (`npm run build`). */
export async function precompileTemplates(
  dir = TEMPLATES_DIR,
  compiledDir = COMPILED_TEMPLATES_DIR,
): Promise<string[]> {
  await mkdir(compiledDir, { recursive: true });
  const files = (await readdir(dir)).filter((f) => f.endsWith('.mjml'));
  return Promise.all(
    files.map(async (file) => {
      const name = path.basename(file, '.mjml');
      const mjml = await readFile(path.join(dir, file), 'utf8');
      const target = compiledPath(compiledDir, name, mjml);
      await writeFile(target, await runMjml(name, mjml));
      return target;
    }),
  );
}

/** The plain-text part, derived from the HTML so the two never disagree. */
export function htmlToText(html: string): string {
  return convert(html, {
    wordwrap: 78,
    selectors: [
      { selector: 'img', format: 'skip' },
      // The inbox preview line: shown by the inbox, never part of the message.
      { selector: 'div.preheader', format: 'skip' },
      { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
    ],
  });
}

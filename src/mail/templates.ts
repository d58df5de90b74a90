// Email templates: MJML under templates/email, compiled to HTML once (MJML
// costs milliseconds per compile), then filled per message with handlebars
// (microseconds). Loops and conditionals sit in <mj-raw> so MJML leaves them
// for handlebars. {{value}} is HTML-escaped by handlebars; nothing from
// outside is ever inserted with triple braces.
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import { convert } from 'html-to-text';

export const TEMPLATES_DIR = fileURLToPath(new URL('../../templates/email', import.meta.url));

export type TemplateData = Record<string, unknown>;

export interface EmailTemplate {
  name: string;
  /** The compiled HTML with handlebars placeholders, for callers that fill in stages. */
  source: string;
  html(data: TemplateData): string;
}

const handlebars = Handlebars.create();

/** MJML to HTML, styles marked `inline="inline"` inlined into each element. */
export async function compileMjml(name: string, mjml: string): Promise<string> {
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

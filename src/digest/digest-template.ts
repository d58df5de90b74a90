// templates/email/digest.mjml compiled once per process, then cut into
// parts at its `<!--pb:part NAME-->` markers: the email's start, the lead
// card, a section heading, a card, the "more papers" line, and the end.
// Each part is a handlebars fill, so a card can be rendered once per paper
// and emails assembled from parts without MJML or a whole-template fill.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { compileFill, compileMjml, TEMPLATES_DIR, type TemplateData } from '../mail/templates.js';

export const PART_NAMES = ['start', 'lead', 'section', 'card', 'more', 'end'] as const;
export type PartName = (typeof PART_NAMES)[number];

export type DigestTemplate = Record<PartName, (data: TemplateData) => string>;

const MARKER = /<!--pb:(?:part ([a-z]+)|end)-->\n?/g;

/** The compiled HTML cut at its markers; every part must be there exactly once. */
export function splitParts(html: string): Record<PartName, string> {
  const parts: Partial<Record<PartName, string>> = {};
  let name: string = 'start';
  let last = 0;
  for (const match of html.matchAll(MARKER)) {
    parts[name as PartName] = html.slice(last, match.index);
    name = match[1] ?? 'end';
    last = match.index + match[0].length;
  }
  parts[name as PartName] = html.slice(last);
  const missing = PART_NAMES.filter((p) => parts[p] === undefined);
  if (missing.length || Object.keys(parts).length !== PART_NAMES.length) {
    throw new Error(`digest template: parts must be ${PART_NAMES.join(', ')}; missing ${missing.join(', ') || 'none'}`);
  }
  return parts as Record<PartName, string>;
}

export async function compileDigestTemplate(mjml: string): Promise<DigestTemplate> {
  const parts = splitParts(await compileMjml('digest', mjml));
  return Object.fromEntries(PART_NAMES.map((name) => [name, compileFill(parts[name])])) as DigestTemplate;
}

let loading: Promise<DigestTemplate> | undefined;

/** Compiles templates/email/digest.mjml once per process (MJML costs ~10 ms a compile). */
export function loadDigestTemplate(dir = TEMPLATES_DIR): Promise<DigestTemplate> {
  loading ??= readFile(path.join(dir, 'digest.mjml'), 'utf8').then(compileDigestTemplate);
  loading.catch(() => {
    loading = undefined;
  });
  return loading;
}

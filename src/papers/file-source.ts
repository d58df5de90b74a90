// A local file in either source format: a Hugging Face daily-papers JSON
// array or an arXiv Atom feed, told apart by the first character.
import { open } from 'node:fs/promises';
import { parseAtomDocument } from './arxiv-source.js';
import { parseHfDocument } from './hf-source.js';
import { IngestError } from './ingest-error.js';
import type { SourceBatch } from './source-batch.js';

export type FileFormat = 'hf-json' | 'atom';

/** JSON starts with [ or {, XML with <; anything else is neither format. */
export function detectFormat(text: string): FileFormat | undefined {
  const first = text.replace(/^\uFEFF/, '').trimStart()[0];
  if (first === '[' || first === '{') return 'hf-json';
  if (first === '<') return 'atom';
  return undefined;
}

export async function readPaperFile(path: string, maxBytes: number): Promise<SourceBatch> {
  const label = `file ${path}`;
  const text = await readCapped(label, path, maxBytes);
  const body = text.replace(/^\uFEFF/, '');
  if (body.trim().length === 0) throw new IngestError('empty', `${label}: empty document`);
  const format = detectFormat(body);
  if (format === 'hf-json') return parseHfDocument(label, body);
  if (format === 'atom') return parseAtomDocument(label, body);
  throw new IngestError('wrong_shape', `${label}: neither a daily-papers JSON array nor an Atom feed`);
}

async function readCapped(label: string, path: string, maxBytes: number): Promise<string> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new IngestError('file', `${label}: cannot open (${code ?? String(error)})`);
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new IngestError('file', `${label}: not a regular file`);
    if (stat.size > maxBytes)
      throw new IngestError('too_large', `${label}: larger than ${Math.round(maxBytes / 1024)} KB`);
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

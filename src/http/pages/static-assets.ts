// CSS, the tiny time-zone script and the icon, served from public/ with a
// year-long cache. URLs carry a content hash, so a new release is fetched at
// once while an unchanged file is never fetched twice.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type RequestHandler } from 'express';

export const PUBLIC_DIR = fileURLToPath(new URL('../../../public', import.meta.url));
export const STATIC_PREFIX = '/static';

const versions = new Map<string, string>();

/** `/static/app.css?v=<hash of the file>`. */
export function assetUrl(name: string): string {
  let version = versions.get(name);
  if (version === undefined) {
    try {
      version = createHash('sha256')
        .update(readFileSync(path.join(PUBLIC_DIR, name)))
        .digest('hex')
        .slice(0, 10);
    } catch {
      version = 'missing';
    }
    versions.set(name, version);
  }
  return `${STATIC_PREFIX}/${name}?v=${version}`;
}

export function staticAssets(): RequestHandler {
  return express.static(PUBLIC_DIR, {
    index: false,
    dotfiles: 'ignore',
    fallthrough: true,
    maxAge: '365d',
    immutable: true,
  });
}

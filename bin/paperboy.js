#!/usr/bin/env node
// Runs the JavaScript that `npm run build` compiled into dist/ when it is
// there and no source file is newer (the Docker image ships dist/ only): it
// starts in a fraction of the time and takes about 50 MB less memory per
// process. Otherwise tsx runs the TypeScript sources directly, so an edit
// never meets a stale build and nothing needs building first.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const compiled = new URL('../dist/cli/index.js', import.meta.url);
const sources = fileURLToPath(new URL('../src/', import.meta.url));

function buildIsCurrent() {
  if (!existsSync(compiled)) return false;
  if (!existsSync(sources)) return true;
  const built = statSync(compiled).mtimeMs;
  return readdirSync(sources, { recursive: true }).every((file) => statSync(sources + file).mtimeMs <= built);
}

if (buildIsCurrent()) {
  await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('../src/cli/index.ts', import.meta.url).href);
}

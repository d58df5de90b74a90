#!/usr/bin/env node
// Runs the TypeScript CLI through tsx's loader, so the package needs no build
// step before it works (npx paperboy …, the Docker image and the demo alike).
import { register } from 'tsx/esm/api';

register();
await import(new URL('../src/cli/index.ts', import.meta.url).href);

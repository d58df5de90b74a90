// `npm run bench -- <name> [--flags]`: runs bench/<name>.ts. Each benchmark
// prints progress to stderr and, as its last stdout line, one JSON object
// with its figures and the machine it ran on.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

const [name, ...args] = process.argv.slice(2);
const available = readdirSync(new URL('.', import.meta.url))
  .filter((f) => f.endsWith('.ts') && !['index.ts', 'machine.ts'].includes(f))
  .map((f) => f.replace(/\.ts$/, ''));

if (!name || !available.includes(name)) {
  process.stderr.write(`Usage: npm run bench -- <${available.join('|')}> [--flags]\n`);
  process.exit(name ? 2 : 0);
}
// Benchmarks load their own config on the public development secrets; the
// servers they start get NODE_ENV=production and private secrets of their own.
process.env.NODE_ENV ??= 'development';
// Servers that benchmarks start run as in production: the compiled build.
process.stderr.write('building dist/ (npm run build)…\n');
const build = spawnSync('npm', ['run', '--silent', 'build'], { stdio: ['ignore', 'ignore', 'inherit'] });
if (build.status !== 0) process.exit(build.status ?? 1);
const bench = (await import(`./${name}.js`)) as { run(args: string[]): Promise<Record<string, unknown>> };
const figures = await bench.run(args);
const { machine } = await import('./machine.js');
process.stdout.write(`${JSON.stringify({ bench: name, ...figures, machine: machine() })}\n`);
process.exit(0);

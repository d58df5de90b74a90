// `npm run bench -- cli-startup [--runs 10]`: how long `paperboy --help` and
// `paperboy digest --help` take to answer, from the compiled build (what the
// bin runs when dist/ is current) and from the sources through tsx, next to
// a bare `node -e 0` on the same machine. Median wall time of each.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { flag } from './machine.js';

const log = (message: string) => process.stderr.write(`${message}\n`);
const ROOT = fileURLToPath(new URL('..', import.meta.url));

function medianMs(argv: string[], runs: number): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    const result = spawnSync(process.execPath, argv, { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    if (result.status !== 0) throw new Error(`${argv.join(' ')} exited ${result.status}`);
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  times.sort((a, b) => a - b);
  return Math.round(times[Math.floor(times.length / 2)]!);
}

export function run(args: string[]): Promise<Record<string, unknown>> {
  const runs = flag(args, 'runs', 10);
  log(`timing ${runs} runs of each…`);
  const figures = {
    runs,
    nodeBareMs: medianMs(['-e', '0'], runs),
    helpMs: medianMs(['bin/paperboy.js', '--help'], runs),
    digestHelpMs: medianMs(['bin/paperboy.js', 'digest', '--help'], runs),
    helpFromSourcesMs: medianMs(['--import', 'tsx', 'src/cli/index.ts', '--help'], runs),
  };
  log(
    `--help: ${figures.helpMs} ms compiled, ${figures.helpFromSourcesMs} ms through tsx (node alone: ${figures.nodeBareMs} ms)`,
  );
  return Promise.resolve(figures);
}

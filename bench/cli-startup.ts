// `npm run bench -- cli-startup [--runs 10]`: how long the `paperboy` command
// takes to answer, run the way users run it (node bin/paperboy.js), next to
// a bare `node -e 0` on the same machine. Median wall time of each:
// - `--help` and `digest --help`: answered by the bin from plain JavaScript
//   and JSON, with no tsx and no build loaded (budget: 500 ms, issue 16);
// - `digest --bogus`: a usage error found by the command itself, so config
//   and the command's modules load: what any real command pays to start,
//   from the build (index.ts has just built dist/, so the bin takes it);
// - the same through tsx from the sources: what a checkout without a build pays.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { flag } from './machine.js';

const log = (message: string) => process.stderr.write(`${message}\n`);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const HELP_BUDGET_MS = 500;

function medianMs(argv: string[], runs: number, expectedStatus = 0): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    const result = spawnSync(process.execPath, argv, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    if (result.status !== expectedStatus)
      throw new Error(`${argv.join(' ')} exited ${result.status}: ${String(result.stderr)}`);
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
    commandStartMs: medianMs(['bin/paperboy.js', 'digest', '--bogus'], runs, 2),
    commandStartFromSourcesMs: medianMs(['--import', 'tsx', 'src/cli/index.ts', 'digest', '--bogus'], runs, 2),
    helpBudgetMs: HELP_BUDGET_MS,
  };
  const withinBudget = figures.helpMs < HELP_BUDGET_MS && figures.digestHelpMs < HELP_BUDGET_MS;
  log(
    `--help: ${figures.helpMs} ms, digest --help: ${figures.digestHelpMs} ms (budget ${HELP_BUDGET_MS} ms: ${withinBudget ? 'met' : 'MISSED'}); ` +
      `a command starts in ${figures.commandStartMs} ms built, ${figures.commandStartFromSourcesMs} ms through tsx (node alone: ${figures.nodeBareMs} ms)`,
  );
  return Promise.resolve({ ...figures, withinBudget });
}

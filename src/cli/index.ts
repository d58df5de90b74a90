// The `paperboy` command: one table of subcommands, each loaded only when it
// runs, so `--help` and usage errors answer without compiling or loading the
// rest of the app.
import type { Config } from '../config.js';
import { helpText, overallUsage, type CommandName } from './usage.js';

type Run = (args: string[], config: Config) => Promise<void>;

const COMMANDS: Record<CommandName, () => Promise<Run>> = {
  migrate: () => import('./migrate.js').then((m) => m.runMigrateCommand),
  start: () => import('./run.js').then((m) => m.runStartCommand),
  serve: () => import('./run.js').then((m) => m.runServeCommand),
  worker: () => import('./run.js').then((m) => m.runWorkerCommand),
  inbound: () => import('./run.js').then((m) => m.runInboundCommand),
  ingest: () => import('./ingest.js').then((m) => m.runIngestCommand),
  digest: () => import('./digest.js').then((m) => m.runDigestCommand),
  import: () => import('./import.js').then((m) => m.runImportCommand),
  demo: () => import('./demo/run-demo.js').then((m) => m.runDemo),
  token: () => import('./token.js').then((m) => m.runTokenCommand),
};

const isCommand = (name: string): name is CommandName => Object.hasOwn(COMMANDS, name);

export async function main(argv: string[]): Promise<void> {
  // bin/paperboy.js answers help itself; this is for running this file directly.
  const help = helpText(argv);
  if (help !== null) {
    process.stdout.write(help);
    return;
  }
  const [name = '', ...args] = argv;
  if (!isCommand(name)) {
    process.stderr.write(`paperboy: unknown command "${name}"\n\n${overallUsage()}`);
    process.exitCode = 2;
    return;
  }
  // Loaded here, not at the top: zod is most of what `--help` would wait for.
  const { loadConfig, ConfigError } = await import('../config.js');
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`paperboy: ${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const run = await COMMANDS[name]();
  await run(args, config);
}

main(process.argv.slice(2)).catch(async (error: unknown) => {
  const { CliError, describeError } = await import('./preflight.js');
  process.stderr.write(`paperboy: ${describeError(error)}\n`);
  process.exit(error instanceof CliError ? error.exitCode : 1);
});

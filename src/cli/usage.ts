// What each command is for and which options it takes: plain data
// (commands.json), laid out by bin/help.js, so `paperboy --help` and
// `paperboy <command> --help` answer without compiling or loading any
// command's code (bin/paperboy.js answers them before loading tsx).
import { commandUsage as layOutUsage, helpFor, overallUsage as layOutOverall } from '../../bin/help.js';
import COMMAND_HELP from './commands.json' with { type: 'json' };

export { COMMAND_HELP };

export type CommandName = keyof typeof COMMAND_HELP;

export function commandUsage(name: CommandName): string {
  return layOutUsage(COMMAND_HELP, name);
}

export function overallUsage(): string {
  return layOutOverall(COMMAND_HELP);
}

/** The help that `paperboy <argv>` asks for, or null when it asks for something else. */
export function helpText(argv: readonly string[]): string | null {
  return helpFor(COMMAND_HELP, argv);
}

/** node:util parseArgs errors carry advice about `--`; the first sentence names the option. */
export function firstSentence(message: string): string {
  return message.split(/\.\s/)[0]!.replace(/\.$/, '');
}

/** Prints a usage error for a command and sets exit status 2. */
export function usageError(name: CommandName, message: string): void {
  process.stderr.write(`paperboy ${name}: ${firstSentence(message)}\n${commandUsage(name)}`);
  process.exitCode = 2;
}

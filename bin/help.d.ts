// Types for help.js, which stays plain JavaScript so the bin can run it
// without a compiler.
export interface CommandHelp {
  summary: string;
  /** One line each: the synopsis, then the options. */
  usage: readonly string[];
}

export function commandUsage<T extends Record<string, CommandHelp>>(commands: T, name: keyof T & string): string;
export function overallUsage(commands: Record<string, CommandHelp>): string;
export function helpFor(commands: Record<string, CommandHelp>, argv: readonly string[]): string | null;

// `npx tsx bench/profile/summarize.ts <dir or .cpuprofile files> [--top 25] [--per N]`
// Self time of Node `--cpu-prof` profiles (what `npm run bench -- digest
// --cpu-prof` and `-- signup --cpu-prof` write), per function and per file
// or package, as Markdown tables. Self time in shares of the busy time
// (everything but "(idle)"), which a loaded machine distorts less than
// seconds do. With `--per N` (say, the emails sent) each row also gets
// its microseconds per unit.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The package, Node module or source file a frame belongs to. */
function categoryOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(V8 builtins and native)';
  if (url.startsWith('node:')) return url.split('/').slice(0, 2).join('/');
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  const modules = path.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const [scope, name] = path.slice(modules + '/node_modules/'.length).split('/');
    return scope!.startsWith('@') ? `${scope}/${name}` : scope!;
  }
  return path.startsWith(ROOT) ? relative(ROOT, path) : path;
}

/** Microseconds of self time per node: each sample lasts until the next one. */
function selfTimes(profile: CpuProfile): Map<number, number> {
  const times = new Map<number, number>();
  const { samples, timeDeltas } = profile;
  for (let i = 0; i < samples.length; i++) {
    const duration = i + 1 < samples.length ? timeDeltas[i + 1]! : 0;
    times.set(samples[i]!, (times.get(samples[i]!) ?? 0) + Math.max(duration, 0));
  }
  return times;
}

interface Summary {
  /** Sampled time that was not idle, µs: the main thread's CPU, roughly. */
  busyUs: number;
  idleUs: number;
  functions: Array<[string, number]>;
  categories: Array<[string, number]>;
}

function summarize(profiles: CpuProfile[]): Summary {
  const functions = new Map<string, number>();
  const categories = new Map<string, number>();
  let busyUs = 0;
  let idleUs = 0;
  const add = (map: Map<string, number>, key: string, us: number) => map.set(key, (map.get(key) ?? 0) + us);
  for (const profile of profiles) {
    const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
    for (const [id, us] of selfTimes(profile)) {
      const { functionName, url, lineNumber } = nodes.get(id)!.callFrame;
      if (functionName === '(idle)') {
        idleUs += us;
        continue;
      }
      busyUs += us;
      const category = categoryOf(url, functionName);
      add(categories, category, us);
      add(
        functions,
        url ? `${functionName || '(anonymous)'} · ${category}:${lineNumber + 1}` : functionName || '(anonymous)',
        us,
      );
    }
  }
  const sorted = (map: Map<string, number>) => [...map].sort((a, b) => b[1] - a[1]);
  return { busyUs, idleUs, functions: sorted(functions), categories: sorted(categories) };
}

function table(
  title: string,
  rows: Array<[string, number]>,
  busyUs: number,
  top: number,
  per: number | undefined,
): string {
  const head = per ? `| ${title} | self | µs per unit |\n| --- | ---: | ---: |` : `| ${title} | self |\n| --- | ---: |`;
  const lines = rows.slice(0, top).map(([name, us]) => {
    const share = `${((us / busyUs) * 100).toFixed(1)} %`;
    return per
      ? `| ${name.replace(/\|/g, '\\|')} | ${share} | ${(us / per).toFixed(1)} |`
      : `| ${name.replace(/\|/g, '\\|')} | ${share} |`;
  });
  return [head, ...lines].join('\n');
}

async function profileFiles(paths: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) {
    if ((await stat(path)).isDirectory()) {
      files.push(...(await readdir(path)).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(path, f)));
    } else files.push(path);
  }
  return files;
}

async function main(args: string[]): Promise<void> {
  const option = (name: string) =>
    args.includes(`--${name}`) ? Number(args[args.indexOf(`--${name}`) + 1]) : undefined;
  const top = option('top') ?? 25;
  const per = option('per');
  const paths = args.filter((a, i) => !a.startsWith('--') && !['--top', '--per'].includes(args[i - 1] ?? ''));
  const files = await profileFiles(paths);
  if (!files.length) throw new Error('usage: summarize.ts <dir or .cpuprofile files> [--top 25] [--per N]');
  const profiles = await Promise.all(files.map(async (f) => JSON.parse(await readFile(f, 'utf8')) as CpuProfile));
  const s = summarize(profiles);
  const perUnit = per ? `, ${(s.busyUs / per).toFixed(1)} µs per unit (${per} units)` : '';
  process.stdout.write(
    `${files.length} profile(s): busy ${(s.busyUs / 1e6).toFixed(2)} s, idle ${(s.idleUs / 1e6).toFixed(2)} s${perUnit}\n\n` +
      `${table('function · file:line', s.functions, s.busyUs, top, per)}\n\n${table('file or package', s.categories, s.busyUs, top, per)}\n`,
  );
}

await main(process.argv.slice(2));

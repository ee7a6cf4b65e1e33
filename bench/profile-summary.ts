// Summarises a V8 .cpuprofile (from `--server-node-args "--cpu-prof --cpu-prof-dir=DIR"`) as the
// functions with the most self time, grouped by source file too: enough to say where a slow
// query spends its time without opening DevTools.
//   node dist/bench/profile-summary.js DIR/CPU.*.cpuprofile [topN]
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly hitCount?: number;
}
interface CpuProfile { readonly nodes: readonly ProfileNode[]; readonly samples?: readonly number[] }

export interface SelfTimeRow { readonly name: string; readonly share: number }

export function selfTimeByFunction(profile: CpuProfile): SelfTimeRow[] {
  return rank(profile, (node) => {
    const file = node.callFrame.url.replace(/^file:\/\//, '').split('/').slice(-2).join('/');
    return `${node.callFrame.functionName || '(anonymous)'} ${file}:${node.callFrame.lineNumber + 1}`;
  });
}

export function selfTimeByFile(profile: CpuProfile): SelfTimeRow[] {
  return rank(profile, (node) => {
    const url = node.callFrame.url;
    if (url === '') return node.callFrame.functionName.startsWith('(') ? node.callFrame.functionName : '(native)';
    const inModules = url.indexOf('node_modules/');
    if (inModules >= 0) return url.slice(inModules).split('/').slice(0, 2).join('/');
    return url.replace(/^file:\/\//, '').replace(/^.*\/dist[^/]*\//, '');
  });
}

function rank(profile: CpuProfile, keyOf: (node: ProfileNode) => string): SelfTimeRow[] {
  const hits = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const count = node.hitCount ?? 0;
    if (count === 0) continue;
    const key = keyOf(node);
    hits.set(key, (hits.get(key) ?? 0) + count);
    total += count;
  }
  return [...hits.entries()].map(([name, count]) => ({ name, share: total === 0 ? 0 : count / total }))
    .sort((a, b) => b.share - a.share);
}

function main(argv: readonly string[]): number {
  const [path, topText] = argv;
  if (path === undefined) {
    process.stderr.write('usage: node dist/bench/profile-summary.js FILE.cpuprofile [topN]\n');
    return 2;
  }
  const top = Number(topText ?? 25);
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const print = (title: string, rows: readonly SelfTimeRow[]): void => {
    process.stdout.write(`${title}\n`);
    for (const row of rows.slice(0, top)) process.stdout.write(`  ${(row.share * 100).toFixed(1).padStart(5)}%  ${row.name}\n`);
  };
  print('self time by file:', selfTimeByFile(profile));
  print('self time by function:', selfTimeByFunction(profile));
  return 0;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) process.exitCode = main(process.argv.slice(2));

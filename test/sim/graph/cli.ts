// Runs the whole-member simulator over a range of seeds: node dist/test/sim/graph/cli.js
//   --seeds N [--start S] [--bug stale-lease]    failing seeds print with their failures
//   --seed S                                      one seed, with its statistics
import { runGraphSeed } from './graph-sim.js';
import { GRAPH_BUGS, type GraphBug } from './sim-core.js';

const args = process.argv.slice(2);
const value = (name: string, fallback: number): number => {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const bug = args.includes('--bug') ? args[args.indexOf('--bug') + 1] as GraphBug : undefined;
if (bug !== undefined && !GRAPH_BUGS.includes(bug)) {
  console.error(`unknown bug ${bug}; known: ${GRAPH_BUGS.join(', ')}`);
  process.exit(2);
}
const single = args.includes('--seed') ? value('--seed', 1) : undefined;
const start = single ?? value('--start', 1);
const count = single === undefined ? value('--seeds', 100) : 1;
let failed = 0;
const began = Date.now();
for (let seed = start; seed < start + count; seed++) {
  const result = await runGraphSeed({ seed, ...(bug ? { bug } : {}) });
  if (result.failures.length > 0) {
    failed++;
    console.log(`seed ${seed} FAILED (replay: node dist/test/sim/graph/cli.js --seed ${seed}${bug ? ` --bug ${bug}` : ''})`);
    for (const failure of result.failures) console.log(`  ${failure}`);
  } else if (single !== undefined) {
    console.log(`seed ${seed} passed`);
  }
  if (single !== undefined) console.log(JSON.stringify(result.stats));
}
const seconds = (Date.now() - began) / 1000;
console.log(`${count - failed}/${count} seeds passed in ${seconds.toFixed(1)} s (${(count / seconds).toFixed(2)} seeds/s)`);
process.exit(failed > 0 ? 1 : 0);

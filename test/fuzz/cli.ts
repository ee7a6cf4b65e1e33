// `npm run fuzz [-- --frames N --seed S --concurrency C --rss-limit-mb M --deadline-s D]`: the
// full hostile-input run (default 1,000,000 frames) against a fresh server process. Prints the
// report and exits 1 when the server exited, a well-formed client saw an error, the server
// logged an unexpected error, its peak RSS passed the bound, or the frame target was not reached.

import { fuzzFreshServer } from './fresh-server.js';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  if (at < 0) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} needs a number`);
  return value;
}

const frames = option('frames', 1_000_000);
const seed = option('seed', 1);
const concurrency = option('concurrency', 8);
const rssLimitMb = option('rss-limit-mb', 512);
const deadlineS = option('deadline-s', 1_800);

const { report, unexpectedErrors, exitCode, serverOutputTail } = await fuzzFreshServer({
  frames, seed, concurrency, deadlineMs: deadlineS * 1000, progress: (line) => process.stdout.write(`  ${line}\n`),
});
const problems: string[] = [];
if (report.serverExited) problems.push(`the server exited during the run; its last output:\n${serverOutputTail}`);
if (exitCode !== 0) problems.push(`the server's shutdown exit code was ${String(exitCode)}`);
if (report.canary.errors.length > 0) problems.push(`well-formed clients saw ${report.canary.errors.length} errors:\n    ${report.canary.errors.slice(0, 10).join('\n    ')}`);
if (unexpectedErrors.length > 0) problems.push(`the server logged ${unexpectedErrors.length} unexpected errors:\n    ${unexpectedErrors.slice(0, 10).join('\n    ')}`);
if (report.databaseErrors.length > 0) problems.push(`${report.databaseErrors.length} responses answered bad input with a Neo.DatabaseError:\n    ${report.databaseErrors.slice(0, 10).join('\n    ')}`);
if (report.peakRssMb > rssLimitMb) problems.push(`peak RSS ${report.peakRssMb.toFixed(0)} MB is over the ${rssLimitMb} MB bound`);
if (report.framesDelivered < frames) problems.push(`only ${report.framesDelivered} of ${frames} frames delivered before the deadline`);

const top = Object.entries(report.byKind).sort((a, b) => b[1] - a[1]);
process.stdout.write(`
wire fuzz, seed ${seed}
  frames delivered     ${report.framesDelivered} (generated ${report.framesGenerated})
  connections          ${report.connections} (bolt ${report.byTransport.bolt.connections}, websocket ${report.byTransport.websocket.connections}, http ${report.byTransport.http.connections})
  frames by transport  bolt ${report.byTransport.bolt.frames}, websocket ${report.byTransport.websocket.frames}, http ${report.byTransport.http.frames}
  time                 ${(report.elapsedMs / 1000).toFixed(1)} s
  server RSS           ${report.startRssMb.toFixed(0)} MB at start, ${report.peakRssMb.toFixed(0)} MB peak (bound ${rssLimitMb} MB)
  server exited        ${report.serverExited ? 'YES' : 'no'}; clean shutdown exit code ${String(exitCode)}
  slow closes          ${report.slowCloses} (sockets neither answered nor closed within 3 s)
  server faults        ${report.databaseErrors.length} responses with a Neo.DatabaseError
  well-formed clients  ${report.canary.boltRequests} Bolt + ${report.canary.httpRequests} HTTP requests, ${report.canary.errors.length} errors, slowest ${report.canary.maxLatencyMs} ms
  frame kinds (top 25)
${top.slice(0, 25).map(([kind, n]) => `    ${String(n).padStart(8)}  ${kind}`).join('\n')}
`);
if (problems.length > 0) {
  process.stdout.write(`\nFAILED:\n  ${problems.join('\n  ')}\n`);
  process.exitCode = 1;
} else {
  process.stdout.write('\nOK\n');
}

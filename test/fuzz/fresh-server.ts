// Starts a fresh server process, creates the fuzz user (a reader, so no malformed-but-valid
// statement can change users or data), runs the fuzz with well-formed clients alongside, and
// stops and removes everything, even on failure. Shared by `npm run fuzz` and the short run in
// npm test.

import neo4j from 'neo4j-driver';
import { makeTempHome, removeTempHome, startServerProcess, TEST_PASSWORD } from '../integration/harness.js';
import { runFuzz, type FuzzReport } from './run.js';

export interface FreshFuzzOptions {
  readonly frames: number;
  readonly seed: number;
  readonly concurrency: number;
  readonly deadlineMs: number;
  readonly progress?: (line: string) => void;
}

export interface FreshFuzzResult {
  readonly report: FuzzReport;
  /** lines the server logged as unexpected errors (a non-Neo4j failure escaped somewhere) */
  readonly unexpectedErrors: readonly string[];
  /** the server's exit code after SIGTERM (0: it shut down cleanly) */
  readonly exitCode: number | null;
  /** the end of the server's output, when it exited during the run */
  readonly serverOutputTail: string;
}

const FUZZ_USER = { user: 'fuzz', password: 'fuzz-password-1' };

export async function fuzzFreshServer(options: FreshFuzzOptions): Promise<FreshFuzzResult> {
  const home = makeTempHome('causeway-fuzz-');
  try {
    const server = await startServerProcess(home, {});
    let exitCode: number | null = null;
    let report: FuzzReport;
    try {
      const admin = neo4j.driver(server.boltUrl, neo4j.auth.basic('neo4j', TEST_PASSWORD));
      try {
        await admin.executeQuery(`CREATE USER ${FUZZ_USER.user} SET PASSWORD '${FUZZ_USER.password}' CHANGE NOT REQUIRED`);
        await admin.executeQuery(`GRANT ROLE reader TO ${FUZZ_USER.user}`);
      } finally {
        await admin.close();
      }
      const alive = (): boolean => {
        try {
          process.kill(server.pid, 0);
          return !/\bStopped\.\s*$/m.test(server.output());
        } catch {
          return false;
        }
      };
      report = await runFuzz({ pid: server.pid, boltPort: server.boltPort, httpPort: server.httpPort, alive }, {
        frames: options.frames, seed: options.seed, concurrency: options.concurrency, deadlineMs: options.deadlineMs,
        fuzzUser: FUZZ_USER, canaryUser: { user: 'neo4j', password: TEST_PASSWORD }, ...(options.progress ? { progress: options.progress } : {}),
      });
    } finally {
      exitCode = await server.stop();
    }
    const unexpectedErrors = server.output().split('\n').filter((line) => /ERROR|Unexpected|uncaught|unhandled/i.test(line));
    return { report, unexpectedErrors, exitCode, serverOutputTail: report.serverExited ? `${server.output().slice(-6000)}\n(ended by signal ${String(server.signal())})` : '' };
  } finally {
    removeTempHome(home);
  }
}

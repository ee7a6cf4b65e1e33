// Shared set-up for the library integration tests (test/integration/libraries-*.test.ts): one real
// server process per test file, optionally loaded with the canonical movies graph, and the Bolt
// address and credentials a library is given as a user would give them.

import { after, before } from 'node:test';
import { moviesStatements, startServerWithDrivers, TEST_PASSWORD, type ServerProcess, type ServerWithDrivers } from './harness.js';

export { TEST_PASSWORD };

export interface LibraryServer {
  readonly server: ServerProcess;
  readonly driver6: ServerWithDrivers['driver6'];
  readonly driver5: ServerWithDrivers['driver5'];
}

/** Why the movie-based tests of a file are skipped: undefined when ../shared/datasets/movies.cypher is there. */
export const moviesMissing: string | undefined = moviesStatements()
  ? undefined
  : 'MISSING: shared/datasets/movies.cypher (../shared beside the repository) not found; movie-based library tests skipped';

/** A server for this test file; with `movies`, loaded with the movies graph before the first test. */
export function libraryServer(options: { movies?: boolean } = {}): LibraryServer {
  let running: ServerWithDrivers | undefined;
  const view = {} as { server: ServerProcess; driver6: ServerWithDrivers['driver6']; driver5: ServerWithDrivers['driver5'] };
  before(async () => {
    running = await startServerWithDrivers();
    Object.assign(view, { server: running.server, driver6: running.driver6, driver5: running.driver5 });
    const statements = options.movies ? moviesStatements() : undefined;
    if (!statements) return;
    const session = running.driver6.session();
    try {
      for (const statement of statements) await session.run(statement);
    } finally {
      await session.close();
    }
  }, { timeout: 120_000 });
  after(async () => {
    await running?.close();
  }, { timeout: 120_000 });
  return view;
}

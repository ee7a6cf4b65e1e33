// The deliberately broken variants the checkers must catch ("test the tester").
import type { SimOverrides } from './options.js';

export const bugNames = ['vote-without-log-check', 'commit-previous-term', 'lost-fsync', 'read-without-heartbeat'] as const;
export type BugName = (typeof bugNames)[number];

export function bugOverrides(bug: BugName): SimOverrides {
  switch (bug) {
    case 'vote-without-log-check':
      return { unsafe: { voteWithoutLogCheck: true } };
    case 'commit-previous-term':
      return { unsafe: { commitPreviousTermByCounting: true } };
    case 'lost-fsync':
      return { fsyncLies: true };
    case 'read-without-heartbeat':
      return { unsafe: { readWithoutHeartbeat: true } };
  }
}

// The deliberately broken variants the checkers must catch ("test the tester").
import type { SimOverrides } from './options.js';

export const bugNames = [
  'vote-without-log-check',
  'commit-previous-term',
  'lost-fsync',
  'read-without-heartbeat',
  'no-commit',
  'reads-never-released',
  'pre-vote-grant-adopts-term',
  'pre-candidate-raises-term',
  'double-apply-on-restart',
  'reply-before-persist',
  'release-before-fsync',
] as const;
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
    case 'no-commit':
      return { unsafe: { neverCommit: true } };
    case 'reads-never-released':
      return { unsafe: { neverReleaseReads: true } };
    case 'pre-vote-grant-adopts-term':
      return { unsafe: { preVoteGrantAdoptsTerm: true } };
    case 'pre-candidate-raises-term':
      return { unsafe: { preCandidateRaisesTerm: true } };
    case 'double-apply-on-restart':
      return { shellBugs: { reapplyOnRestart: true } };
    case 'reply-before-persist':
      return { shellBugs: { replyBeforePersist: true } };
    case 'release-before-fsync':
      return { asyncWrites: true, shellBugs: { releaseBeforeFsync: true } };
  }
}

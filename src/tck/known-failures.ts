// The checked-in list of scenarios known to fail. The run is green when every failure is on the
// list; listed scenarios that now pass are reported so the list only ever shrinks.

export function parseKnownFailures(text: string): Set<string> {
  const keys = new Set<string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    keys.add(line);
  }
  return keys;
}

export function formatKnownFailures(failedKeys: Iterable<string>): string {
  const header = [
    '# openCypher TCK scenarios Causeway is known to fail, one `<feature file>:<scenario name>[#example]` per line.',
    '# Regenerate with: npm run tck -- --update-known-failures',
  ];
  return [...header, ...[...failedKeys].sort()].join('\n') + '\n';
}

export interface KnownFailureCheck {
  /** failed but not listed: these make the run fail */
  readonly regressions: readonly string[];
  /** listed but passed: remove them from the list */
  readonly nowPassing: readonly string[];
}

export function checkAgainstKnownFailures(results: ReadonlyMap<string, boolean>, known: ReadonlySet<string>): KnownFailureCheck {
  const regressions: string[] = [];
  const nowPassing: string[] = [];
  for (const [key, passed] of results) {
    if (!passed && !known.has(key)) regressions.push(key);
    if (passed && known.has(key)) nowPassing.push(key);
  }
  return { regressions: regressions.sort(), nowPassing: nowPassing.sort() };
}

// The TCK summary: one row per feature folder, then the overall pass-rate line CI greps for.

export interface ScenarioResult {
  readonly key: string;
  readonly folder: string;
  readonly passed: boolean;
  readonly message?: string;
}

export interface FolderTally {
  readonly folder: string;
  passed: number;
  failed: number;
}

export function tallyByFolder(results: readonly ScenarioResult[]): FolderTally[] {
  const byFolder = new Map<string, FolderTally>();
  for (const r of results) {
    let tally = byFolder.get(r.folder);
    if (tally === undefined) {
      tally = { folder: r.folder, passed: 0, failed: 0 };
      byFolder.set(r.folder, tally);
    }
    if (r.passed) tally.passed++;
    else tally.failed++;
  }
  return [...byFolder.values()].sort((a, b) => a.folder.localeCompare(b.folder));
}

/** Rounded down, so a run with any failure never reads as 100.0%. */
export function formatPercent(passed: number, total: number): string {
  const percent = total === 0 ? 0 : (100 * passed) / total;
  return `${(Math.floor(percent * 10) / 10).toFixed(1)}%`;
}

export function passRateLine(passed: number, total: number): string {
  return `TCK pass rate: ${passed}/${total} (${formatPercent(passed, total)})`;
}

export function formatReport(results: readonly ScenarioResult[]): string {
  const tallies = tallyByFolder(results);
  const width = Math.max('feature folder'.length, ...tallies.map((t) => t.folder.length));
  const row = (name: string, passed: string, failed: string, total: string): string =>
    `${name.padEnd(width)}  ${passed.padStart(6)}  ${failed.padStart(6)}  ${total.padStart(6)}`;
  const lines = [row('feature folder', 'passed', 'failed', 'total'), '-'.repeat(width + 24)];
  for (const t of tallies) lines.push(row(t.folder, String(t.passed), String(t.failed), String(t.passed + t.failed)));
  const passed = results.filter((r) => r.passed).length;
  lines.push('-'.repeat(width + 24), row('all', String(passed), String(results.length - passed), String(results.length)), '');
  lines.push(passRateLine(passed, results.length));
  return lines.join('\n') + '\n';
}

export const README_FIGURE_MARKER = '<!-- tck-figure -->';

/** Replaces the line after the marker with the latest figure; the text is returned unchanged without a marker. */
export function updateReadmeFigure(readme: string, passed: number, total: number, scenarioFiles: number, errorChecks: 'strict' | 'lenient' = 'strict'): string {
  const lines = readme.split('\n');
  const at = lines.indexOf(README_FIGURE_MARKER);
  if (at < 0 || at + 1 >= lines.length) return readme;
  lines[at + 1] = `Latest full run: **${passRateLine(passed, total)}** (${total} scenarios from ${scenarioFiles} feature files), ${errorChecks} error checks.`;
  return lines.join('\n');
}

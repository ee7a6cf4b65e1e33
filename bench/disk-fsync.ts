// The disk's raw synchronous-write rate, measured with dd exactly as an operator would, so the
// database's durable commit rate can be read against what the hardware allows.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { rmSync } from 'node:fs';

export interface FsyncFigures {
  readonly writes: number;
  readonly seconds: number;
  readonly writesPerSecond: number;
  readonly ddSummary: string;
}

/**
 * Reads the elapsed seconds out of GNU dd's summary line, e.g.
 * "8192000 bytes (8.2 MB, 7.8 MiB) copied, 0.437728 s, 18.7 MB/s". Returns undefined when absent.
 */
export function parseDdSeconds(ddStderr: string): number | undefined {
  const match = /copied,\s*([0-9]+(?:[.,][0-9]+)?)\s*s/.exec(ddStderr);
  if (match === null || match[1] === undefined) return undefined;
  const seconds = Number(match[1].replace(',', '.'));
  return Number.isFinite(seconds) && seconds > 0 ? seconds : undefined;
}

/** Runs `dd … oflag=dsync` into a file in `directory` (then removes it): one 4 KiB synced write per block. */
export function measureDiskFsync(directory: string, writes: number, timeoutMs: number): FsyncFigures {
  const target = join(directory, 'dd-fsync-probe.bin');
  try {
    const result = spawnSync('dd', ['if=/dev/zero', `of=${target}`, 'bs=4k', `count=${writes}`, 'oflag=dsync'], {
      encoding: 'utf8', timeout: timeoutMs, env: { ...process.env, LC_ALL: 'C' },
    });
    if (result.error !== undefined) throw new Error(`dd failed to run: ${result.error.message}`);
    const stderr = result.stderr ?? '';
    const seconds = parseDdSeconds(stderr);
    if (result.status !== 0 || seconds === undefined) throw new Error(`dd exited ${String(result.status)}: ${stderr.trim()}`);
    const summary = stderr.trim().split('\n').at(-1) ?? '';
    return { writes, seconds, writesPerSecond: writes / seconds, ddSummary: summary };
  } finally {
    rmSync(target, { force: true });
  }
}

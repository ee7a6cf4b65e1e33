// The parent's side of the crash writer (crash-writer.testlib.ts): reads its stdout line by line
// and collects the "ack <seq>" lines, for the kill -9 and the fsync-failure tests.
import type { ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';

export const CRASH_WRITER = new URL('./crash-writer.testlib.js', import.meta.url);

export interface WriterOutput {
  /** the acknowledged seqs, in the order the writer printed them */
  readonly acked: number[];
  stderr(): string;
}

/**
 * Follows the writer's output: every "ack <seq>" line is added to acked before onLine sees it;
 * afterChunk runs once the lines of each stdout chunk are handled.
 */
export function followCrashWriter(
  child: ChildProcessByStdio<null, Readable, Readable>,
  onLine: (line: string) => void = () => {},
  afterChunk: () => void = () => {},
): WriterOutput {
  const acked: number[] = [];
  let buffered = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    for (const line of lines) {
      if (line.startsWith('ack ')) acked.push(Number(line.slice(4)));
      onLine(line);
    }
    afterChunk();
  });
  return { acked, stderr: () => stderr };
}

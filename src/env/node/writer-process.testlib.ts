// The parent's side of a writer child process (src/graph/crash-writer.testlib.ts, the IN
// TRANSACTIONS batch writer): reads its stdout line by line, collects the "ack <seq>" lines, and
// kills it with SIGKILL at a chosen point, for the kill -9 and the fsync-failure tests. It spawns
// processes and arms timers, so it lives in the shell (src/env/node).
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';

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

export interface KillPoint {
  /** kill once this many commits are acknowledged */
  readonly acks?: number;
  /** kill this long after the writer reports ready (mid-stream, wherever a commit is) */
  readonly afterReadyMs?: number;
  /** kill this long after spawning (opening, recovering, creating the schema) */
  readonly afterSpawnMs?: number;
}

/**
 * Runs a writer script (node `script` `args`) until the kill point, then SIGKILLs it — only the
 * child spawned here — and resolves with the acknowledged seqs. Rejects when the writer ends on
 * its own or makes too little progress within `timeoutMs`.
 */
export function runWriterUntilKilled(script: string, args: readonly string[], point: KillPoint, timeoutMs: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let killed = false;
    let done = false;
    const kill = (): void => {
      if (killed) return;
      killed = true;
      process.kill(child.pid!, 'SIGKILL');
    };
    const { acked, stderr } = followCrashWriter(child, (line) => {
      if (line === 'ready' && point.afterReadyMs !== undefined) setTimeout(kill, point.afterReadyMs);
      if (line === 'done') done = true;
    }, () => {
      if (point.acks !== undefined && acked.length >= point.acks) kill();
    });
    const timer = setTimeout(() => {
      kill();
      reject(new Error(`the writer made too little progress: ${acked.length} acks; ${stderr()}`));
    }, timeoutMs);
    if (point.afterSpawnMs !== undefined) setTimeout(kill, point.afterSpawnMs);
    child.on('exit', (_code, signal) => {
      clearTimeout(timer);
      if (signal !== 'SIGKILL') reject(new Error(`the writer ended on its own (${done ? 'it finished before the kill' : stderr()})`));
      else resolve(acked);
    });
  });
}

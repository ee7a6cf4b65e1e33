// An append-only log file with size-based rotation (Neo4j keeps query.log, query.log.1 … .N).
// Writes are synchronous appends: the log is opt-in and a line costs microseconds.

import { appendFileSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

export interface RotatingFileOptions {
  readonly maxBytes?: number;
  readonly keepFiles?: number;
}

export function rotatingFileSink(path: string, options: RotatingFileOptions = {}): (line: string) => void {
  const maxBytes = options.maxBytes ?? 20 * 1024 * 1024;
  const keepFiles = options.keepFiles ?? 7;
  mkdirSync(dirname(path), { recursive: true });
  let size = existsSync(path) ? statSync(path).size : 0;
  const rotate = (): void => {
    rmSync(`${path}.${keepFiles}`, { force: true });
    for (let i = keepFiles - 1; i >= 1; i--) if (existsSync(`${path}.${i}`)) renameSync(`${path}.${i}`, `${path}.${i + 1}`);
    renameSync(path, `${path}.1`);
    size = 0;
  };
  return (line) => {
    const text = `${line}\n`;
    if (size > 0 && size + text.length > maxBytes) rotate();
    appendFileSync(path, text);
    size += Buffer.byteLength(text);
  };
}

// Durable whole-file writes (the store checkpoint, a fresh commit log): write a temporary file, fsync it, rename
// it over the target and fsync the folder, so a crash leaves either the old file or the new one.

import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export function readFileIfExists(path: string): Uint8Array | undefined {
  return existsSync(path) ? readFileSync(path) : undefined;
}

export function writeFileDurably(path: string, data: Uint8Array): void {
  const temp = `${path}.new`;
  const fd = openSync(temp, 'w');
  try {
    let written = 0;
    while (written < data.length) written += writeSync(fd, data, written, data.length - written);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
  const dirFd = openSync(dirname(path), 'r');
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
}

// Small durable text files for the server (users file): read, and replace atomically with fsync.

import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';

/** Reads a whole file as bytes (certificates); a missing file is an error worth its path. */
export async function readFileBytes(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    throw new Error(`Cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
}
import { dirname } from 'node:path';

/**
 * Deletes a dropped database's store directory: first renamed aside (one atomic step, so a crash
 * leaves either the whole store or none under its name), then removed.
 */
export async function removeStoreDirectory(path: string): Promise<void> {
  const doomed = `${path}.dropped`;
  await rm(doomed, { recursive: true, force: true });
  try {
    await rename(path, doomed);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  await rm(doomed, { recursive: true, force: true });
}
import type { TextFileStore } from '../../server/auth/users.js';

export const nodeTextFiles: TextFileStore = {
  async read(path) {
    try {
      return await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  },
  async writeAtomic(path, text) {
    await mkdir(dirname(path), { recursive: true });
    const temp = `${path}.tmp`;
    const handle = await open(temp, 'w', 0o600);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
    const dir = await open(dirname(path), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  },
};

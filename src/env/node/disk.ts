// The real disk: node:fs behind the Disk seam. Keeps one append handle per file so group commit
// costs one write and one fsync per batch.
import * as fs from 'node:fs';
import { dirname } from 'node:path';
import type { Disk } from '../disk.js';
import { joinPath } from '../disk.js';

export class NodeDisk implements Disk {
  private readonly handles = new Map<string, number>();
  private readonly syncingFds = new Set<number>();
  private readonly releasedWhileSyncing = new Set<number>();

  mkdirp(dir: string): void {
    fs.mkdirSync(dir, { recursive: true });
  }

  list(dir: string): string[] {
    try {
      return fs.readdirSync(dir).sort();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  }

  exists(path: string): boolean {
    return fs.existsSync(path);
  }

  read(path: string): Uint8Array {
    return new Uint8Array(fs.readFileSync(path));
  }

  append(path: string, data: Uint8Array): void {
    const fd = this.handle(path);
    let written = 0;
    // Bounded: each pass writes at least one byte or throws.
    while (written < data.length) {
      const n = fs.writeSync(fd, data, written, data.length - written);
      if (n <= 0) throw new Error(`short write to ${path}`);
      written += n;
    }
  }

  fsync(path: string): void {
    fs.fdatasyncSync(this.handle(path));
  }

  appendDurablyAsync(path: string, data: Uint8Array, done: (error: unknown) => void): void {
    const fd = this.handle(path);
    this.syncingFds.add(fd);
    const finish = (error: unknown): void => {
      this.syncingFds.delete(fd);
      // released while the write ran (close at shutdown): closed only now, so the number is not reused under it
      if (this.releasedWhileSyncing.delete(fd)) fs.close(fd, () => {});
      done(error ?? null);
    };
    // The write lands in the page cache on this thread (tens of microseconds; on a disk without
    // stable-page writes, /sys/block/*/queue/stable_writes = 0 as here, it does not wait for the
    // flush in flight). Only the fdatasync goes to libuv's thread pool, so the event loop never
    // waits for the disk. Writing on the pool too cost another pair of thread hand-offs per group
    // commit on every member, on the path of every replicated write.
    try {
      this.append(path, data);
    } catch (error) {
      // reported like a failed fsync, on a later turn, as the caller expects
      queueMicrotask(() => finish(error));
      return;
    }
    fs.fdatasync(fd, finish);
  }

  replaceDurablyAsync(tempPath: string, path: string, data: Uint8Array, done: (error: unknown) => void): void {
    this.release(tempPath);
    this.release(path);
    // every step on libuv's pool; the event loop only hands over and hears back
    const replace = async (): Promise<void> => {
      const file = await fs.promises.open(tempPath, 'w');
      try {
        await file.writeFile(data);
        await file.datasync();
      } finally {
        await file.close();
      }
      await fs.promises.rename(tempPath, path);
      const dir = await fs.promises.open(dirname(path), 'r');
      try {
        await dir.sync();
      } finally {
        await dir.close();
      }
    };
    replace().then(() => done(null), (error: unknown) => done(error));
  }

  fsyncDir(dir: string): void {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  }

  rename(from: string, to: string): void {
    this.release(from);
    this.release(to);
    fs.renameSync(from, to);
  }

  remove(path: string): void {
    this.release(path);
    fs.rmSync(path, { force: true });
  }

  truncate(path: string, size: number): void {
    this.release(path);
    fs.truncateSync(path, size);
  }

  close(): void {
    for (const path of [...this.handles.keys()]) this.release(path);
  }

  private handle(path: string): number {
    let fd = this.handles.get(path);
    if (fd === undefined) {
      fd = fs.openSync(path, 'a');
      this.handles.set(path, fd);
    }
    return fd;
  }

  private release(path: string): void {
    const fd = this.handles.get(path);
    if (fd === undefined) return;
    this.handles.delete(path);
    if (this.syncingFds.has(fd)) this.releasedWhileSyncing.add(fd);
    else fs.closeSync(fd);
  }
}

export { joinPath };

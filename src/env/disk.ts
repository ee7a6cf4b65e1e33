// The disk seam: a small synchronous file API with explicit durability points.
//
// Contract: append() data is NOT durable until fsync(path) returns. Creating, renaming and
// removing files is durable once fsyncDir(dir) returns. Every method throws on I/O error; callers
// that depend on durability (the WAL) must treat any throw as fatal for the member (fail-stop).
// Synchronous on purpose, with two exceptions that let the Raft driver keep its event loop
// running while the disk works: appendDurablyAsync (a group commit) and replaceDurablyAsync (a
// compaction image, tens of megabytes).

export interface Disk {
  mkdirp(dir: string): void;
  /** file names (not paths) in dir, sorted; an absent dir lists as empty */
  list(dir: string): string[];
  exists(path: string): boolean;
  /** the whole file */
  read(path: string): Uint8Array;
  /** appends at the end, creating the file if absent */
  append(path: string, data: Uint8Array): void;
  /** makes every appended byte of path durable */
  fsync(path: string): void;
  /**
   * Appends data (maybe empty) and makes it and every byte appended before durable, off the
   * caller's thread, then calls done (with the I/O error, if any). No other append to path may
   * start, and the file must not be renamed, removed, truncated or closed, until done runs.
   */
  appendDurablyAsync(path: string, data: Uint8Array, done: (error: unknown) => void): void;
  /**
   * Writes data to tempPath (replacing any file there), makes it durable, renames it over path
   * and makes the rename durable, all off the caller's thread, then calls done (with the I/O
   * error, if any). A crash before done leaves path as it was, and tempPath maybe in part.
   */
  replaceDurablyAsync(tempPath: string, path: string, data: Uint8Array, done: (error: unknown) => void): void;
  /** makes creations, renames and removals in dir durable */
  fsyncDir(dir: string): void;
  /** replaces to atomically */
  rename(from: string, to: string): void;
  remove(path: string): void;
  /** cuts the file to size bytes (durable after fsync(path)) */
  truncate(path: string, size: number): void;
  /** releases any handles (further calls may reopen) */
  close(): void;
}

export function joinPath(dir: string, name: string): string {
  return dir.endsWith('/') ? dir + name : `${dir}/${name}`;
}

// LOAD CSV's access to the import directory: which URLs may be read (Neo4j's URL access rules) and
// the file read a chunk at a time (synchronous reads of 64 KiB, decoded as UTF-8 across chunk
// boundaries), so an import of any size streams.

import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { isAbsolute, join, normalize, resolve, sep } from 'node:path';
import { Neo4jError, Status, type StatusCode } from '../../core/errors.js';
import type { CsvImportSource, CsvResource } from '../../execution/api.js';

export interface CsvImportSettings {
  /** absolute import directory (server.directories.import / dbms.directories.import) */
  readonly importDir: string;
  /** dbms.security.allow_csv_import_from_file_urls */
  readonly allowFileUrls: boolean;
  readonly legacyQuoteEscaping: boolean;
  readonly maxFieldChars: number;
}

const CHUNK_BYTES = 64 * 1024;
const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*):/;

function refused(url: string, reason: string, status: StatusCode = Status.ExternalResourceFailed): Neo4jError {
  return new Neo4jError(status, `Cannot load from URL '${url}': ${reason}`);
}

/**
 * The absolute path a `file:` URL names inside the import directory, as Neo4j resolves it: the
 * URL's path is taken relative to the directory, and a path that climbs out of it is refused.
 */
export function resolveImportPath(url: string, settings: CsvImportSettings): string {
  const scheme = SCHEME.exec(url)?.[1]?.toLowerCase();
  if (scheme === undefined) throw new Neo4jError(Status.ExternalResourceFailed, `Invalid URL '${url}': no protocol: ${url}`);
  if (scheme === 'http' || scheme === 'https' || scheme === 'ftp') {
    throw refused(url, `LOAD CSV from ${scheme} URLs is not supported by Causeway (it has no network access for imports); copy the file into the import directory and use a file:/// URL`, Status.FeatureNotSupported);
  }
  if (scheme !== 'file') throw refused(url, `loading resources via protocol '${scheme}' is not permitted`);
  if (!settings.allowFileUrls) throw refused(url, "configuration property 'dbms.security.allow_csv_import_from_file_urls' is false");
  let rest = url.slice(scheme.length + 1);
  if (rest.includes('?')) throw refused(url, 'file URL may not contain a query component');
  if (rest.includes('#')) throw refused(url, 'file URL may not contain a fragment component');
  if (rest.startsWith('//')) {
    const slash = rest.indexOf('/', 2);
    const authority = slash === -1 ? rest.slice(2) : rest.slice(2, slash);
    if (authority !== '' && authority.toLowerCase() !== 'localhost') {
      throw refused(url, "file URL may not contain an authority section (i.e. it should be 'file:///')");
    }
    rest = slash === -1 ? '/' : rest.slice(slash);
  }
  let path: string;
  try {
    path = decodeURIComponent(rest);
  } catch {
    throw new Neo4jError(Status.ExternalResourceFailed, `Invalid URL '${url}': malformed percent-encoding`);
  }
  if (path.includes('\0')) throw refused(url, 'file URL may not contain a NUL character');
  const root = normalize(resolve(settings.importDir));
  const target = normalize(join(root, path.startsWith('/') ? path : `/${path}`));
  if (target !== root && !target.startsWith(root.endsWith(sep) ? root : root + sep)) {
    throw refused(url, 'file URL points outside configured import directory');
  }
  return target;
}

class ImportFile implements CsvResource {
  private readonly buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  private readonly decoder = new TextDecoder('utf-8');
  private fd: number | null;
  private done = false;

  constructor(readonly description: string, fd: number) {
    this.fd = fd;
  }

  readChunk(): string | null {
    if (this.done || this.fd === null) return null;
    for (;;) {
      const n = readSync(this.fd, this.buffer, 0, CHUNK_BYTES, null);
      if (n === 0) {
        this.done = true;
        const tail = this.decoder.decode();
        return tail === '' ? null : tail;
      }
      const text = this.decoder.decode(this.buffer.subarray(0, n), { stream: true });
      if (text !== '') return text;
    }
  }

  close(): void {
    if (this.fd !== null) {
      closeSync(this.fd);
      this.fd = null;
    }
  }
}

/** LOAD CSV's source over a real import directory. */
export function importDirectorySource(settings: CsvImportSettings): CsvImportSource {
  if (!isAbsolute(settings.importDir)) throw new Error(`invariant violated: import directory ${settings.importDir} is not absolute`);
  return {
    legacyQuoteEscaping: settings.legacyQuoteEscaping,
    maxFieldChars: settings.maxFieldChars,
    open(url) {
      const path = resolveImportPath(url, settings);
      let fd: number;
      try {
        fd = openSync(path, 'r');
      } catch {
        throw new Neo4jError(Status.ExternalResourceFailed, `Couldn't load the external resource at: file:${path}`);
      }
      try {
        if (!fstatSync(fd).isFile()) throw new Neo4jError(Status.ExternalResourceFailed, `Couldn't load the external resource at: file:${path}`);
      } catch (error) {
        closeSync(fd);
        throw error;
      }
      return new ImportFile(path, fd);
    },
  };
}

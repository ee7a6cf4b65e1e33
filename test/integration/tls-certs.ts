// Test certificates made with the openssl command: a CA, certificates it signs (server or
// client, with localhost and 127.0.0.1 as subject alternative names unless told otherwise), a revocation list, and a
// second CA nobody trusts. Everything lives in one temporary directory the caller removes.

import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const opensslMissing = spawnSync('openssl', ['version'], { stdio: 'ignore' }).status !== 0;

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: 'pipe', timeout: 30_000 });
}

export interface CertificateAuthority {
  readonly dir: string;
  readonly certPath: string;
  /** signs a new key pair; returns the paths of private.key and public.crt in `<ca dir>/<name>/` */
  issue(name: string, options?: { readonly keyPassword?: string; readonly subjectAltName?: string }): { keyPath: string; certPath: string };
  /** revokes a certificate issued before and writes the CA's current revocation list; returns its path */
  revoke(name: string): string;
  /** the CA's revocation list (none revoked yet is a valid, empty list) */
  crl(): string;
}

/** A CA in `<root>/<name>` with an openssl `ca` database, so it can revoke. */
export function makeCa(root: string, name: string): CertificateAuthority {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'crlnumber'), '1000\n');
  writeFileSync(join(dir, 'ca.cnf'), [
    '[ca]', 'default_ca = local', '[local]', `dir = ${dir}`, 'database = $dir/index.txt', 'crlnumber = $dir/crlnumber',
    'default_md = sha256', 'default_crl_days = 1', '',
  ].join('\n'));
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2',
    '-subj', `/CN=${name}`, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
  const certPath = join(dir, 'ca.crt');
  let serial = 1;
  const ca: CertificateAuthority = {
    dir, certPath,
    issue(leaf, options = {}) {
      const out = join(dir, leaf);
      mkdirSync(out, { recursive: true });
      const keyArgs = options.keyPassword === undefined ? ['-nodes'] : ['-passout', `pass:${options.keyPassword}`];
      openssl(['req', '-newkey', 'rsa:2048', ...keyArgs, '-keyout', 'private.key', '-out', 'req.csr', '-subj', `/CN=${leaf}`], out);
      const san = options.subjectAltName ?? 'DNS:localhost,IP:127.0.0.1';
      writeFileSync(join(out, 'ext.cnf'), `subjectAltName=${san}\nextendedKeyUsage=serverAuth,clientAuth\n`);
      openssl(['x509', '-req', '-in', 'req.csr', '-CA', join(dir, 'ca.crt'), '-CAkey', join(dir, 'ca.key'), '-set_serial', String(serial++ + 100),
        '-days', '1', '-extfile', 'ext.cnf', '-out', 'public.crt'], out);
      return { keyPath: join(out, 'private.key'), certPath: join(out, 'public.crt') };
    },
    revoke(leaf) {
      openssl(['ca', '-config', 'ca.cnf', '-keyfile', 'ca.key', '-cert', 'ca.crt', '-revoke', join(dir, leaf, 'public.crt')], dir);
      return ca.crl();
    },
    crl() {
      openssl(['ca', '-config', 'ca.cnf', '-keyfile', 'ca.key', '-cert', 'ca.crt', '-gencrl', '-out', 'ca.crl'], dir);
      return join(dir, 'ca.crl');
    },
  };
  return ca;
}

/**
 * Lays out a policy's base directory as Neo4j expects it: private.key, public.crt, trusted/ (the
 * CA certificates given) and revoked/ (the CRL files given).
 */
export function writePolicyDirectory(
  base: string, leaf: { keyPath: string; certPath: string }, trusted: readonly string[], revoked: readonly string[] = [],
): void {
  mkdirSync(join(base, 'trusted'), { recursive: true });
  mkdirSync(join(base, 'revoked'), { recursive: true });
  copyFileSync(leaf.keyPath, join(base, 'private.key'));
  copyFileSync(leaf.certPath, join(base, 'public.crt'));
  trusted.forEach((path, i) => copyFileSync(path, join(base, 'trusted', `ca-${i}.crt`)));
  revoked.forEach((path, i) => copyFileSync(path, join(base, 'revoked', `crl-${i}.crl`)));
}

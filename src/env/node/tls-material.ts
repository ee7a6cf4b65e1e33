// Turns an SSL policy (src/server/tls.ts) into what Node's TLS needs: reads the key, certificate
// chain, trusted certificates and revocation lists, and builds one secure context used both to
// accept (server side, client certificates checked per client_auth) and to dial (cluster links:
// the server's certificate checked against trusted_dir, the hostname if verify_hostname).
// Every problem with the files is a startup error naming the setting and the path.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { checkServerIdentity, createSecureContext, type ConnectionOptions, type SecureContext, type SecureContextOptions, type TLSSocket, type TlsOptions } from 'node:tls';
import type { SecureVersion } from 'node:tls';
import { ConfigError } from '../../server/config/sources.js';
import { policySettingName, type SslPolicy } from '../../server/tls.js';

export interface TlsMaterial {
  readonly policy: SslPolicy;
  readonly secureContext: SecureContext;
  /** options for a TLS server (tls.createServer, https.createServer); check refusal() on each secure connection */
  readonly serverOptions: TlsOptions;
  /** options to dial a peer of this policy */
  clientOptions(host: string): ConnectionOptions;
  /**
   * Why an accepted socket must be closed after its handshake, or undefined. Needed for
   * client_auth=OPTIONAL: a client without a certificate is let in, one with an untrusted or revoked
   * certificate is not.
   */
  refusal(socket: TLSSocket): string | undefined;
  /** number of trusted certificates and revocation lists loaded, for the startup log */
  readonly trustedCount: number;
  readonly revokedCount: number;
}

function readRequired(path: string, setting: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'the file does not exist' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
    throw new ConfigError(`Cannot read the ${what} ${path} (${setting}): ${why}`);
  }
}

/** Every regular file in `dir` (PEM files, as Neo4j reads them); a missing directory is empty. */
function readDirectory(dir: string, setting: string): Buffer[] {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new ConfigError(`Cannot read the directory ${dir} (${setting}): ${(error as Error).message}`);
  }
  const out: Buffer[] = [];
  for (const name of names) {
    const path = join(dir, name);
    if (!statSync(path).isFile()) continue;
    out.push(readRequired(path, setting, 'file'));
  }
  return out;
}

const VERSION_ORDER: readonly SecureVersion[] = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];

export function loadTlsMaterial(policy: SslPolicy): TlsMaterial {
  const keySetting = policySettingName(policy, 'private_key');
  const certSetting = policySettingName(policy, 'public_certificate');
  const key = readRequired(policy.privateKeyPath, keySetting, 'private key');
  const cert = readRequired(policy.publicCertificatePath, certSetting, 'public certificate');
  const trusted = policy.trustAll ? [] : readDirectory(policy.trustedDir, policySettingName(policy, 'trusted_dir'));
  const revoked = readDirectory(policy.revokedDir, policySettingName(policy, 'revoked_dir'));
  // Node's TLS can enable a contiguous range of versions only: the lowest to the highest listed.
  const ordered = policy.tlsVersions.map((v) => VERSION_ORDER.indexOf(v)).sort();
  const minVersion = VERSION_ORDER[ordered[0]!]!;
  const maxVersion = VERSION_ORDER[ordered[ordered.length - 1]!]!;
  const contextOptions: SecureContextOptions = {
    key, cert, minVersion, maxVersion,
    ...(policy.privateKeyPassword !== undefined ? { passphrase: policy.privateKeyPassword } : {}),
    ...(trusted.length > 0 ? { ca: trusted } : {}),
    ...(revoked.length > 0 ? { crl: revoked } : {}),
    ...(policy.ciphers !== undefined ? { ciphers: policy.ciphers.join(':') } : {}),
  };
  let secureContext: SecureContext;
  try {
    secureContext = createSecureContext(contextOptions);
  } catch (error) {
    const message = (error as Error).message;
    const hint = /bad decrypt|bad password|PEM_read_bio|DECODER/i.test(message)
      ? ` (is ${policySettingName(policy, 'private_key_password')} right, and are ${keySetting} and ${certSetting} PEM files?)`
      : /key values mismatch/i.test(message) ? ` (${keySetting} does not belong to ${certSetting})`
        : /cipher/i.test(message) ? ` (${policySettingName(policy, 'ciphers')})` : '';
    throw new ConfigError(`SSL policy '${policy.name}' cannot be used: ${message}${hint}`);
  }
  const needsTrust = policy.clientAuth === 'REQUIRE' || policy.scope === 'cluster' || policy.scope === 'backup';
  if (needsTrust && !policy.trustAll && trusted.length === 0) {
    throw new ConfigError(`SSL policy '${policy.name}' trusts no certificate: put the CA certificates in ${policy.trustedDir} ` +
      `(${policySettingName(policy, 'trusted_dir')}), or set ${policySettingName(policy, 'trust_all')}=true`);
  }
  // OPTIONAL asks for a certificate only when there is something to check it against.
  const requestCert = policy.clientAuth === 'REQUIRE' || (policy.clientAuth === 'OPTIONAL' && (trusted.length > 0 || policy.trustAll));
  // tls.Server builds its context from the options themselves. Certificates are judged after the
  // handshake by refusal() (rejectUnauthorized stays off), so every refused client gets a log line.
  const serverOptions: TlsOptions = { ...contextOptions, requestCert, rejectUnauthorized: false };
  return {
    policy, secureContext, serverOptions, trustedCount: trusted.length, revokedCount: revoked.length,
    clientOptions: (host) => ({
      secureContext, rejectUnauthorized: !policy.trustAll,
      // an IP address cannot be sent as SNI
      ...(/^[\d.]+$|:/.test(host) ? {} : { servername: host }),
      checkServerIdentity: policy.verifyHostname ? checkServerIdentity : () => undefined,
    }),
    refusal: (socket) => {
      if (!requestCert || policy.trustAll) return undefined;
      const presented = socket.getPeerCertificate();
      if (presented === null || Object.keys(presented).length === 0) {
        return policy.clientAuth === 'REQUIRE' ? 'client certificate refused: no certificate presented (client_auth is REQUIRE)' : undefined;
      }
      if (socket.authorized) return undefined;
      return `client certificate refused: ${String(socket.authorizationError ?? 'not trusted')}`;
    },
  };
}

/** One line for the startup log: what the policy uses, never the key or its password. */
export function describeTls(material: TlsMaterial): string {
  const p = material.policy;
  const versions = p.tlsVersions.join(',');
  return `SSL policy '${p.name}': certificate ${p.publicCertificatePath}, client_auth ${p.clientAuth}, ${versions}, ` +
    `${p.trustAll ? 'trusting all' : `${material.trustedCount} trusted`}, ${material.revokedCount} revocation list(s)`;
}

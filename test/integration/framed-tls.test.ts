// Proves the cluster link layer (framed-tcp over TLS, from a cluster SSL policy) on real sockets:
// verify_hostname refuses a certificate that does not name the host dialled and accepts one that
// does, trust_all accepts any certificate, and the refusal reaches onRefused on the dialling side.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listenFramed, OutboundLink, type FramedTls } from '../../src/env/node/framed-tcp.js';
import { loadTlsMaterial } from '../../src/env/node/tls-material.js';
import { sslPolicy } from '../../src/server/tls.js';
import { makeCa, opensslMissing, writePolicyDirectory } from './tls-certs.js';

const LIMITS = { maxFrameBytes: 1024, maxBufferedBytes: 64 * 1024 };

function framedTls(baseDirectory: string, settings: Record<string, string>, refusals: string[]): FramedTls {
  const raw = new Map(Object.entries({ 'dbms.ssl.policy.cluster.enabled': 'true', 'dbms.ssl.policy.cluster.base_directory': baseDirectory, ...settings }));
  const material = loadTlsMaterial(sslPolicy({ home: '/', raw }, 'cluster')!);
  return { ...material, onRefused: (_peer, reason) => refusals.push(reason) };
}

/** Dials `host` at the listener with `client` TLS; resolves with the frame echoed back or the first refusal. */
async function exchange(server: FramedTls, client: FramedTls, host: string, refusals: string[]): Promise<string> {
  const listener = await listenFramed('127.0.0.1', 0, { onFrame: (link, frame) => link.send(frame) }, LIMITS, server);
  let link: OutboundLink | undefined;
  try {
    return await new Promise<string>((resolve) => {
      const timer = setTimeout(() => resolve(`timeout; refusals: ${refusals.join(' | ')}`), 10_000);
      const poll = setInterval(() => {
        if (refusals.length === 0) return;
        clearInterval(poll);
        clearTimeout(timer);
        resolve(`refused: ${refusals[0]}`);
      }, 20);
      link = new OutboundLink('peer', host, listener.address.port, {
        onOpen: (opened) => opened.send(Buffer.from('ping')),
        onFrame: (_link, frame) => {
          clearInterval(poll);
          clearTimeout(timer);
          resolve(Buffer.from(frame).toString());
        },
      }, LIMITS, client);
    });
  } finally {
    link?.close();
    await listener.close();
  }
}

test('cluster links: verify_hostname checks the dialled name, trust_all trusts any certificate', {
  timeout: 60_000, skip: opensslMissing ? 'the openssl command is needed to make test certificates' : false,
}, async () => {
  // Hostname verification is what stops a trusted-but-wrong member from impersonating another.
  const root = mkdtempSync(join(tmpdir(), 'causeway-framed-tls-'));
  try {
    const ca = makeCa(root, 'ca');
    const stranger = makeCa(root, 'stranger');
    const dir = (name: string): string => join(root, 'policies', name);
    writePolicyDirectory(dir('right-name'), ca.issue('right-name'), [ca.certPath]);
    writePolicyDirectory(dir('wrong-name'), ca.issue('wrong-name', { subjectAltName: 'DNS:other.example' }), [ca.certPath]);
    writePolicyDirectory(dir('client'), ca.issue('client'), [ca.certPath]);
    writePolicyDirectory(dir('stranger'), stranger.issue('stranger'), [stranger.certPath]);

    const noted: string[] = [];
    const server = (name: string): FramedTls => framedTls(dir(name), { 'dbms.ssl.policy.cluster.client_auth': 'NONE' }, noted);
    let refusals: string[] = [];
    const client = (settings: Record<string, string>): FramedTls => framedTls(dir('client'), settings, refusals);

    assert.equal(await exchange(server('right-name'), client({ 'dbms.ssl.policy.cluster.verify_hostname': 'true' }), 'localhost', refusals), 'ping');
    refusals = [];
    assert.match(await exchange(server('wrong-name'), client({ 'dbms.ssl.policy.cluster.verify_hostname': 'true' }), 'localhost', refusals),
      /^refused: .*(Hostname|altnames)/i);
    refusals = [];
    assert.equal(await exchange(server('wrong-name'), client({}), 'localhost', refusals), 'ping', 'verify_hostname is off by default');
    refusals = [];
    assert.match(await exchange(server('stranger'), client({}), '127.0.0.1', refusals), /^refused: .*(self-signed|unable to verify|issuer)/i);
    refusals = [];
    assert.equal(await exchange(server('stranger'), client({ 'dbms.ssl.policy.cluster.trust_all': 'true' }), '127.0.0.1', refusals), 'ping');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

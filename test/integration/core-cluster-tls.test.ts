// Proves the cluster SSL policy on real processes: three cores and a read replica whose discovery,
// Raft and catch-up links are mutual TLS (client_auth=REQUIRE, certificates from one test CA) form
// a cluster and replicate writes, and a core whose certificate that CA did not sign is refused
// with a log line on both sides and never joins or sees the data. With HTTPS on, the overview and
// SHOW SERVERS list each member's https address.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import neo4j from 'neo4j-driver';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { countLabel, eventually, startCluster, type ClusterMember } from './cluster-harness.js';
import { makeCa, opensslMissing, writePolicyDirectory } from './tls-certs.js';

const CLUSTER_TLS_SETTINGS = {
  'dbms.ssl.policy.cluster.enabled': 'true', 'dbms.ssl.policy.cluster.client_auth': 'REQUIRE',
  // HTTPS too, so the overview and SHOW SERVERS list each member's https:// address
  'server.https.enabled': 'true', 'server.https.listen_address': '127.0.0.1:0', 'dbms.ssl.policy.https.enabled': 'true',
};

test('cluster traffic over mutual TLS: 3 cores and a replica replicate writes; a core with an untrusted certificate is refused',
  { timeout: 180_000, skip: opensslMissing ? 'the openssl command is needed to make test certificates' : false }, async () => {
  // Every member presents a certificate signed by the cluster CA and checks the others' against it.
  const pkiRoot = mkdtempSync(join(tmpdir(), 'causeway-cluster-pki-'));
  // no core started yet: each gets its certificates before its first start
  const cluster = await startCluster({ cores: 0, formation: 3, runtime: 3, settings: CLUSTER_TLS_SETTINGS });
  try {
    const ca = makeCa(pkiRoot, 'cluster-ca');
    const stranger = makeCa(pkiRoot, 'stranger-ca');
    const equip = (member: ClusterMember, signer = ca): void => {
      writePolicyDirectory(join(member.home, 'certificates', 'cluster'), signer.issue(member.name), [ca.certPath]);
      writePolicyDirectory(join(member.home, 'certificates', 'https'), ca.issue(`${member.name}-https`), []);
    };
    for (let i = 0; i < 3; i++) equip(await cluster.addCore());
    await Promise.all(cluster.cores().map((core) => core.start()));
    for (const core of cluster.cores()) {
      assert.match(core.output(), /Cluster traffic encrypted \(SSL policy 'cluster': .*client_auth REQUIRE, TLSv1\.2,TLSv1\.3, 1 trusted/);
    }
    const leader = await cluster.waitForLeader(60_000);
    await eventually('the overview to list every core\'s https address', async () => {
      const rows = (await leader.driver().executeQuery('CALL dbms.cluster.overview() YIELD addresses RETURN addresses')).records;
      return rows.length === 3 && rows.every((r) => (r.get('addresses') as string[]).some((a) => /^https:\/\/127\.0\.0\.1:\d+$/.test(a)));
    });
    const servers = await leader.driver().executeQuery('SHOW SERVERS YIELD httpsAddress RETURN httpsAddress');
    assert.ok(servers.records.every((r) => /^127\.0\.0\.1:\d+$/.test(r.get('httpsAddress') as string)), 'SHOW SERVERS httpsAddress');

    const session = leader.driver().session();
    for (let i = 0; i < 20; i++) await session.executeWrite((tx) => tx.run('CREATE (:Secret {i: $i})', { i }));
    const bookmarks = session.lastBookmarks();
    await session.close();
    for (const core of cluster.cores()) assert.equal(await countLabel(core, 'Secret', bookmarks), 20, core.name);

    // a read replica pulls over the TLS catch-up link
    const replica = await cluster.addReplica();
    equip(replica);
    await replica.start();
    await eventually('the replica to catch up', async () => (await countLabel(replica, 'Secret')) === 20, 60_000);

    // an intruder: trusts the cluster CA, but its own certificate comes from another CA
    const intruder = await cluster.addCore();
    equip(intruder, stranger);
    await intruder.start();
    await eventually('the members to refuse the intruder', () => cluster.cores().slice(0, 3).some((core) =>
      /Cluster connection from 127\.0\.0\.1:\d+ refused by the cluster SSL policy: client certificate refused: UNABLE_TO_VERIFY_LEAF_SIGNATURE/.test(core.output())), 30_000);
    await eventually('the intruder to log its failed handshake', () =>
      /Cluster connection to 127\.0\.0\.1:\d+ failed its TLS handshake \(cluster SSL policy\)/.test(intruder.output()), 30_000);
    // it never joins: the members' overview still lists three cores and the replica, and it has no data
    const overview = await leader.driver().executeQuery('CALL dbms.cluster.overview() YIELD role RETURN role');
    assert.deepEqual(overview.records.map((r) => r.get('role') as string).sort(), ['FOLLOWER', 'FOLLOWER', 'LEADER', 'READ_REPLICA']);
    const intruderCount = await intruder.driver().executeQuery('MATCH (n:Secret) RETURN count(n) AS c', {}, { routing: neo4j.routing.READ })
      .then((r) => Number(r.records[0]!.get('c')), (error: { code?: string }) => error.code ?? 'error');
    assert.notEqual(intruderCount, 20);
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${cluster.outputs()}`);
  } finally {
    await cluster.stopAll();
    rmSync(pkiRoot, { recursive: true, force: true });
  }
});

// A core's cluster state on disk, under <data>/cluster-state/ as in Neo4j: its member id
// (created once), the cluster it is bound to, and the Raft write-ahead log (raft/).

import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClusterBinding, ClusterStateStore } from '../../cluster/binding.js';
import { writeFileDurably } from './file-checkpoint.js';

export class ClusterStateFiles implements ClusterStateStore {
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  get raftDir(): string {
    return join(this.dir, 'raft');
  }

  /** the member id, made (durably) on first start */
  memberId(): string {
    const path = join(this.dir, 'member-id');
    if (existsSync(path)) {
      const id = readFileSync(path, 'utf8').trim();
      if (/^[0-9a-f-]{36}$/.test(id)) return id;
      throw new Error(`${path} does not hold a member id; remove it to make a new one (the member then joins as a new core)`);
    }
    const id = randomUUID();
    writeFileDurably(path, new TextEncoder().encode(`${id}\n`));
    return id;
  }

  loadBinding(): ClusterBinding | null {
    const path = join(this.dir, 'cluster.json');
    if (!existsSync(path)) return null;
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<ClusterBinding>;
    if (typeof parsed.clusterId !== 'string' || !Array.isArray(parsed.initialVoters)) {
      throw new Error(`${path} is damaged: it should name the cluster id and its initial voters`);
    }
    const seed = parsed.seed;
    const validSeed = seed !== undefined && typeof seed.memberId === 'string' && typeof seed.txId === 'number';
    return { clusterId: parsed.clusterId, initialVoters: parsed.initialVoters.map(String), ...(validSeed ? { seed: { memberId: seed.memberId, txId: seed.txId } } : {}) };
  }

  saveBinding(binding: ClusterBinding): void {
    writeFileDurably(join(this.dir, 'cluster.json'), new TextEncoder().encode(`${JSON.stringify(binding, null, 2)}\n`));
  }
}

export function newClusterId(): string {
  return randomUUID();
}

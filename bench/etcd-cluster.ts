// A three-member etcd cluster (Debian's etcd-server) on loopback, the anchor for the replicated
// write figures: single-key puts through etcd's JSON gateway (POST /v3/kv/put) over kept-alive
// HTTP connections, the closest thing to a driver round trip that needs no extra client library.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { freeLoopbackPort } from './server-process.js';

export interface EtcdMember {
  readonly name: string;
  readonly clientPort: number;
  readonly peerPort: number;
  child: ChildProcess | undefined;
}

export function etcdAvailable(): boolean {
  return spawnSync('etcd', ['--version'], { encoding: 'utf8' }).status === 0;
}

export class EtcdCluster {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 256 });

  private constructor(readonly members: EtcdMember[], private readonly dir: string, private readonly initialCluster: string) {}

  static async start(dir: string, size = 3): Promise<EtcdCluster> {
    const members: EtcdMember[] = [];
    for (let i = 0; i < size; i++) members.push({ name: `etcd${i + 1}`, clientPort: await freeLoopbackPort(), peerPort: await freeLoopbackPort(), child: undefined });
    const initialCluster = members.map((m) => `${m.name}=http://127.0.0.1:${m.peerPort}`).join(',');
    const cluster = new EtcdCluster(members, dir, initialCluster);
    for (const member of members) cluster.launch(member, 'new');
    await cluster.waitForLeader(30_000);
    return cluster;
  }

  launch(member: EtcdMember, state: 'new' | 'existing'): void {
    const dataDir = join(this.dir, member.name);
    mkdirSync(dataDir, { recursive: true });
    member.child = spawn('etcd', [
      '--name', member.name, '--data-dir', dataDir,
      '--listen-client-urls', `http://127.0.0.1:${member.clientPort}`, '--advertise-client-urls', `http://127.0.0.1:${member.clientPort}`,
      '--listen-peer-urls', `http://127.0.0.1:${member.peerPort}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${member.peerPort}`,
      '--initial-cluster', this.initialCluster, '--initial-cluster-state', state, '--initial-cluster-token', 'causeway-bench',
      '--log-level', 'error',
    ], { stdio: 'ignore' });
  }

  post(member: EtcdMember, path: string, body: object, timeoutMs = 5000): Promise<Record<string, unknown>> {
    return postEtcd(this.agent, member.clientPort, path, body, timeoutMs);
  }

  put(member: EtcdMember, key: string, value: string, timeoutMs = 5000): Promise<unknown> {
    return putEtcd(this.agent, member.clientPort, key, value, timeoutMs);
  }

  async leader(): Promise<EtcdMember | undefined> {
    for (const member of this.members) {
      if (member.child === undefined) continue;
      try {
        const status = await this.post(member, '/v3/maintenance/status', {}, 1000);
        const header = status['header'] as { member_id?: string } | undefined;
        if (status['leader'] !== undefined && header?.member_id === status['leader']) return member;
      } catch {
        // not answering
      }
    }
    return undefined;
  }

  async waitForLeader(timeoutMs: number): Promise<EtcdMember> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const leader = await this.leader();
      if (leader !== undefined) {
        try {
          await this.put(leader, 'probe', 'x');
          return leader;
        } catch {
          // not ready
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('etcd elected no leader');
  }

  kill9(member: EtcdMember): void {
    if (member.child?.pid !== undefined) process.kill(member.child.pid, 'SIGKILL');
    member.child = undefined;
  }

  async stop(): Promise<void> {
    for (const member of this.members) {
      const child = member.child;
      if (child?.pid === undefined) continue;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      process.kill(child.pid, 'SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
      if (child.exitCode === null && child.signalCode === null) process.kill(child.pid, 'SIGKILL');
      member.child = undefined;
    }
    this.agent.destroy();
  }
}

/** one JSON request to etcd's gateway on a client port, over the agent's kept-alive connections */
export function postEtcd(agent: Agent, port: number, path: string, body: object, timeoutMs = 5000): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const data = JSON.stringify(body);
    const req = request({
      host: '127.0.0.1', port, path, method: 'POST', agent, timeout: timeoutMs,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk)).on('end', () => {
        if (res.statusCode !== 200) return reject(new Error(`etcd ${path}: ${res.statusCode} ${text}`));
        try {
          resolve(JSON.parse(text) as Record<string, unknown>);
        } catch (error) {
          reject(error as Error);
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error('etcd request timed out')));
    req.on('error', reject);
    req.end(data);
  });
}

/** a single-key put, etcd's counterpart of one replicated write */
export function putEtcd(agent: Agent, port: number, key: string, value: string, timeoutMs = 5000): Promise<unknown> {
  return postEtcd(agent, port, '/v3/kv/put', { key: Buffer.from(key).toString('base64'), value: Buffer.from(value).toString('base64') }, timeoutMs);
}

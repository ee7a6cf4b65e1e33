// A TCP proxy in front of one cluster member's discovery, raft and catch-up ports, which the test
// controls to cut the network between chosen members. Each link names its sender in its first
// frame (a discovery frame is the sender's MemberInfo, a raft or catch-up link starts with a
// handshake naming the member), so the proxy can tell who is talking to whom and drop exactly
// the links of a partitioned pair, both ways. Only 127.0.0.1; bounded by the sockets it holds.

import { createConnection, createServer, type Server, type Socket } from 'node:net';

/** Unordered pairs of member ids that may not talk, shared by every member's proxies. */
export class Partition {
  private readonly blocked = new Set<string>();
  private readonly listeners = new Set<() => void>();

  private key(a: string, b: string): string {
    return a < b ? `${a}|${b}` : `${b}|${a}`;
  }

  isolate(groups: readonly (readonly string[])[]): void {
    this.blocked.clear();
    for (let i = 0; i < groups.length; i++) {
      for (let j = i + 1; j < groups.length; j++) {
        for (const a of groups[i]!) for (const b of groups[j]!) this.blocked.add(this.key(a, b));
      }
    }
    for (const listener of this.listeners) listener();
  }

  heal(): void {
    this.blocked.clear();
  }

  blocks(a: string, b: string): boolean {
    return this.blocked.has(this.key(a, b));
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

interface Link {
  readonly client: Socket;
  readonly upstream: Socket;
  from: string | undefined;
}

/** Proxies one listening port (127.0.0.1:listenPort → 127.0.0.1:targetPort) for the member `memberId()`. */
export async function startProxy(targetPort: number, memberId: () => string | undefined, partition: Partition): Promise<{ port: number; close(): Promise<void> }> {
  const links = new Set<Link>();
  const cut = (link: Link): void => {
    link.client.destroy();
    link.upstream.destroy();
    links.delete(link);
  };
  const judge = (link: Link): void => {
    const to = memberId();
    if (link.from !== undefined && to !== undefined && partition.blocks(link.from, to)) cut(link);
  };
  const stopWatching = partition.onChange(() => {
    for (const link of [...links]) judge(link);
  });
  const server: Server = createServer((client) => {
    const upstream = createConnection({ host: '127.0.0.1', port: targetPort });
    const link: Link = { client, upstream, from: undefined };
    links.add(link);
    let head = Buffer.alloc(0);
    client.on('data', (chunk: Buffer) => {
      if (link.from === undefined && head.length < 64 * 1024) {
        head = Buffer.concat([head, chunk]);
        if (head.length >= 4) {
          const length = head.readUInt32BE(0);
          if (head.length >= 4 + length) {
            try {
              const first = JSON.parse(head.subarray(4, 4 + length).toString('utf8')) as { memberId?: unknown };
              if (typeof first.memberId === 'string') link.from = first.memberId;
            } catch {
              // not a named frame: passed on unjudged
            }
            judge(link);
          }
        }
      }
      if (links.has(link)) upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (links.has(link)) client.write(chunk);
    });
    const end = (): void => cut(link);
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as import('node:net').AddressInfo).port,
    close: async () => {
      stopWatching();
      for (const link of [...links]) cut(link);
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

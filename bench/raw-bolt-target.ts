// Causeway reached with the minimal Bolt client instead of neo4j-driver: the same server and data
// as the driver target, so the difference between the two is what the driver costs.
import { RawBoltConnection } from './raw-bolt.js';
import type { ServerProcess } from './server-process.js';
import type { BenchReader, BenchTarget, BenchWriter, LoadFigures, ReadQuerySpec } from './workload.js';
import { WRITE_CYPHER } from './workload.js';

const USER_AGENT = 'causeway-bench-raw/1';

export async function openRawBoltTarget(server: ServerProcess): Promise<BenchTarget> {
  const reader = await RawBoltConnection.open(server.port, USER_AGENT);
  return {
    name: 'causeway-raw',
    load(): Promise<LoadFigures> {
      return Promise.reject(new Error('the raw Bolt target reads the graph the driver target loaded'));
    },
    read(query: ReadQuerySpec, personName: string): Promise<number> {
      return reader.run(query.cypher, query.takesName ? { name: personName } : {});
    },
    async openReader(): Promise<BenchReader> {
      const connection = await RawBoltConnection.open(server.port, USER_AGENT);
      return {
        read: (query: ReadQuerySpec, personName: string) => connection.run(query.cypher, query.takesName ? { name: personName } : {}),
        close: () => connection.close(),
      };
    },
    async openWriter(): Promise<BenchWriter> {
      const connection = await RawBoltConnection.open(server.port, USER_AGENT);
      return {
        async write(id: number, value: string): Promise<void> {
          await connection.run(WRITE_CYPHER, { id, v: value });
        },
        close: () => connection.close(),
      };
    },
    residentBytes: () => server.residentBytes(),
    serverCpuMs: () => server.cpuMs(),
    close: () => reader.close(),
  };
}

// causal_clustering.discovery_type: how initial_discovery_members become addresses.
//   LIST — as written;
//   DNS  — each host name stands for every A (and AAAA) record it has, on the port given;
//   SRV  — each name is an SRV record naming the members and their ports.
import { promises as dns } from 'node:dns';

export interface DiscoveryAddress {
  readonly host: string;
  readonly port: number;
}

export async function resolveDiscoveryMembers(type: 'LIST' | 'DNS' | 'SRV', members: readonly DiscoveryAddress[]): Promise<DiscoveryAddress[]> {
  if (type === 'LIST') return [...members];
  const out: DiscoveryAddress[] = [];
  for (const member of members) {
    try {
      if (type === 'DNS') {
        const records = await dns.lookup(member.host, { all: true });
        for (const record of records) out.push({ host: record.address, port: member.port });
      } else {
        for (const record of await dns.resolveSrv(member.host)) out.push({ host: record.name, port: record.port });
      }
    } catch {
      // a name that does not resolve yet (a member not started) is tried again on the next round
    }
  }
  return out;
}

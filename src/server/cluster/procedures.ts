// The cluster's procedures: Neo4j's dbms.cluster.overview() / dbms.cluster.role(), TuGraph's
// db.bolt.* raft procedures, leadership transfer, and the SHOW SERVERS / SHOW DATABASES rows
// of a core. Membership operations run on the leader and go through the Raft log.

import { Neo4jError, Status } from '../../core/errors.js';
import type { CoreMember } from '../../cluster/core-member.js';
import type { ClusterView } from '../../cluster/view.js';
import type { ProcedureSignature } from '../../execution/api.js';
import { type ShowSource, DATABASE_COLUMNS } from '../../cypher/runtime/show.js';
import type { CypherValue } from '../../values/value.js';
import { clusterMembers, type ClusterMemberView } from './routing.js';

function addressesOf(view: ClusterMemberView): string[] {
  return [`bolt://${view.boltAddress}`, ...(view.httpAddress === null ? [] : [`http://${view.httpAddress}`]), ...(view.httpsAddress === null ? [] : [`https://${view.httpsAddress}`])];
}

/** the member a TuGraph-style id names: a member id, or its position (1-based) in the overview */
function resolveMemberId(member: CoreMember, id: CypherValue): string {
  const members = clusterMembers(member);
  const known = new Set([...members.map((m) => m.memberId), ...member.status().voters, ...member.status().learners]);
  const text = String(id);
  if (known.has(text) || member.discovery.info(text) !== undefined) return text;
  if (typeof id === 'bigint') {
    const ordered = [...known].sort();
    const picked = ordered[Number(id) - 1];
    if (picked !== undefined) return picked;
  }
  throw new Neo4jError(Status.ArgumentError, `No cluster member with id ${String(id)}; CALL db.bolt.listRaftNodes() lists them.`);
}

/** what every member answers, core or read replica */
export function clusterProcedures(member: ClusterView, defaultDatabase: string): ProcedureSignature[] {
  const role = (): string => member.role();
  return [
    {
      name: 'dbms.cluster.overview',
      mode: 'DBMS',
      inputs: [],
      outputs: [
        { name: 'id', type: 'STRING' }, { name: 'addresses', type: 'LIST<STRING>' }, { name: 'role', type: 'STRING' },
        { name: 'groups', type: 'LIST<STRING>' }, { name: 'database', type: 'STRING' }, { name: 'databases', type: 'MAP' },
      ],
      description: 'Overview of all currently accessible cluster members, their databases and roles.',
      invoke: () => clusterMembers(member).map((view) => [
        view.memberId, addressesOf(view), view.role, [...view.groups], view.database,
        new Map<string, CypherValue>([[view.database, view.role]]),
      ]),
    },
    {
      name: 'dbms.cluster.role',
      mode: 'DBMS',
      // 3.5 takes no argument; 4.x names the database
      inputs: [{ name: 'database', type: 'STRING', default: null }],
      outputs: [{ name: 'role', type: 'STRING' }],
      description: 'The role of this instance in the cluster for the specified database.',
      invoke: (_tx, args) => {
        const database = args[0];
        if (typeof database === 'string' && database.toLowerCase() !== defaultDatabase.toLowerCase() && database.toLowerCase() !== 'system') {
          throw new Neo4jError(Status.DatabaseNotFound, `Database does not exist. Database name: '${database}'.`);
        }
        return [[role()]];
      },
    },
  ];
}

/** a core's Raft procedures (TuGraph HA) and leadership transfer */
export function raftProcedures(member: CoreMember): ProcedureSignature[] {
  return [
    {
      name: 'db.bolt.listRaftNodes',
      mode: 'DBMS',
      inputs: [],
      outputs: [
        { name: 'node_id', type: 'STRING' }, { name: 'bolt_address', type: 'STRING' }, { name: 'raft_address', type: 'STRING' },
        { name: 'role', type: 'STRING' }, { name: 'voting', type: 'BOOLEAN' }, { name: 'leader', type: 'STRING' },
      ],
      description: 'The members of the Raft group and its leader (TuGraph HA).',
      invoke: () => {
        const status = member.status();
        const ids = [...status.voters, ...status.learners];
        return ids.map((id) => {
          const info = id === member.selfId ? member.selfInfo() : member.discovery.info(id);
          const roleOf = id === status.leaderId ? 'leader' : status.voters.includes(id) ? 'follower' : 'learner';
          return [id, info?.boltAddress ?? '', info?.raftAddress ?? '', roleOf, status.voters.includes(id), status.leaderId ?? ''];
        });
      },
    },
    {
      name: 'db.bolt.getRaftStatus',
      mode: 'DBMS',
      inputs: [],
      outputs: [
        { name: 'node_id', type: 'STRING' }, { name: 'cluster_id', type: 'STRING' }, { name: 'role', type: 'STRING' }, { name: 'term', type: 'INTEGER' },
        { name: 'leader', type: 'STRING' }, { name: 'last_index', type: 'INTEGER' }, { name: 'commit_index', type: 'INTEGER' },
        { name: 'applied_index', type: 'INTEGER' }, { name: 'last_applied_tx_id', type: 'INTEGER' }, { name: 'voters', type: 'LIST<STRING>' },
        { name: 'learners', type: 'LIST<STRING>' },
      ],
      description: "This member's Raft status (TuGraph HA).",
      invoke: () => {
        const s = member.status();
        return [[
          s.memberId, s.clusterId ?? '', s.role, BigInt(s.term), s.leaderId ?? '', BigInt(s.lastIndex), BigInt(s.commitIndex),
          BigInt(s.appliedIndex), BigInt(s.lastAppliedTxId), [...s.voters], [...s.learners],
        ]];
      },
    },
    membershipProcedure(member, 'db.bolt.addRaftNode', 'Add a core to the Raft group: it joins as a learner and becomes a voter once caught up (TuGraph HA; leader only).', 'auto'),
    membershipProcedure(member, 'db.bolt.addRaftLearnerNode', 'Add a member that replicates but never votes (TuGraph HA; leader only).', 'learner'),
    membershipProcedure(member, 'db.bolt.removeRaftNode', 'Remove a member from the Raft group; it is not added back automatically (TuGraph HA; leader only).', 'excluded'),
    transferProcedure(member, 'dbms.cluster.transferLeadership'),
    transferProcedure(member, 'db.bolt.transferLeadership'),
  ];
}

function membershipProcedure(member: CoreMember, name: string, description: string, policy: 'auto' | 'learner' | 'excluded'): ProcedureSignature {
  return {
    name,
    mode: 'DBMS',
    // TuGraph passes (id, ip, bolt_port, raft_port); a Causeway core's addresses come from discovery.
    inputs: [
      { name: 'node_id', type: 'ANY' }, { name: 'ip', type: 'STRING', default: null }, { name: 'bolt_port', type: 'INTEGER', default: null },
      { name: 'raft_port', type: 'INTEGER', default: null },
    ],
    outputs: [{ name: 'node_id', type: 'STRING' }, { name: 'policy', type: 'STRING' }],
    description,
    invoke: (_tx, args) => {
      member.requireLeader();
      const id = policy === 'excluded' ? resolveMemberId(member, args[0] ?? null) : String(args[0]);
      if (policy === 'excluded' && id === member.selfId) {
        throw new Neo4jError(Status.ArgumentError, 'The leader cannot remove itself: transfer leadership first (CALL dbms.cluster.transferLeadership(<member id>)).');
      }
      // A core not started yet is added as soon as discovery shows it (TuGraph adds before starting).
      member.setMemberPolicy(id, policy);
      return [[id, policy]];
    },
  };
}

function transferProcedure(member: CoreMember, name: string): ProcedureSignature {
  return {
    name,
    mode: 'DBMS',
    inputs: [{ name: 'node_id', type: 'ANY' }],
    outputs: [{ name: 'node_id', type: 'STRING' }],
    description: 'Hand leadership to another voter, which first catches up; answers once it leads (leader only).',
    invoke: async (_tx, args) => {
      member.requireLeader();
      const id = resolveMemberId(member, args[0] ?? null);
      if (!member.status().voters.includes(id)) throw new Neo4jError(Status.ArgumentError, `${id} is not a voter, so it cannot lead.`);
      if (id === member.selfId) return [[id]];
      // answers once the target leads; fails (retriably) when the transfer lapsed or went elsewhere
      await member.transferLeadership(id);
      return [[id]];
    },
  };
}

const SERVER_COLUMNS = ['serverId', 'name', 'address', 'httpAddress', 'httpsAddress', 'state', 'health', 'hosting', 'requestedHosting', 'tags', 'allowedDatabases', 'deniedDatabases', 'modeConstraint', 'version'];
const SERVER_DEFAULTS = ['name', 'address', 'state', 'health', 'hosting'];

/** SHOW SERVERS: every member discovery shows alive, this one included */
export function showServersSource(member: ClusterView, version: string): ShowSource {
  return {
    defaults: SERVER_DEFAULTS, all: SERVER_COLUMNS,
    rows: () => clusterMembers(member).map((view) => new Map<string, CypherValue>([
      ['serverId', view.memberId], ['name', view.memberId], ['address', view.boltAddress], ['httpAddress', view.httpAddress],
      ['httpsAddress', view.httpsAddress], ['state', 'Enabled'], ['health', 'Available'], ['hosting', ['system', view.database]],
      ['requestedHosting', ['system', view.database]], ['tags', [...view.groups]], ['allowedDatabases', []], ['deniedDatabases', []],
      ['modeConstraint', view.role === 'READ_REPLICA' ? 'SECONDARY' : 'PRIMARY'], ['version', version],
    ])),
  };
}


/** SHOW DATABASES on a core: one row per database per member, with its role and whether it is the writer */
export function clusterDatabasesSource(member: ClusterView, defaultDatabase: string): ShowSource {
  return {
    defaults: DATABASE_COLUMNS, all: DATABASE_COLUMNS,
    rows: (_ctx, cmd) => {
      const rows: Map<string, CypherValue>[] = [];
      for (const view of clusterMembers(member)) {
        for (const [name, type] of [[defaultDatabase, 'standard'], ['system', 'system']] as const) {
          const role = view.role === 'READ_REPLICA' ? 'secondary' : 'primary';
          rows.push(new Map<string, CypherValue>([
            ['name', name], ['type', type], ['aliases', []], ['access', 'read-write'], ['address', view.boltAddress], ['role', role],
            ['writer', view.role === 'LEADER'], ['requestedStatus', 'online'], ['currentStatus', 'online'], ['statusMessage', ''],
            ['default', name === defaultDatabase], ['home', name === defaultDatabase], ['constituents', []],
          ]));
        }
      }
      if (cmd.target === 'DEFAULT DATABASE' || cmd.target === 'HOME DATABASE') return rows.filter((r) => r.get('default') === true);
      if (cmd.target === 'DATABASE' && cmd.name !== null) return rows.filter((r) => r.get('name') === cmd.name);
      return rows;
    },
  };
}

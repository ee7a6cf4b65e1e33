// What a core cluster replicates through Raft: the data of each 'normal' log entry is one of
//   - a transaction's command (graph/commands.ts), prepared by the leader under its lease;
//   - a side-state change: opaque bytes of a second replicated state the server supplies (the
//     system database's users, roles and privileges), applied in log order on every member;
//   - a lease: the leader of a term claims the right to prepare commands. Only commands
//     carrying the lease current at their position in the log are applied (Neo4j's lease rule),
//     so a transaction that read under an older leadership can never apply.
// Byte 0 tells them apart; the rest is the kind's own encoding.

import { ByteReader, ByteWriter } from '../graph/bytes.js';
import { decodeTxCommand, writeTxCommand, type TxCommand } from '../graph/commands.js';

const PAYLOAD_TX = 1;
const PAYLOAD_LEASE = 2;
const PAYLOAD_POLICY = 3;
const PAYLOAD_SIDE = 4;

/**
 * An operator's word on one member, replicated so every future leader honours it: 'learner'
 * (db.bolt.addRaftLearnerNode) replicates but is never promoted; 'excluded'
 * (db.bolt.removeRaftNode) is removed and not added back automatically; 'auto' undoes either.
 */
export type MemberPolicy = 'auto' | 'learner' | 'excluded';
const POLICIES: readonly MemberPolicy[] = ['auto', 'learner', 'excluded'];

export interface Lease {
  /** the term of the leader that claimed it; 0 before any leader did */
  readonly id: number;
  /** the Raft member id of that leader */
  readonly owner: string;
}

export const NO_LEASE: Lease = { id: 0, owner: '' };

export type ReplicatedPayload =
  | { readonly kind: 'tx'; readonly command: TxCommand; readonly encoded: Uint8Array }
  | { readonly kind: 'lease'; readonly lease: Lease }
  | { readonly kind: 'policy'; readonly memberId: string; readonly policy: MemberPolicy }
  | { readonly kind: 'side'; readonly data: Uint8Array };

/** reused for every command: encoding is synchronous, and the result is copied out */
let payloadScratch = new ByteWriter(1024);

export function encodeTxPayload(command: TxCommand): Uint8Array {
  const out = payloadScratch.reset().u8(PAYLOAD_TX);
  writeTxCommand(out, command);
  const payload = out.finishInSlab();
  // a very large transaction does not leave its buffer behind for the small ones after it
  if (payload.length > 64 * 1024) payloadScratch = new ByteWriter(1024);
  return payload;
}

export function encodeLeasePayload(lease: Lease): Uint8Array {
  return new ByteWriter(32).u8(PAYLOAD_LEASE).varint(lease.id).string(lease.owner).finish();
}

export function encodePolicyPayload(memberId: string, policy: MemberPolicy): Uint8Array {
  return new ByteWriter(64).u8(PAYLOAD_POLICY).string(memberId).u8(POLICIES.indexOf(policy)).finish();
}

export function encodeSidePayload(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(data.length + 1);
  out[0] = PAYLOAD_SIDE;
  out.set(data, 1);
  return out;
}

export function decodePayload(data: Uint8Array): ReplicatedPayload {
  switch (data[0]) {
    case PAYLOAD_TX: {
      const encoded = data.subarray(1);
      return { kind: 'tx', command: decodeTxCommand(encoded), encoded };
    }
    case PAYLOAD_LEASE: {
      const input = new ByteReader(data);
      input.u8();
      return { kind: 'lease', lease: { id: input.varint(), owner: input.string() } };
    }
    case PAYLOAD_POLICY: {
      const input = new ByteReader(data);
      input.u8();
      const memberId = input.string();
      const policy = POLICIES[input.u8()];
      if (policy === undefined) throw new Error('invariant violated: unknown member policy');
      return { kind: 'policy', memberId, policy };
    }
    case PAYLOAD_SIDE:
      return { kind: 'side', data: data.subarray(1) };
    default:
      // Entries are checksummed in the WAL and on the wire: an unknown kind is a newer or
      // broken member, and applying around it would fork the state.
      throw new Error(`invariant violated: unknown replicated payload kind ${String(data[0])}`);
  }
}

// The catch-up protocol's frames on the transaction port (6000), after the cluster handshake:
//   1 raft snapshot chunk   [u32 transfer][u32 seq][u32 count][bytes]      core → core (store copy for Raft)
//   2 pull request          [u32 request][u64 afterTxId][varint sideIndex][varint wantedTxId]
//                           replica → core; wantedTxId: what a read on the replica waits for
//                           (0: nothing; absent from older pullers)
//   3 transactions          [u32 request][u64 appliedTxId][varint n]{[u64 txId][varint len][command]}
//   4 nothing new           [u32 request][u64 appliedTxId]
//   5 store copy chunk      [u32 request][u32 seq][u32 count][bytes]       the core's whole store image
//   6 side state            [u32 request][varint index][varint n][image]   before the answer, when the
//                           replica's side state (the system database) is older than the core's
//   7 refused               [u32 request][string reason]                 a pull the server will not
//                           answer (a backup of a database it does not have, or that is stopped)
//   8 list databases        [u32 request]                                backup client → backup port
//   9 database names        [u32 request][varint n]{string}              the databases it backs up
// Pure encoding; the sockets are in env/node/cluster-net.ts.

import { ByteReader, ByteWriter } from '../graph/bytes.js';
import { decodeTxCommand, type CommittedCommand } from '../graph/commands.js';

export const FRAME_RAFT_SNAPSHOT = 1;
export const FRAME_PULL = 2;
export const FRAME_TXS = 3;
export const FRAME_NOTHING = 4;
export const FRAME_STORE_CHUNK = 5;
export const FRAME_SIDE = 6;
export const FRAME_REFUSED = 7;
export const FRAME_LIST = 8;
export const FRAME_NAMES = 9;

/** Thrown by an answerer that will not serve a pull; the reason reaches the puller (FRAME_REFUSED). */
export class PullRefused extends Error {}

/** the side state's image as of a raft index (the system database; small, so sent whole) */
export interface SideImage {
  readonly index: number;
  readonly image: Uint8Array;
}

export const STORE_CHUNK_BYTES = 1024 * 1024;

/** What a core answers a pull with (and its side state, when the puller's is older). */
export type PullAnswer = (
  | { readonly kind: 'txs'; readonly appliedTxId: number; readonly txs: readonly { readonly txId: number; readonly bytes: Uint8Array }[] }
  | { readonly kind: 'none'; readonly appliedTxId: number }
  | { readonly kind: 'store'; readonly image: Uint8Array }
) & { readonly side?: SideImage };

/** What a replica receives, decoded. */
export type PullResult = (
  | { readonly kind: 'txs'; readonly appliedTxId: number; readonly txs: readonly CommittedCommand[] }
  | { readonly kind: 'none'; readonly appliedTxId: number }
  | { readonly kind: 'store'; readonly image: Uint8Array }
) & { readonly side?: SideImage };

/**
 * sideIndex: the raft index of the puller's side state (a huge value: it keeps none); wantedTxId:
 * the newest transaction a read on the puller waits for (0: none)
 */
export function encodePull(request: number, afterTxId: number, sideIndex: number, wantedTxId = 0): Uint8Array {
  return new ByteWriter(32).u8(FRAME_PULL).u32(request).u64(afterTxId).varint(sideIndex).varint(wantedTxId).finish();
}

export function decodePull(frame: Uint8Array): { request: number; afterTxId: number; sideIndex: number; wantedTxId: number } {
  const input = new ByteReader(frame);
  input.u8();
  const request = input.u32();
  const afterTxId = input.u64();
  const sideIndex = input.offset < frame.length ? input.varint() : Number.MAX_SAFE_INTEGER;
  return { request, afterTxId, sideIndex, wantedTxId: input.offset < frame.length ? input.varint() : 0 };
}

/**
 * A cluster member holds one database and the system database: a backup of any other is refused
 * with the reason (names compare case-insensitively, as database names do).
 */
export function refuseOtherDatabase(requested: string | undefined, own: string): void {
  if (requested === undefined) return;
  const name = requested.toLowerCase();
  if (name === own.toLowerCase() || name === 'system') return;
  throw new PullRefused(`Database '${requested}' does not exist on this cluster member: a cluster carries one database, '${own}', and the system database.`);
}

export function encodeRefusal(request: number, reason: string): Uint8Array {
  return new ByteWriter(reason.length * 3 + 16).u8(FRAME_REFUSED).u32(request).string(reason).finish();
}

export function encodeListRequest(request: number): Uint8Array {
  return new ByteWriter(8).u8(FRAME_LIST).u32(request).finish();
}

export function decodeListRequest(frame: Uint8Array): number {
  const input = new ByteReader(frame);
  input.u8();
  return input.u32();
}

export function encodeNames(request: number, names: readonly string[]): Uint8Array {
  const out = new ByteWriter(64).u8(FRAME_NAMES).u32(request).varint(names.length);
  for (const name of names) out.string(name);
  return out.finish();
}

/** the names a FRAME_NAMES answer carries (throws PullRefused for a refusal, Error for anything else) */
export function decodeNames(frame: Uint8Array, request: number): string[] {
  const input = new ByteReader(frame);
  const type = input.u8();
  if (input.u32() !== request) throw new Error('an answer to another request');
  if (type === FRAME_REFUSED) throw new PullRefused(input.string());
  if (type !== FRAME_NAMES) throw new Error(`unexpected frame type ${type} for a list of databases`);
  const count = input.varint();
  if (count > frame.length) throw new Error('name count exceeds the frame');
  const names: string[] = [];
  for (let i = 0; i < count; i++) names.push(input.string());
  return names;
}

/** the answer as frames (a store copy is cut into chunks) */
export function encodeAnswer(request: number, answer: PullAnswer): Uint8Array[] {
  const side = answer.side === undefined ? [] : [new ByteWriter(answer.side.image.length + 24).u8(FRAME_SIDE).u32(request).varint(answer.side.index).varint(answer.side.image.length).bytes(answer.side.image).finish()];
  return [...side, ...encodeMain(request, answer)];
}

function encodeMain(request: number, answer: PullAnswer): Uint8Array[] {
  if (answer.kind === 'none') return [new ByteWriter(16).u8(FRAME_NOTHING).u32(request).u64(answer.appliedTxId).finish()];
  if (answer.kind === 'txs') {
    const out = new ByteWriter(1024).u8(FRAME_TXS).u32(request).u64(answer.appliedTxId).varint(answer.txs.length);
    for (const tx of answer.txs) out.u64(tx.txId).varint(tx.bytes.length).bytes(tx.bytes);
    return [out.finish()];
  }
  const count = Math.max(1, Math.ceil(answer.image.length / STORE_CHUNK_BYTES));
  const frames: Uint8Array[] = [];
  for (let seq = 0; seq < count; seq++) {
    const body = answer.image.subarray(seq * STORE_CHUNK_BYTES, (seq + 1) * STORE_CHUNK_BYTES);
    frames.push(new ByteWriter(body.length + 16).u8(FRAME_STORE_CHUNK).u32(request).u32(seq).u32(count).bytes(body).finish());
  }
  return frames;
}

/** Reassembles one answer from its frames; one request is outstanding per link at a time. */
export class AnswerReader {
  private chunks: Uint8Array[] = [];
  private expected = 0;
  private side: SideImage | undefined;

  constructor(private readonly maxStoreBytes: number) {}

  /** the decoded answer once complete, undefined while a store copy is still arriving; throws on a broken stream */
  push(frame: Uint8Array, request: number): PullResult | undefined {
    const result = this.decode(frame, request);
    if (result === undefined || this.side === undefined) return result;
    const side = this.side;
    this.side = undefined;
    return { ...result, side };
  }

  private decode(frame: Uint8Array, request: number): PullResult | undefined {
    const input = new ByteReader(frame);
    const type = input.u8();
    const answering = input.u32();
    if (answering !== request) throw new Error(`catch-up answer for request ${answering}, waiting for ${request}`);
    if (type === FRAME_SIDE) {
      const index = input.varint();
      this.side = { index, image: input.bytes(input.varint()).slice() };
      return undefined;
    }
    if (type === FRAME_REFUSED) throw new PullRefused(input.string());
    if (type === FRAME_NOTHING) return { kind: 'none', appliedTxId: input.u64() };
    if (type === FRAME_TXS) {
      const appliedTxId = input.u64();
      const count = input.varint();
      const txs: CommittedCommand[] = [];
      for (let i = 0; i < count; i++) {
        const txId = input.u64();
        txs.push({ txId, command: decodeTxCommand(input.bytes(input.varint())) });
      }
      return { kind: 'txs', appliedTxId, txs };
    }
    if (type !== FRAME_STORE_CHUNK) throw new Error(`unexpected catch-up frame type ${type}`);
    const seq = input.u32();
    const count = input.u32();
    if (seq === 0) {
      this.chunks = [];
      this.expected = count;
    }
    if (seq !== this.chunks.length || count !== this.expected) throw new Error('store copy chunks out of order');
    this.chunks.push(frame.slice(input.offset));
    if (this.chunks.reduce((sum, c) => sum + c.length, 0) > this.maxStoreBytes) throw new Error('store copy larger than allowed');
    if (this.chunks.length < count) return undefined;
    const total = this.chunks.reduce((sum, c) => sum + c.length, 0);
    const image = new Uint8Array(total);
    let at = 0;
    for (const chunk of this.chunks) {
      image.set(chunk, at);
      at += chunk.length;
    }
    this.chunks = [];
    return { kind: 'store', image };
  }
}

// The cluster's three TCP services, as Neo4j lays them out:
//   discovery (5000) — members gossip their MemberInfo every round over every link, in and out;
//   raft      (7000) — Raft messages, one link per peer, opened by a handshake naming the cluster;
//   catch-up  (6000) — store copies: a Raft snapshot message is cut into chunks and streamed.
// A link whose handshake names another cluster is refused and reported (a member with a store
// from another cluster must not join). Frames are bounded (framed-tcp.ts).

import type { ClusterNetworkHandlers, ReplicaNetwork } from '../../cluster/network.js';
import { AnswerReader, encodePull, FRAME_PULL, FRAME_RAFT_SNAPSHOT, type PullResult } from '../../cluster/catchup.js';
import { answerPullFrame } from './pull-link.js';
import type { MemberInfo } from '../../cluster/discovery-table.js';
import type { Message } from '../../raft/messages.js';
import { decodeMessage, encodeMessage } from '../../replication/message-codec.js';
import { listenFramed, OutboundLink, type FramedLink, type FramedListener, type FramedTls } from './framed-tcp.js';

const DISCOVERY_FRAME_BYTES_MAX = 64 * 1024;
const RAFT_FRAME_BYTES_MAX = 320 * 1024 * 1024;
const RAFT_BUFFERED_BYTES_MAX = 64 * 1024 * 1024;
const CATCHUP_CHUNK_BYTES = 1024 * 1024;
/** a pull answer of transactions is bounded by the core to about 4 MiB, plus one large command */
const CATCHUP_FRAME_BYTES_MAX = 320 * 1024 * 1024;
const CATCHUP_BUFFERED_BYTES_MAX = 2 * 1024 * 1024 * 1024;
/** a store copy larger than this is refused by the receiver */
const CATCHUP_TRANSFER_BYTES_MAX = 2 * 1024 * 1024 * 1024 - 1;
/** outbound discovery links kept at most (seeds plus members learnt by gossip) */
const DISCOVERY_LINKS_MAX = 64;

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder();

export interface ClusterNetOptions {
  readonly selfId: string;
  readonly discoveryListen: { readonly host: string; readonly port: number };
  readonly raftListen: { readonly host: string; readonly port: number };
  readonly catchupListen: { readonly host: string; readonly port: number };
  /** initial_discovery_members, resolved to host:port */
  readonly seeds: readonly { readonly host: string; readonly port: number }[];
  readonly discoveryIntervalMs: number;
  /** a read replica takes no part in Raft: no raft listener */
  readonly raft?: boolean;
  /** the cluster SSL policy: every discovery, Raft and catch-up link is TLS (mutual when client_auth=REQUIRE) */
  readonly tls?: FramedTls;
}

export interface BoundClusterNet extends ReplicaNetwork {
  readonly discoveryAddress: { readonly host: string; readonly port: number };
  readonly raftAddress: { readonly host: string; readonly port: number };
  readonly catchupAddress: { readonly host: string; readonly port: number };
}

function splitAddress(address: string): { host: string; port: number } | undefined {
  const colon = address.lastIndexOf(':');
  if (colon <= 0) return undefined;
  const port = Number(address.slice(colon + 1));
  if (!Number.isInteger(port) || port <= 0 || port > 65_535) return undefined;
  let host = address.slice(0, colon);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  return { host, port };
}

/** every this many rounds a member tells the others whom it hears from */
const PEERS_EVERY_ROUNDS = 5;
const PEERS_FRESH_MS = 5000;

function parsePeers(frame: Uint8Array): string[] | undefined {
  if (frame[0] !== 0x7b || frame[2] !== 0x70) return undefined; // {"p…
  try {
    const value = JSON.parse(textDecoder.decode(frame)) as { peers?: unknown };
    return Array.isArray(value.peers) ? value.peers.filter((p): p is string => typeof p === 'string') : undefined;
  } catch {
    return undefined;
  }
}

function parseInfo(frame: Uint8Array): MemberInfo | undefined {
  try {
    const value = JSON.parse(textDecoder.decode(frame)) as Partial<MemberInfo>;
    if (typeof value.memberId !== 'string' || (value.mode !== 'CORE' && value.mode !== 'READ_REPLICA')) return undefined;
    if (typeof value.raftAddress !== 'string' || typeof value.discoveryAddress !== 'string' || typeof value.boltAddress !== 'string') return undefined;
    if (typeof value.catchupAddress !== 'string' || !Array.isArray(value.initialVoters) || !Array.isArray(value.groups)) return undefined;
    if (value.clusterId !== null && typeof value.clusterId !== 'string') return undefined;
    return {
      memberId: value.memberId, mode: value.mode, clusterId: value.clusterId ?? null,
      initialVoters: value.initialVoters.map(String), discoveryAddress: value.discoveryAddress, raftAddress: value.raftAddress,
      catchupAddress: value.catchupAddress, boltAddress: value.boltAddress,
      httpAddress: typeof value.httpAddress === 'string' ? value.httpAddress : null, groups: value.groups.map(String),
      httpsAddress: typeof value.httpsAddress === 'string' ? value.httpsAddress : null,
      refuseToBeLeader: value.refuseToBeLeader === true, database: typeof value.database === 'string' ? value.database : 'neo4j',
      raftRole: typeof value.raftRole === 'string' ? value.raftRole : 'FOLLOWER',
      term: typeof value.term === 'number' ? value.term : 0, appliedIndex: typeof value.appliedIndex === 'number' ? value.appliedIndex : 0,
      storeTxId: typeof value.storeTxId === 'number' ? value.storeTxId : 0, seedTxId: typeof value.seedTxId === 'number' ? value.seedTxId : 0,
      seederId: typeof value.seederId === 'string' ? value.seederId : null,
    };
  } catch {
    return undefined;
  }
}

interface Handshake {
  readonly clusterId: string | null;
  readonly memberId: string;
  /** a backup client's database (a member answers for its own database and system only) */
  readonly database?: string;
}

function encodeHandshake(handshake: Handshake): Uint8Array {
  return textEncoder.encode(JSON.stringify(handshake));
}

function decodeHandshake(frame: Uint8Array): Handshake | undefined {
  try {
    const value = JSON.parse(textDecoder.decode(frame)) as Partial<Handshake> & { database?: unknown };
    if (typeof value.memberId !== 'string' || (value.clusterId !== null && typeof value.clusterId !== 'string')) return undefined;
    return { memberId: value.memberId, clusterId: value.clusterId ?? null, ...(typeof value.database === 'string' ? { database: value.database } : {}) };
  } catch {
    return undefined;
  }
}

/** Per inbound link: whether its handshake was accepted, and a store copy being reassembled. */
interface InboundState {
  accepted: boolean;
  /** the database a backup client named in its handshake (pulls of another are refused) */
  database?: string;
  transfer?: { id: number; chunks: Uint8Array[]; received: number; count: number; bytes: number };
}

export async function startClusterNet(options: ClusterNetOptions, handlers: ClusterNetworkHandlers): Promise<BoundClusterNet> {
  let info: MemberInfo | undefined;
  let infoFrame: Uint8Array | undefined;
  const inboundDiscovery = new Set<FramedLink>();
  /** discovery addresses of members heard from directly, and when */
  const heardAt = new Map<string, number>();
  let gossipRound = 0;
  const discoveryLinks = new Map<string, OutboundLink>();
  const selfDiscoveryAddresses = new Set<string>();
  const raftLinks = new Map<string, { address: string; link: OutboundLink }>();
  const catchupLinks = new Map<string, { address: string; link: OutboundLink }>();
  const inboundStates = new WeakMap<FramedLink, InboundState>();
  let transferSeq = 0;
  let closed = false;

  const onDiscoveryFrame = (link: FramedLink, frame: Uint8Array): void => {
    const peers = parsePeers(frame);
    if (peers !== undefined) {
      // members others hear from: dial them, so liveness is always judged first-hand
      for (const address of peers.slice(0, DISCOVERY_LINKS_MAX)) dialDiscovery(address);
      return;
    }
    const heard = parseInfo(frame);
    if (heard === undefined) return;
    heardAt.set(heard.discoveryAddress, Date.now());
    if (heard.memberId === options.selfId) {
      // a seed address that is this member: stop dialling it
      if (link instanceof OutboundLink) {
        selfDiscoveryAddresses.add(link.remoteAddress);
        discoveryLinks.get(link.remoteAddress)?.close();
        discoveryLinks.delete(link.remoteAddress);
      }
      return;
    }
    handlers.onMemberInfo(heard);
    dialDiscovery(heard.discoveryAddress);
  };
  const discoveryHandlers = {
    onFrame: onDiscoveryFrame,
    onOpen: (link: FramedLink) => {
      if (infoFrame !== undefined) link.send(infoFrame);
    },
  };
  const dialDiscovery = (address: string): void => {
    if (closed || discoveryLinks.has(address) || selfDiscoveryAddresses.has(address) || discoveryLinks.size >= DISCOVERY_LINKS_MAX) return;
    const target = splitAddress(address);
    if (target === undefined) return;
    discoveryLinks.set(address, new OutboundLink(address, target.host, target.port, discoveryHandlers, {
      maxFrameBytes: DISCOVERY_FRAME_BYTES_MAX, maxBufferedBytes: 256 * 1024,
    }, options.tls));
  };

  const acceptHandshake = (link: FramedLink, frame: Uint8Array, state: InboundState): void => {
    const handshake = decodeHandshake(frame);
    const ours = handlers.clusterId();
    if (handshake === undefined) {
      link.close();
      return;
    }
    if (ours !== null && handshake.clusterId !== null && handshake.clusterId !== ours) {
      handlers.onForeignCluster(handshake.clusterId, link.remoteAddress);
      link.close();
      return;
    }
    state.accepted = true;
    if (handshake.database !== undefined) state.database = handshake.database;
  };

  const deliver = (bytes: Uint8Array): void => {
    // Messages are only meaningful once bound; before that the member has no Raft group.
    if (handlers.clusterId() === null) return;
    let message: Message;
    try {
      message = decodeMessage(bytes);
    } catch {
      return;
    }
    if (message.to !== options.selfId) return;
    handlers.onRaftMessage(message);
  };

  const onRaftInbound = (link: FramedLink, frame: Uint8Array): void => {
    let state = inboundStates.get(link);
    if (state === undefined) inboundStates.set(link, (state = { accepted: false }));
    if (!state.accepted) return acceptHandshake(link, frame, state);
    deliver(frame);
  };

  const onCatchupInbound = (link: FramedLink, frame: Uint8Array): void => {
    let state = inboundStates.get(link);
    if (state === undefined) inboundStates.set(link, (state = { accepted: false }));
    if (!state.accepted) return acceptHandshake(link, frame, state);
    if (frame[0] === FRAME_PULL) {
      const onPull = handlers.onPull?.bind(handlers);
      if (onPull === undefined || handlers.clusterId() === null) return link.close();
      return answerPullFrame(link, frame, (afterTxId, sideIndex, wantedTxId) => onPull(afterTxId, sideIndex, state.database, wantedTxId));
    }
    if (frame[0] !== FRAME_RAFT_SNAPSHOT || frame.length < 13) return link.close();
    const view = new DataView(frame.buffer, frame.byteOffset + 1, frame.byteLength - 1);
    const id = view.getUint32(0);
    const seq = view.getUint32(4);
    const count = view.getUint32(8);
    const body = frame.subarray(13);
    if (seq === 0) state.transfer = { id, chunks: [], received: 0, count, bytes: 0 };
    const transfer = state.transfer;
    // A chunk out of order means a lost frame: drop the transfer; Raft sends the snapshot again.
    if (transfer === undefined || transfer.id !== id || transfer.received !== seq || transfer.count !== count) {
      state.transfer = undefined;
      return;
    }
    transfer.bytes += body.length;
    if (transfer.bytes > CATCHUP_TRANSFER_BYTES_MAX) {
      state.transfer = undefined;
      return link.close();
    }
    transfer.chunks.push(body.slice());
    transfer.received++;
    if (transfer.received < transfer.count) return;
    state.transfer = undefined;
    deliver(Buffer.concat(transfer.chunks));
  };

  const listeners: FramedListener[] = [];
  const closeListeners = async (): Promise<void> => {
    for (const listener of listeners) await listener.close();
  };
  try {
    listeners.push(await listenFramed(options.discoveryListen.host, options.discoveryListen.port, {
      onFrame: onDiscoveryFrame,
      onOpen: (link) => {
        inboundDiscovery.add(link);
        if (infoFrame !== undefined) link.send(infoFrame);
      },
      onClose: (link) => inboundDiscovery.delete(link),
    }, { maxFrameBytes: DISCOVERY_FRAME_BYTES_MAX, maxBufferedBytes: 256 * 1024 }, options.tls));
    if (options.raft !== false) {
      listeners.push(await listenFramed(options.raftListen.host, options.raftListen.port, { onFrame: onRaftInbound }, {
        maxFrameBytes: RAFT_FRAME_BYTES_MAX, maxBufferedBytes: RAFT_BUFFERED_BYTES_MAX,
      }, options.tls));
    }
    listeners.push(await listenFramed(options.catchupListen.host, options.catchupListen.port, { onFrame: onCatchupInbound }, {
      maxFrameBytes: CATCHUP_FRAME_BYTES_MAX, maxBufferedBytes: CATCHUP_BUFFERED_BYTES_MAX,
    }, options.tls));
  } catch (error) {
    await closeListeners();
    throw error;
  }
  const discoveryListener = listeners[0]!;
  const catchupListener = listeners[listeners.length - 1]!;
  const raftListener = options.raft !== false ? listeners[1]! : undefined;

  const handshakeFrame = (): Uint8Array => encodeHandshake({ clusterId: handlers.clusterId(), memberId: options.selfId });
  const linkTo = (
    links: Map<string, { address: string; link: OutboundLink }>, memberId: string, address: string, maxFrameBytes: number, maxBufferedBytes: number,
    onLost?: () => void,
  ): OutboundLink | undefined => {
    const existing = links.get(memberId);
    if (existing !== undefined && existing.address === address) return existing.link;
    existing?.link.close();
    const target = splitAddress(address);
    if (target === undefined) return undefined;
    const link = new OutboundLink(address, target.host, target.port, {
      onFrame: () => {},
      onOpen: (opened) => opened.send(handshakeFrame()),
      ...(onLost === undefined ? {} : { onClose: onLost }),
    }, { maxFrameBytes, maxBufferedBytes }, options.tls);
    links.set(memberId, { address, link });
    return link;
  };

  // A replica's pull links: one per upstream, one request outstanding at a time.
  interface PullLink {
    readonly address: string;
    readonly link: OutboundLink;
    waiting?: { request: number; frame: Uint8Array; sent: boolean; reader: AnswerReader; resolve(result: PullResult): void; reject(error: Error): void; timer: NodeJS.Timeout };
  }
  const pullLinks = new Map<string, PullLink>();
  let requestSeq = 0;
  const failWaiting = (entry: PullLink, error: Error): void => {
    const waiting = entry.waiting;
    if (waiting === undefined) return;
    entry.waiting = undefined;
    clearTimeout(waiting.timer);
    waiting.reject(error);
  };
  const pullLinkTo = (memberId: string, address: string): PullLink | undefined => {
    const existing = pullLinks.get(memberId);
    if (existing !== undefined && existing.address === address) return existing;
    if (existing !== undefined) {
      failWaiting(existing, new Error('upstream address changed'));
      existing.link.close();
    }
    const target = splitAddress(address);
    if (target === undefined) return undefined;
    const entry: PullLink = {
      address,
      link: new OutboundLink(address, target.host, target.port, {
        onOpen: (opened) => {
          opened.send(handshakeFrame());
          // a pull asked for while the link was still connecting goes out now
          const waiting = entry.waiting;
          if (waiting !== undefined && !waiting.sent) {
            waiting.sent = true;
            if (!opened.send(waiting.frame)) failWaiting(entry, new Error('catch-up link full'));
          }
        },
        onClose: () => {
          if (entry.waiting?.sent === true) failWaiting(entry, new Error('catch-up link closed'));
        },
        onFrame: (_link, frame) => {
          const waiting = entry.waiting;
          if (waiting === undefined) return;
          let result: PullResult | undefined;
          try {
            result = waiting.reader.push(frame, waiting.request);
          } catch (error) {
            failWaiting(entry, error as Error);
            entry.link.close();
            pullLinks.delete(memberId);
            return;
          }
          if (result === undefined) return;
          entry.waiting = undefined;
          clearTimeout(waiting.timer);
          waiting.resolve(result);
        },
      }, { maxFrameBytes: CATCHUP_FRAME_BYTES_MAX, maxBufferedBytes: 1024 * 1024 }, options.tls),
    };
    pullLinks.set(memberId, entry);
    return entry;
  };

  for (const seed of options.seeds) dialDiscovery(`${seed.host}:${seed.port}`);
  const gossip = setInterval(() => {
    if (infoFrame === undefined) return;
    const frames = [infoFrame];
    if (++gossipRound % PEERS_EVERY_ROUNDS === 0) {
      const now = Date.now();
      for (const [address, at] of heardAt) if (now - at > PEERS_FRESH_MS) heardAt.delete(address);
      frames.push(textEncoder.encode(JSON.stringify({ peers: [...heardAt.keys()].slice(0, DISCOVERY_LINKS_MAX) })));
    }
    for (const frame of frames) {
      for (const link of discoveryLinks.values()) link.send(frame);
      for (const link of inboundDiscovery) link.send(frame);
    }
  }, options.discoveryIntervalMs);
  gossip.unref();

  return {
    discoveryAddress: discoveryListener.address,
    raftAddress: raftListener?.address ?? { host: options.raftListen.host, port: 0 },
    catchupAddress: catchupListener.address,
    publish(next) {
      info = next;
      infoFrame = textEncoder.encode(JSON.stringify(info));
    },
    sendRaft(message, to) {
      if (closed) return;
      if (message.kind === 'snapshot') {
        const link = linkTo(catchupLinks, to.memberId, to.catchupAddress, CATCHUP_FRAME_BYTES_MAX, CATCHUP_BUFFERED_BYTES_MAX);
        if (link === undefined || !link.isConnected) return;
        const bytes = encodeMessage(message);
        const count = Math.max(1, Math.ceil(bytes.length / CATCHUP_CHUNK_BYTES));
        const id = (transferSeq = (transferSeq + 1) >>> 0);
        for (let seq = 0; seq < count; seq++) {
          const body = bytes.subarray(seq * CATCHUP_CHUNK_BYTES, (seq + 1) * CATCHUP_CHUNK_BYTES);
          const frame = new Uint8Array(13 + body.length);
          frame[0] = FRAME_RAFT_SNAPSHOT;
          const view = new DataView(frame.buffer, 1);
          view.setUint32(0, id);
          view.setUint32(4, seq);
          view.setUint32(8, count);
          frame.set(body, 13);
          if (!link.send(frame)) return;
        }
        return;
      }
      const link = linkTo(raftLinks, to.memberId, to.raftAddress, RAFT_FRAME_BYTES_MAX, RAFT_BUFFERED_BYTES_MAX,
        () => handlers.onRaftPeerLost?.(to.memberId));
      link?.send(encodeMessage(message));
    },
    pull(upstream, afterTxId, sideIndex, timeoutMs, wantedTxId) {
      const entry = closed ? undefined : pullLinkTo(upstream.memberId, upstream.catchupAddress);
      if (entry === undefined) return Promise.reject(new Error(`cannot reach ${upstream.catchupAddress}`));
      if (entry.waiting !== undefined) return Promise.reject(new Error('a pull is already outstanding on this link'));
      const request = (requestSeq = (requestSeq + 1) >>> 0);
      return new Promise<PullResult>((resolve, reject) => {
        const timer = setTimeout(() => failWaiting(entry, new Error(`no answer from ${upstream.catchupAddress} within ${timeoutMs} ms`)), timeoutMs);
        timer.unref();
        const frame = encodePull(request, afterTxId, sideIndex, wantedTxId);
        const connected = entry.link.isConnected;
        entry.waiting = { request, frame, sent: connected, reader: new AnswerReader(CATCHUP_TRANSFER_BYTES_MAX), resolve, reject, timer };
        // not connected yet: sent on connect, or failed by the timeout
        if (connected && !entry.link.send(frame)) failWaiting(entry, new Error(`cannot send to ${upstream.catchupAddress}`));
      });
    },
    async close() {
      closed = true;
      for (const entry of pullLinks.values()) {
        failWaiting(entry, new Error('closing'));
        entry.link.close();
      }
      clearInterval(gossip);
      for (const link of discoveryLinks.values()) link.close();
      for (const { link } of raftLinks.values()) link.close();
      for (const { link } of catchupLinks.values()) link.close();
      await closeListeners();
    },
  };
}

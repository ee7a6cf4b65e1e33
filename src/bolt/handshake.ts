// Bolt handshake: the 60 60 B0 17 preamble and four version proposals, each possibly a range
// (00 range minor major). We answer the legacy way with the highest supported version of the
// first slot that matches; the manifest slot (255.1) is skipped, which 5.x/6.x drivers accept.

import { SUPPORTED_VERSIONS, type BoltVersion } from './versions.js';

export const PREAMBLE = [0x60, 0x60, 0xb0, 0x17] as const;
export const HANDSHAKE_BYTES = 20;

export type HandshakeOutcome =
  | { readonly kind: 'agreed'; readonly version: BoltVersion; readonly reply: Uint8Array }
  | { readonly kind: 'no-version'; readonly reply: Uint8Array }
  | { readonly kind: 'not-bolt'; readonly looksLikeHttp: boolean };

export interface VersionProposal {
  readonly major: number;
  readonly minor: number;
  /** how many lower minors are accepted too */
  readonly range: number;
}

export function parseProposals(handshake: Uint8Array): VersionProposal[] {
  const proposals: VersionProposal[] = [];
  for (let slot = 0; slot < 4; slot++) {
    const at = 4 + slot * 4;
    proposals.push({ range: handshake[at + 1]!, minor: handshake[at + 2]!, major: handshake[at + 3]! });
  }
  return proposals;
}

export function chooseVersion(proposals: readonly VersionProposal[], supported: readonly BoltVersion[] = SUPPORTED_VERSIONS): BoltVersion | undefined {
  for (const proposal of proposals) {
    if (proposal.major === 0 || proposal.major === 255) continue; // empty slot or manifest offer
    const lowestMinor = Math.max(0, proposal.minor - proposal.range);
    let best: BoltVersion | undefined;
    for (const version of supported) {
      if (version.major !== proposal.major || version.minor > proposal.minor || version.minor < lowestMinor) continue;
      if (!best || version.minor > best.minor) best = version;
    }
    if (best) return best;
  }
  return undefined;
}

/** Decides on the first 20 bytes of a connection. */
export function negotiate(handshake: Uint8Array): HandshakeOutcome {
  const isBolt = PREAMBLE.every((byte, i) => handshake[i] === byte);
  if (!isBolt) {
    const looksLikeHttp = String.fromCharCode(...handshake.subarray(0, 4)) === 'GET ';
    return { kind: 'not-bolt', looksLikeHttp };
  }
  const version = chooseVersion(parseProposals(handshake));
  if (!version) return { kind: 'no-version', reply: new Uint8Array([0, 0, 0, 0]) };
  return { kind: 'agreed', version, reply: new Uint8Array([0, 0, version.minor, version.major]) };
}

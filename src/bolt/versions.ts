// The Bolt versions Causeway speaks and what differs between them, as one table of capabilities
// rather than a class per version. 5.5 is deliberately absent (no Neo4j server negotiates it).

export interface BoltVersion {
  readonly major: number;
  readonly minor: number;
}

export const SUPPORTED_VERSIONS: readonly BoltVersion[] = [
  { major: 5, minor: 8 }, { major: 5, minor: 7 }, { major: 5, minor: 6 },
  { major: 5, minor: 4 }, { major: 5, minor: 3 }, { major: 5, minor: 2 }, { major: 5, minor: 1 }, { major: 5, minor: 0 },
  { major: 4, minor: 4 }, { major: 4, minor: 3 }, { major: 4, minor: 2 }, { major: 4, minor: 1 }, { major: 4, minor: 0 },
  { major: 3, minor: 0 },
];

export function isSupported(version: BoltVersion): boolean {
  return SUPPORTED_VERSIONS.some((v) => v.major === version.major && v.minor === version.minor);
}

export function versionString(version: BoltVersion): string {
  return `${version.major}.${version.minor}`;
}

export interface Capabilities {
  readonly version: BoltVersion;
  /** ≤ 5.0: the auth token is flattened into HELLO. From 5.1 it arrives in LOGON. */
  readonly authInHello: boolean;
  /** 5.0+: nodes and relationships carry element ids. */
  readonly elementIds: boolean;
  /** 5.0+: DateTime structs are UTC-based without negotiation. */
  readonly utcByDefault: boolean;
  /** 4.3/4.4: UTC DateTime only when the client asks with patch_bolt ["utc"] and we echo it. */
  readonly utcPatchable: boolean;
  /** 4.0+: PULL/DISCARD carry {n, qid}; several results per transaction; db selection. */
  readonly pullWithN: boolean;
  /** 4.1+: 00 00 keep-alives between messages are allowed. */
  readonly noop: boolean;
  /** 4.3+: ROUTE message (4.3 takes a db string, 4.4+ an extra map). */
  readonly routeMessage: boolean;
  readonly routeExtraMap: boolean;
  /** 4.3+: HELLO SUCCESS may carry hints. */
  readonly hints: boolean;
  /** 5.4+: TELEMETRY message. */
  readonly telemetry: boolean;
  /** 5.7+: FAILURE uses neo4j_code and GQL fields. */
  readonly gqlFailure: boolean;
  /** 5.6+: a summary's notifications travel as GQL `statuses`. */
  readonly gqlStatuses: boolean;
}

function atLeast(version: BoltVersion, major: number, minor: number): boolean {
  return version.major > major || (version.major === major && version.minor >= minor);
}

export function capabilitiesOf(version: BoltVersion): Capabilities {
  return {
    version,
    authInHello: !atLeast(version, 5, 1),
    elementIds: atLeast(version, 5, 0),
    utcByDefault: atLeast(version, 5, 0),
    utcPatchable: version.major === 4 && version.minor >= 3,
    pullWithN: atLeast(version, 4, 0),
    noop: atLeast(version, 4, 1),
    routeMessage: atLeast(version, 4, 3),
    routeExtraMap: atLeast(version, 4, 4),
    hints: atLeast(version, 4, 3),
    telemetry: atLeast(version, 5, 4),
    gqlFailure: atLeast(version, 5, 7),
    gqlStatuses: atLeast(version, 5, 6),
  };
}

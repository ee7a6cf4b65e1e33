// PackStream v1 marker bytes and the structure tags Bolt uses for values.

export const Marker = {
  Null: 0xc0,
  Float64: 0xc1,
  False: 0xc2,
  True: 0xc3,
  Int8: 0xc8,
  Int16: 0xc9,
  Int32: 0xca,
  Int64: 0xcb,
  Bytes8: 0xcc,
  Bytes16: 0xcd,
  Bytes32: 0xce,
  String8: 0xd0,
  String16: 0xd1,
  String32: 0xd2,
  List8: 0xd4,
  List16: 0xd5,
  List32: 0xd6,
  Map8: 0xd8,
  Map16: 0xd9,
  Map32: 0xda,
  TinyString: 0x80,
  TinyList: 0x90,
  TinyMap: 0xa0,
  TinyStruct: 0xb0,
} as const;

export const StructTag = {
  Node: 0x4e,
  Relationship: 0x52,
  UnboundRelationship: 0x72,
  Path: 0x50,
  Date: 0x44,
  Time: 0x54,
  LocalTime: 0x74,
  LocalDateTime: 0x64,
  DateTimeLegacy: 0x46,
  DateTimeZoneIdLegacy: 0x66,
  DateTime: 0x49,
  DateTimeZoneId: 0x69,
  Duration: 0x45,
  Point2D: 0x58,
  Point3D: 0x59,
} as const;

/** How values are shaped on the negotiated connection (see versions.ts). */
export interface ValueFormat {
  /** Bolt 5.0+: nodes and relationships carry element ids. */
  readonly elementIds: boolean;
  /** Bolt 5.0+, or 4.3/4.4 with the "utc" patch: DateTime structs carry UTC seconds. */
  readonly utcDateTime: boolean;
}

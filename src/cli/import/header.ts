// neo4j-admin import's CSV header format: each header field is `name:type`, and the header says
// what every column of a node or relationship file is. Node files have `:ID` (or `name:ID` which
// also stores the id as property `name`; `:ID(space)` puts it in an id space), `:LABEL` and
// properties; relationship files `:START_ID(space)`, `:END_ID(space)`, `:TYPE` and properties.
// `:IGNORE` skips a column; a field without a type is a string; `type[]` is an array split on the
// array delimiter; `point{crs:WGS-84}` / `datetime{timezone:Europe/Stockholm}` carry defaults.

import { DateValue, LocalDateTimeValue, LocalTimeValue, PointValue, TimeValue, type PropertyValue } from '../../values/value.js';
import {
  localSeconds, makeDateTime, offsetFor, parseDateString, parseDateTimeString, parseDurationString, parseTimeString, parseZone,
} from '../../values/temporal-build.js';

export type ValueType =
  | 'int' | 'long' | 'short' | 'byte' | 'float' | 'double' | 'boolean' | 'char' | 'string'
  | 'point' | 'date' | 'localtime' | 'time' | 'localdatetime' | 'datetime' | 'duration';

const VALUE_TYPES: ReadonlySet<string> = new Set<ValueType>([
  'int', 'long', 'short', 'byte', 'float', 'double', 'boolean', 'char', 'string',
  'point', 'date', 'localtime', 'time', 'localdatetime', 'datetime', 'duration',
]);

export type Column =
  | { readonly kind: 'id'; readonly space: string | undefined; readonly property: string | undefined }
  | { readonly kind: 'startId' | 'endId'; readonly space: string | undefined }
  | { readonly kind: 'label' | 'type' | 'ignore' }
  | {
      readonly kind: 'property'; readonly name: string; readonly type: ValueType; readonly array: boolean;
      /** `{timezone:…}` / `{crs:…}` after the type */
      readonly defaults: ReadonlyMap<string, string>;
    };

export type Entity = 'node' | 'relationship';

/** A header or value the importer cannot use; the message names where. */
export class ImportInputError extends Error {}

export interface IdSettings {
  /** STRING (default), INTEGER, or ACTUAL (the :ID is the node id) */
  readonly idType: 'STRING' | 'INTEGER' | 'ACTUAL';
}

const SPECIAL = /^(ID|START_ID|END_ID|LABEL|TYPE|IGNORE)(?:\((.*)\))?$/i;

/** Parses one header field list (the first record of a group) into columns. */
export function parseHeader(fields: readonly (string | null)[], entity: Entity, source: string): Column[] {
  const columns = fields.map((raw, index) => parseField(raw ?? '', entity, `${source}, column ${index + 1}`));
  const count = (kind: Column['kind']): number => columns.filter((c) => c.kind === kind).length;
  if (entity === 'node') {
    if (count('id') > 1) throw new ImportInputError(`${source}: more than one :ID column in the header`);
    if (count('startId') + count('endId') + count('type') > 0) {
      throw new ImportInputError(`${source}: a node header cannot have :START_ID, :END_ID or :TYPE`);
    }
  } else {
    if (count('startId') !== 1 || count('endId') !== 1) {
      throw new ImportInputError(`${source}: a relationship header needs exactly one :START_ID and one :END_ID column`);
    }
    if (count('id') + count('label') > 0) throw new ImportInputError(`${source}: a relationship header cannot have :ID or :LABEL`);
  }
  const names = columns.flatMap((c) => (c.kind === 'property' ? [c.name] : c.kind === 'id' && c.property !== undefined ? [c.property] : []));
  const repeated = names.find((name, i) => names.indexOf(name) !== i);
  if (repeated !== undefined) throw new ImportInputError(`${source}: duplicate header entry '${repeated}'`);
  return columns;
}

function parseField(raw: string, entity: Entity, where: string): Column {
  const field = raw.trim();
  const colon = field.lastIndexOf(':');
  // a `{…}` default may hold colons: find the type's colon before it
  const brace = field.indexOf('{');
  const typeColon = brace >= 0 ? field.lastIndexOf(':', brace) : colon;
  if (typeColon < 0) {
    if (field === '') throw new ImportInputError(`${where}: an empty header field (name a property, or use :IGNORE)`);
    return { kind: 'property', name: field, type: 'string', array: false, defaults: new Map() };
  }
  const name = field.slice(0, typeColon);
  let typeText = field.slice(typeColon + 1);
  const special = SPECIAL.exec(typeText);
  if (special !== null) {
    const kind = special[1]!.toUpperCase();
    const space = special[2] === undefined || special[2] === '' ? undefined : special[2];
    switch (kind) {
      case 'ID':
        if (entity !== 'node') throw new ImportInputError(`${where}: :ID belongs in a node header`);
        return { kind: 'id', space, property: name === '' ? undefined : name };
      case 'START_ID': return { kind: 'startId', space };
      case 'END_ID': return { kind: 'endId', space };
      case 'LABEL': return { kind: 'label' };
      case 'TYPE': return { kind: 'type' };
      default: return { kind: 'ignore' };
    }
  }
  if (name === '') throw new ImportInputError(`${where}: the property in '${field}' has no name`);
  let defaults = new Map<string, string>();
  const open = typeText.indexOf('{');
  if (open >= 0) {
    defaults = parseMapLiteral(typeText.slice(open), where);
    typeText = typeText.slice(0, open);
  }
  const array = typeText.endsWith('[]');
  const type = (array ? typeText.slice(0, -2) : typeText).toLowerCase();
  if (!VALUE_TYPES.has(type)) throw new ImportInputError(`${where}: unknown type '${typeText}' in header field '${field}'`);
  return { kind: 'property', name, type: type as ValueType, array, defaults };
}

/** `{key: value, …}` as Neo4j writes points and column defaults: keys bare, values bare or quoted. */
export function parseMapLiteral(text: string, where: string): Map<string, string> {
  const body = text.trim();
  if (!body.startsWith('{') || !body.endsWith('}')) throw new ImportInputError(`${where}: '${text}' is not a {key: value} map`);
  const entries = new Map<string, string>();
  const inner = body.slice(1, -1).trim();
  if (inner === '') return entries;
  for (const part of inner.split(',')) {
    const colon = part.indexOf(':');
    if (colon < 0) throw new ImportInputError(`${where}: '${part.trim()}' in '${text}' is not key: value`);
    const key = part.slice(0, colon).trim().replace(/^["'`](.*)["'`]$/, '$1').toLowerCase();
    const value = part.slice(colon + 1).trim().replace(/^["'](.*)["']$/, '$1');
    entries.set(key, value);
  }
  return entries;
}

const INTEGER = /^[+-]?\d+$/;
const LIMITS: Partial<Record<ValueType, readonly [bigint, bigint]>> = {
  byte: [-128n, 127n], short: [-32768n, 32767n], int: [-2147483648n, 2147483647n],
  long: [-9223372036854775808n, 9223372036854775807n],
};
const CRS_SRID: Record<string, number> = { 'cartesian': 7203, 'cartesian-3d': 9157, 'wgs-84': 4326, 'wgs-84-3d': 4979 };

/** One field's text as a value of the column's type; throws with the reason when it is not one. */
export function convertValue(text: string, type: ValueType, defaults: ReadonlyMap<string, string>): PropertyValue {
  switch (type) {
    case 'string': return text;
    case 'char': return text;
    case 'boolean': return text.trim().toLowerCase() === 'true';
    case 'byte': case 'short': case 'int': case 'long': {
      const trimmed = text.trim();
      if (!INTEGER.test(trimmed)) throw new Error(`Not an integer: "${text}"`);
      const value = BigInt(trimmed);
      const [low, high] = LIMITS[type]!;
      if (value < low || value > high) throw new Error(`Value ${trimmed} is too big to fit in a ${type}`);
      return value;
    }
    case 'float': case 'double': {
      const trimmed = text.trim();
      const value = trimmed === '' ? Number.NaN : Number(trimmed);
      if (Number.isNaN(value) && trimmed !== 'NaN') throw new Error(`Not a number: "${text}"`);
      return value;
    }
    case 'point': return convertPoint(text, defaults);
    case 'date': return new DateValue(BigInt(parseDateString(text.trim())));
    case 'localtime': return new LocalTimeValue(parseTimeString(text.trim()).nod);
    case 'time': {
      const parsed = parseTimeString(text.trim());
      const zone = parsed.zone ?? parseZone(defaults.get('timezone') ?? 'Z');
      return new TimeValue(parsed.nod, zone.offset ?? offsetFor(zone, 0, parsed.nod));
    }
    case 'localdatetime': {
      const parsed = parseDateTimeString(text.trim());
      const { seconds, nanos } = localSeconds(parsed.days, parsed.nod);
      return new LocalDateTimeValue(seconds, nanos);
    }
    case 'datetime': {
      const parsed = parseDateTimeString(text.trim());
      return makeDateTime(parsed.days, parsed.nod, parsed.zone ?? parseZone(defaults.get('timezone') ?? 'Z'));
    }
    case 'duration': return parseDurationString(text.trim());
  }
}

function convertPoint(text: string, defaults: ReadonlyMap<string, string>): PointValue {
  const map = new Map([...defaults, ...parseMapLiteral(text, 'point')]);
  const number = (key: string): number | undefined => {
    const value = map.get(key);
    if (value === undefined) return undefined;
    const n = Number(value);
    if (value.trim() === '' || Number.isNaN(n)) throw new Error(`point component ${key} is not a number: "${value}"`);
    return n;
  };
  const x = number('x') ?? number('longitude');
  const y = number('y') ?? number('latitude');
  const z = number('z') ?? number('height');
  if (x === undefined || y === undefined) throw new Error(`a point needs x and y, or latitude and longitude: "${text}"`);
  const geographic = map.has('longitude') || map.has('latitude');
  const crs = map.get('crs');
  let srid: number;
  if (crs !== undefined) {
    const known = CRS_SRID[crs.toLowerCase()];
    if (known === undefined) throw new Error(`unknown coordinate reference system: ${crs}`);
    srid = known;
  } else {
    srid = geographic ? (z === undefined ? 4326 : 4979) : (z === undefined ? 7203 : 9157);
  }
  const is3d = srid === 9157 || srid === 4979;
  if (is3d && z === undefined) throw new Error(`a 3D point needs z or height: "${text}"`);
  if ((srid === 4326 || srid === 4979) && (y < -90 || y > 90)) throw new Error(`latitude must be in [-90, 90]: "${text}"`);
  return new PointValue(srid, x, y, is3d ? z : undefined);
}

/**
 * A property column's field as a value, or undefined for no value: an unquoted empty field (null)
 * never sets a property; an empty quoted field is the empty string for strings and nothing else.
 * An array field is split on the array delimiter (empty items dropped).
 */
export function fieldValue(field: string | null, column: Extract<Column, { kind: 'property' }>, arrayDelimiter: string): PropertyValue | undefined {
  if (field === null) return undefined;
  if (column.array) {
    if (field === '') return undefined;
    const items = field.split(arrayDelimiter).filter((item) => item !== '' || column.type === 'string');
    return items.map((item) => convertValue(item, column.type, column.defaults));
  }
  if (field === '' && column.type !== 'string' && column.type !== 'char') return undefined;
  return convertValue(field, column.type, column.defaults);
}

/** The id as the id map keys it: integers in canonical form, so `007` and `7` are one id. */
export function idKey(field: string, settings: IdSettings): string {
  if (settings.idType === 'STRING') return field;
  const trimmed = field.trim();
  if (!INTEGER.test(trimmed)) throw new Error(`Not an integer id (--id-type=${settings.idType}): "${field}"`);
  return BigInt(trimmed).toString();
}

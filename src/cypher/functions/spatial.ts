// Spatial functions: point() construction, point.distance()/distance(), point.withinBBox().

import { Neo4jError, Status, typeError } from '../../core/errors.js';
import { formatValue, typeName } from '../../values/format.js';
import { type CypherValue, PointValue } from '../../values/value.js';
import type { ScalarFunction } from './types.js';

const EARTH_RADIUS_METERS = 6_378_140.0;
const CRS_SRID: Record<string, number> = { 'cartesian': 7203, 'cartesian-3d': 9157, 'wgs-84': 4326, 'wgs-84-3d': 4979 };

function num(m: ReadonlyMap<string, CypherValue>, key: string): number | undefined {
  const v = m.get(key);
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number') return v;
  throw typeError(`Point component ${key} must be a number, got ${typeName(v)} (${formatValue(v)})`);
}

export function makePoint(m: ReadonlyMap<string, CypherValue>): PointValue {
  const x = num(m, 'x') ?? num(m, 'longitude'), y = num(m, 'y') ?? num(m, 'latitude');
  const z = num(m, 'z') ?? num(m, 'height');
  if (x === undefined || y === undefined) {
    throw new Neo4jError(Status.ArgumentError, `A point must contain either 'x' and 'y' or 'latitude' and 'longitude'`);
  }
  const geographic = m.has('longitude') || m.has('latitude');
  let srid: number;
  const crs = m.get('crs'), sridV = m.get('srid');
  if (typeof crs === 'string') {
    const s = CRS_SRID[crs.toLowerCase()];
    if (s === undefined) throw new Neo4jError(Status.ArgumentError, `Unknown coordinate reference system: ${crs}`);
    srid = s;
  } else if (typeof sridV === 'bigint') {
    srid = Number(sridV);
    if (![7203, 9157, 4326, 4979].includes(srid)) throw new Neo4jError(Status.ArgumentError, `Unsupported coordinate reference system: ${srid}`);
  } else {
    srid = geographic ? (z === undefined ? 4326 : 4979) : (z === undefined ? 7203 : 9157);
  }
  const is3d = srid === 9157 || srid === 4979;
  if (is3d && z === undefined) throw new Neo4jError(Status.ArgumentError, 'A 3D point needs a z or height component');
  if ((srid === 4326 || srid === 4979) && (y < -90 || y > 90)) {
    throw new Neo4jError(Status.ArgumentError, 'Cannot create WGS84 point with invalid coordinate: latitude must be in [-90, 90]');
  }
  return new PointValue(srid, x, y, is3d ? z : undefined);
}

export function pointDistance(a: PointValue, b: PointValue): number | null {
  if (a.srid !== b.srid) return null;
  if (a.srid === 7203 || a.srid === 9157) {
    const dz = (a.z ?? 0) - (b.z ?? 0);
    return Math.sqrt((a.x - b.x) ** 2 + (a.y - b.y) ** 2 + dz * dz);
  }
  const rad = Math.PI / 180;
  const lat1 = a.y * rad, lat2 = b.y * rad;
  const dLat = lat2 - lat1, dLon = (b.x - a.x) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(lat1) * Math.cos(lat2) * Math.sin(dLon / 2) ** 2;
  const ground = 2 * EARTH_RADIUS_METERS * Math.atan2(Math.sqrt(h), Math.sqrt(1 - h));
  if (a.srid === 4979) return Math.sqrt(ground * ground + ((a.z ?? 0) - (b.z ?? 0)) ** 2);
  return ground;
}

function asPoint(fn: string, v: CypherValue): PointValue {
  if (v instanceof PointValue) return v;
  throw typeError(`Invalid input for function '${fn}()': Expected a Point, but got: ${typeName(v)}(${formatValue(v)})`);
}

const distance: ScalarFunction['impl'] = (a) => {
  if (a[0] === null || a[1] === null) return null;
  return pointDistance(asPoint('point.distance', a[0]!), asPoint('point.distance', a[1]!));
};

export const spatialFunctions: ScalarFunction[] = [
  {
    name: 'point', minArgs: 1, maxArgs: 1, impl: (a) => {
      const v = a[0]!;
      if (v === null) return null;
      if (!(v instanceof Map)) throw typeError(`Invalid input for function 'point()': Expected a Map, but got: ${typeName(v)}(${formatValue(v)})`);
      if ([...v.values()].some((x) => x === null)) return null;
      return makePoint(v);
    },
  },
  { name: 'point.distance', minArgs: 2, maxArgs: 2, impl: distance },
  { name: 'distance', minArgs: 2, maxArgs: 2, impl: distance },
  {
    name: 'point.withinBBox', minArgs: 3, maxArgs: 3, impl: (a) => {
      if (a.some((x) => x === null)) return null;
      const p = asPoint('point.withinBBox', a[0]!), lo = asPoint('point.withinBBox', a[1]!), hi = asPoint('point.withinBBox', a[2]!);
      if (p.srid !== lo.srid || p.srid !== hi.srid) return null;
      const inX = lo.x <= hi.x ? p.x >= lo.x && p.x <= hi.x : p.x >= lo.x || p.x <= hi.x; // WGS-84 boxes may cross the antimeridian
      return inX && p.y >= lo.y && p.y <= hi.y;
    },
  },
];

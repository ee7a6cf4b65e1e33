// The box a POINT index reads for a point seed: `point.withinBBox(v.k, lo, hi)` gives its own box
// (the whole longitude range when a WGS-84 box crosses the antimeridian); `point.distance(v.k, c)
// < r` the box around the circle, a little wider than exact. Either way the WHERE still runs over
// what the seek finds, so the rows are exactly those of the unindexed query.

import type { PointBox } from '../../graph/api.js';
import { type CypherValue, PointValue } from '../../values/value.js';
import type { PointOp } from './match-where.js';

const EARTH_RADIUS_METERS = 6_378_140.0; // as point.distance (functions/spatial.ts)
/** widening of a distance box, so floating-point rounding in the distance never loses a point */
const MARGIN = 1e-9;
const DEGREES = 180 / Math.PI;

/**
 * The box for the seed's value, 'none' when no entity can match (a null bound, a negative or NaN
 * radius, two CRSs), or null when the index cannot answer it (not points, a 3D point, a CRS the
 * index does not cover): the caller then scans, so errors and results stay those of the scan.
 */
export function pointBoxOf(op: PointOp, value: CypherValue): PointBox | 'none' | null {
  if (!Array.isArray(value) || value.length !== 2) return null;
  const [a, b] = value as [CypherValue, CypherValue];
  if (a === null || b === null) return 'none';
  if (op === 'BBOX') {
    if (!(a instanceof PointValue) || !(b instanceof PointValue) || a.z !== undefined || b.z !== undefined) return null;
    if (a.srid !== b.srid) return 'none';
    const wraps = !(a.x <= b.x); // withinBBox reads such a box as crossing the antimeridian
    return { srid: a.srid, xMin: wraps ? -Infinity : a.x, xMax: wraps ? Infinity : b.x, yMin: a.y, yMax: b.y };
  }
  if (!(a instanceof PointValue) || a.z !== undefined || (typeof b !== 'number' && typeof b !== 'bigint')) return null;
  const radius = Number(b);
  if (Number.isNaN(radius) || radius < 0) return 'none';
  const reach = radius * (1 + MARGIN) + Number.MIN_VALUE;
  if (a.srid === 7203) return { srid: a.srid, xMin: a.x - reach, xMax: a.x + reach, yMin: a.y - reach, yMax: a.y + reach };
  if (a.srid !== 4326) return null;
  // a point within the distance is within the same angle of latitude; longitudes wrap, so any
  const angle = (reach / EARTH_RADIUS_METERS) * DEGREES * (1 + MARGIN);
  return { srid: a.srid, xMin: -Infinity, xMax: Infinity, yMin: a.y - angle, yMax: a.y + angle };
}

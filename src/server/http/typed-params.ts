// Query API parameters sent as typed JSON (`Content-Type: application/vnd.neo4j.query`): every
// value is {"$type": …, "_value": …}, so integers beyond 2^53, temporals and points arrive as
// themselves instead of as JSON numbers and strings. Anything else is refused as bad input.

import { BoltLimits } from '../../bolt/limits.js';
import { Neo4jError } from '../../core/errors.js';
import { localSeconds, makeDateTime, parseDateString, parseDateTimeString, parseDurationString, parseTimeString } from '../../values/temporal-build.js';
import { DateValue, LocalDateTimeValue, LocalTimeValue, PointValue, TimeValue, type CypherValue } from '../../values/value.js';
import { invalidRequest } from './json-values.js';

const INTEGER = /^[+-]?\d{1,19}$/;
const WKT = /^SRID=(\d+);\s*POINT\s*(Z?)\s*\(\s*(\S+)\s+(\S+)\s*(\S+)?\s*\)$/i;
const MIN_LONG = -(2n ** 63n);
const MAX_LONG = 2n ** 63n - 1n;

function stringValue(type: string, value: unknown): string {
  if (typeof value !== 'string') throw invalidRequest(`A ${type} value must be given as a string, not ${JSON.stringify(value)}`);
  return value;
}

function parseNumber(text: string, type: string): number {
  if (text === 'NaN') return Number.NaN;
  const n = Number(text);
  if (text.trim() === '' || Number.isNaN(n)) throw invalidRequest(`'${text}' is not a ${type}`);
  return n;
}

function point(text: string): PointValue {
  const m = WKT.exec(text.trim());
  if (!m) throw invalidRequest(`'${text}' is not a point in WKT (SRID=<srid>;POINT (<x> <y>) or SRID=<srid>;POINT Z (<x> <y> <z>))`);
  const [srid, x, y, z] = [Number(m[1]), parseNumber(m[3]!, 'Float'), parseNumber(m[4]!, 'Float'), m[5]];
  return z === undefined ? new PointValue(srid, x, y) : new PointValue(srid, x, y, parseNumber(z, 'Float'));
}

/** Temporal parsers fail with Cypher's errors; in a request they are bad input. */
function temporal<T>(type: string, text: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw invalidRequest(`'${text}' is not a ${type}: ${(error as Error).message}`);
  }
}

/** One typed JSON value → Cypher. */
export function fromTypedJson(input: unknown, depth = 0): CypherValue {
  if (depth >= BoltLimits.maxValueDepth) throw invalidRequest(`Parameter values nested deeper than ${BoltLimits.maxValueDepth} levels are not accepted`);
  if (input === null || typeof input !== 'object' || Array.isArray(input) || !('$type' in input)) {
    throw invalidRequest(`A typed parameter value must be an object {"$type": …, "_value": …}, not ${JSON.stringify(input)?.slice(0, 100)}`);
  }
  const { $type: type, _value: value } = input as { $type: unknown; _value: unknown };
  switch (type) {
    case 'Null': return null;
    case 'Boolean':
      if (typeof value === 'boolean') return value;
      if (value === 'true' || value === 'false') return value === 'true';
      throw invalidRequest(`'${String(value)}' is not a Boolean`);
    case 'Integer': {
      const text = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : stringValue(type, value);
      if (!INTEGER.test(text)) throw invalidRequest(`'${text}' is not an Integer`);
      const n = BigInt(text);
      if (n < MIN_LONG || n > MAX_LONG) throw invalidRequest(`'${text}' is out of the range of an Integer (64 bits)`);
      return n;
    }
    case 'Float': return typeof value === 'number' ? value : parseNumber(stringValue(type, value), type);
    case 'String': return stringValue(type, value);
    case 'List':
      if (!Array.isArray(value)) throw invalidRequest('A List value must be a JSON array');
      return value.map((item) => fromTypedJson(item, depth + 1));
    case 'Map':
      if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalidRequest('A Map value must be a JSON object');
      return new Map(Object.entries(value as object).map(([k, v]) => [k, fromTypedJson(v, depth + 1)]));
    case 'Date': {
      const text = stringValue(type, value);
      return temporal(type, text, () => new DateValue(BigInt(parseDateString(text))));
    }
    case 'LocalTime': {
      const text = stringValue(type, value);
      return temporal(type, text, () => {
        const parsed = parseTimeString(text);
        if (parsed.zone !== null) throw new Error('a LocalTime has no offset');
        return new LocalTimeValue(parsed.nod);
      });
    }
    case 'Time': {
      const text = stringValue(type, value);
      return temporal(type, text, () => {
        const parsed = parseTimeString(text);
        if (parsed.zone?.offset === null || parsed.zone === null) throw new Error('a Time needs an offset');
        return new TimeValue(parsed.nod, parsed.zone.offset);
      });
    }
    case 'LocalDateTime': {
      const text = stringValue(type, value);
      return temporal(type, text, () => {
        const parsed = parseDateTimeString(text);
        if (parsed.zone !== null) throw new Error('a LocalDateTime has no offset or zone');
        const { seconds, nanos } = localSeconds(parsed.days, parsed.nod);
        return new LocalDateTimeValue(seconds, nanos);
      });
    }
    case 'OffsetDateTime':
    case 'ZonedDateTime':
    case 'DateTime': {
      const text = stringValue(type, value);
      return temporal(type, text, () => {
        const parsed = parseDateTimeString(text);
        if (parsed.zone === null) throw new Error('an offset or zone is required');
        return makeDateTime(parsed.days, parsed.nod, parsed.zone);
      });
    }
    case 'Duration': {
      const text = stringValue(type, value);
      return temporal(type, text, () => parseDurationString(text));
    }
    case 'Point': return point(stringValue(type, value));
    case 'Base64':
      throw new Neo4jError('Neo.ClientError.Request.Invalid', 'Byte array (Base64) parameters are not supported by Causeway: it has no byte array type');
    case 'Node': case 'Relationship': case 'Path':
      throw invalidRequest(`${type} values cannot be sent as parameters`);
    default:
      throw invalidRequest(`Unknown type '${String(type)}' in a typed parameter`);
  }
}

/** The request's "parameters" object, typed: each entry is one typed value. */
export function typedParameters(input: unknown): Map<string, CypherValue> {
  if (input === undefined || input === null) return new Map();
  if (typeof input !== 'object' || Array.isArray(input)) throw invalidRequest('"parameters" must be an object');
  return new Map(Object.entries(input as object).map(([k, v]) => [k, fromTypedJson(v)]));
}

// How the integration tests compare values that came back through an official driver.

/** Driver values compared by their Cypher-visible form: integers, floats, temporals and points kept distinct. */
export function canonical(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return `float:${value}`;
  if (typeof value === 'bigint') return `int:${value}`;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map(canonical);
  const object = value as Record<string, unknown> & { constructor: { name: string } };
  if (typeof object.toNumber === 'function' && 'low' in object && 'high' in object) return `int:${String(object)}`;
  if (object.constructor.name !== 'Object') return `${object.constructor.name}:${String(object)}`;
  return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, canonical(v)]));
}

/** Driver values as plain JS: driver integers become numbers, lists and plain maps recursively; the rest as is. */
export function plain(value: unknown): unknown {
  if (value !== null && typeof value === 'object' && 'low' in value && 'high' in value && typeof (value as { toNumber?: unknown }).toNumber === 'function') {
    return (value as unknown as { toNumber(): number }).toNumber();
  }
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === 'object' && value.constructor === Object) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

// Numeric literal conversion with the 64-bit range check Cypher requires.

import type { Token } from '../lexer/tokens.js';
import type { TokenStream } from './stream.js';

const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN_MAGNITUDE = 1n << 63n;

/** Converts an integer token (sign-free) to a bigint, applying `negative`. */
export function integerValue(ts: TokenStream, tok: Token, negative: boolean): bigint {
  const raw = tok.value;
  let magnitude: bigint;
  const lower = raw.toLowerCase();
  if (lower.startsWith('0x')) magnitude = BigInt(raw);
  else if (lower.startsWith('0o')) magnitude = BigInt('0o' + raw.slice(2));
  else if (raw.length > 1 && raw[0] === '0' && /^[0-7]+$/.test(raw)) magnitude = BigInt('0o' + raw.slice(1));
  else magnitude = BigInt(raw);
  const limit = negative ? INT64_MIN_MAGNITUDE : INT64_MAX;
  if (magnitude > limit) {
    throw ts.errorAt(tok.start, `integer is too large: ${negative ? '-' : ''}${raw}`, 'IntegerOverflow');
  }
  return negative ? -magnitude : magnitude;
}

export function floatValue(ts: TokenStream, tok: Token): number {
  const v = Number(tok.value);
  if (!Number.isFinite(v)) throw ts.errorAt(tok.start, `floating point number is too large: ${tok.value}`, 'FloatingPointOverflow');
  return v;
}

// Temporal constructor functions (date, time, datetime, duration, …); filled in below.
import type { ScalarFunction } from './types.js';

export const temporalFunctions: ScalarFunction[] = [];

// The V8 heap's size limit (--max-old-space-size, or V8's default for this machine): the
// default transaction memory pool is a fraction of it.
import { getHeapStatistics } from 'node:v8';

export function heapSizeLimitBytes(): number {
  return getHeapStatistics().heap_size_limit;
}

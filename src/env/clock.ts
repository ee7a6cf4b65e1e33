// The clock seam: pure code never reads time itself; the shell injects one of these.

export interface Clock {
  /** monotonic milliseconds, only for measuring intervals */
  monotonicMs(): number;
  /** wall-clock milliseconds since the epoch, for timestamps shown to people */
  wallMs(): number;
}

/** A repeating timer source; the simulator replaces it with ticks it drives itself. */
export interface Ticker {
  /** calls onTick every intervalMs until the returned function is called */
  every(intervalMs: number, onTick: () => void): () => void;
}

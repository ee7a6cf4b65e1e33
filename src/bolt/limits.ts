// Every bound the Bolt layer enforces, in one place. A client that crosses one gets a FAILURE
// (Neo.ClientError.Request.Invalid) and its connection is closed; other connections are unaffected.

export const BoltLimits = {
  /** Largest single request message after de-chunking (a RUN with big parameters fits easily). */
  maxMessageBytes: 16 * 1024 * 1024,
  /** Outgoing chunk payload size (protocol maximum is 65 535). */
  maxChunkPayloadBytes: 65_535,
  /** Nesting depth of lists/maps/structs inside one message: stops stack exhaustion by crafted input. */
  maxValueDepth: 64,
  /** Decoded messages waiting for the session; the socket is paused above this. */
  maxQueuedMessages: 512,
  /** Open results per explicit transaction (each RUN inside a tx opens one). */
  maxOpenResultsPerTx: 1_000,
  /** Bytes buffered before the handshake completes (20 raw + 5 manifest reply). */
  maxHandshakeBytes: 64,
  /** A client must finish the handshake this quickly, or its socket is dropped (idle connects). */
  handshakeTimeoutMs: 10_000,
  /** Default wait for a bookmark to be applied before BookmarkTimeout. */
  bookmarkWaitTimeoutMs: 30_000,
  /** Upper bound on bookmarks accepted in a single request. */
  maxBookmarksPerRequest: 1_000,
} as const;

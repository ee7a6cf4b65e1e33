// Startup errors of listeners, worded like Neo4j's so operators recognise them.

export function describeListenError(error: Error, host: string, port: number): Error {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') return new Error(`Address ${host}:${port} is already in use, cannot bind to it.`, { cause: error });
  if (code === 'EADDRNOTAVAIL') return new Error(`Cannot bind to ${host}:${port}: the address is not available on this machine.`, { cause: error });
  if (code === 'EACCES') return new Error(`Permission denied binding to ${host}:${port}.`, { cause: error });
  return error;
}

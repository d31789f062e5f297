import type http from 'node:http';

export interface ShutdownSteps {
  server: http.Server;
  /** Ends long-lived responses (live-status streams) that would otherwise hold the server open. */
  endStreams: () => void;
  /** Writes what is still pending (visit counts, an outbox pass, a running backup). */
  flush: () => Promise<unknown>;
  /** Closes the database; runs even when flushing failed. */
  close: () => Promise<void>;
  timeoutMs: number;
  exit: (code: number) => void;
  log: (message: string) => void;
}

/**
 * Returns the signal handler. The first signal stops accepting connections, lets requests in flight
 * finish, flushes pending work and closes the database, then exits 0 (1 if flushing failed). A second
 * signal, or the timeout, exits 1 at once.
 */
export function gracefulShutdown(s: ShutdownSteps): (signal: string) => void {
  let started = false;
  return (signal) => {
    if (started) {
      s.log(`${signal} again: exiting without waiting.`);
      s.exit(1);
      return;
    }
    started = true;
    s.log(`${signal}: no new connections; finishing requests in flight.`);
    const timer = setTimeout(() => {
      s.log(`Shutdown did not finish within ${s.timeoutMs} ms: exiting anyway.`);
      s.exit(1);
    }, s.timeoutMs);
    // Requests still arriving on open keep-alive connections are served, then their connection closes.
    s.server.on('request', (_req: http.IncomingMessage, res: http.ServerResponse) => {
      res.setHeader('Connection', 'close');
    });
    // server.close() drops idle keep-alive connections only once; a connection whose request ends
    // later becomes idle afterwards and would hold the close open until its keep-alive timeout.
    const idle = setInterval(() => s.server.closeIdleConnections(), 100);
    s.server.close(() => {
      clearInterval(idle);
      let code = 0;
      void Promise.resolve()
        .then(s.flush)
        .catch((err) => {
          code = 1;
          s.log(`Shutdown could not finish pending work: ${err instanceof Error ? err.message : err}`);
        })
        .then(s.close)
        .catch((err) => {
          code = 1;
          s.log(`Closing the database failed: ${err instanceof Error ? err.message : err}`);
        })
        .then(() => {
          clearTimeout(timer);
          s.exit(code);
        });
    });
    s.endStreams();
  };
}

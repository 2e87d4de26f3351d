/**
 * Graceful shutdown on SIGTERM/SIGINT: run `stop` (stop accepting, finish in-flight work, close the
 * database) once; a second signal or the timeout forces the exit so a stuck request cannot keep an
 * orchestrator waiting forever.
 */
export function onShutdownSignal(
  stop: () => Promise<void>,
  timeoutMs: number,
  log: (msg: string) => void,
): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) {
      log(`${signal} again: exiting now`);
      process.exit(1);
    }
    stopping = true;
    log(`${signal} received: finishing in-flight work (up to ${timeoutMs} ms)`);
    const timer = setTimeout(() => {
      log('shutdown timed out: exiting');
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log(`shutdown failed: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
}

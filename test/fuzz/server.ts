import type { AddressInfo } from 'node:net';
import { modules } from '../../src/modules/index.js';
import { createTestApp, type TestApp } from '../harness/app.js';
import type { TestDatabase } from '../harness/database.js';

export interface FuzzServer {
  t: TestApp;
  port: number;
  /** The server's error log line for a request id (what a 5xx was really about). */
  errorFor(requestId: string | undefined): string | undefined;
}

/** The whole app (every module) on a loopback port, keeping its error log lines by request id. */
export async function startFuzzServer(database?: TestDatabase): Promise<FuzzServer> {
  const errors = new Map<string, string>();
  const logStream = {
    write(line: string) {
      const entry = JSON.parse(line) as {
        reqId?: string;
        msg?: string;
        err?: { message?: string; stack?: string };
      };
      if (entry.reqId && errors.size < 10_000)
        errors.set(
          entry.reqId,
          `${entry.msg ?? ''} ${entry.err?.stack?.split('\n').slice(0, 4).join(' | ') ?? ''}`,
        );
    },
  };
  const t = await createTestApp({ database, config: { logLevel: 'error' }, deps: { modules, logStream } });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  return {
    t,
    port: (t.app.server.address() as AddressInfo).port,
    errorFor: (id) => (id ? errors.get(id) : undefined),
  };
}

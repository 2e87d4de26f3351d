import { describe, expect, it } from 'vitest';
import { createTestApp } from '../harness/app.js';

describe('graceful shutdown', () => {
  it('finishes in-flight requests, then refuses new connections', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const started = new Promise<void>((resolve) => (entered = resolve));
    const t = await createTestApp({
      deps: {
        extraRoutes: async (api) => {
          api.get('/probe/slow', { config: { public: true } }, async () => {
            entered();
            await gate;
            return { finished: true };
          });
        },
      },
    });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.server.address() as { port: number };
    const inFlight = fetch(`http://127.0.0.1:${port}/api/v1/probe/slow`);
    await started;
    const closing = t.app.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await expect(fetch(`http://127.0.0.1:${port}/health/live`)).rejects.toThrow();
    release();
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ finished: true });
    await closing;
    await t.close();
  });
});

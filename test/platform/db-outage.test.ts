import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogModule } from '../../src/modules/catalog/index.js';
import { identityModule } from '../../src/modules/identity/index.js';
import { openDatabase } from '../../src/platform/db/index.js';
import { createTestApp, type TestApp } from '../harness/app.js';
import { createTestDatabase, driverUnderTest, type TestDatabase } from '../harness/database.js';
import { connect } from '../harness/sse.js';
import { startTcpProxy } from '../harness/tcp-proxy.js';
import { adminQuery } from '../harness/template.js';
import { FIXTURE_PASSWORD, identityFixture, login, type IdentityFixture } from '../identity/fixtures.js';

const modules = [identityModule, catalogModule];

/** Polls until `check` passes (the database is back, a notification arrived). */
async function eventually(check: () => Promise<void>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(100);
    }
  }
}

describe.skipIf(driverUnderTest !== 'postgres')('PostgreSQL backends terminated under load', () => {
  let t: TestApp;
  let fx: IdentityFixture;
  const terminateBackends = () =>
    adminQuery(
      `select pg_terminate_backend(pid) from pg_stat_activity
        where datname = '${t.database.name!}' and pid <> pg_backend_pid()`,
    );
  const readCustomers = () =>
    t.app.inject({ url: '/api/v1/customers?limit=5', headers: fx.users.admin.auth });

  beforeAll(async () => {
    t = await createTestApp({ deps: { modules } });
    fx = await identityFixture(t, 'outage');
  });
  afterAll(() => t?.close());

  it('keeps serving: requests during the outage answer 200 or 503, later ones 200', async () => {
    const statuses = new Map<number, number>();
    let running = true;
    const client = async () => {
      while (running) {
        const res = await readCustomers();
        statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
        if (res.statusCode === 503) {
          expect(res.json()).toMatchObject({ code: 'DATABASE_UNAVAILABLE' });
          expect(res.headers['retry-after']).toBeDefined();
        }
      }
    };
    const clients = Array.from({ length: 20 }, client);
    for (let round = 0; round < 5; round++) {
      await sleep(150);
      await terminateBackends();
    }
    await sleep(150);
    running = false;
    await Promise.all(clients);

    expect([...statuses.keys()].filter((status) => status !== 200 && status !== 503)).toEqual([]);
    expect(statuses.get(200)).toBeGreaterThan(0);
    await eventually(async () => {
      expect((await t.app.inject({ url: '/health/ready' })).statusCode).toBe(200);
    });
    expect((await readCustomers()).statusCode).toBe(200);
  });

  it('answers 503 while the database refuses new sessions (55000), 200 once it accepts them again', async () => {
    const allow = (on: boolean) => adminQuery(`alter database "${t.database.name!}" allow_connections ${on}`);
    await allow(false);
    try {
      await terminateBackends();
      const res = await readCustomers();
      expect(res.statusCode, res.body).toBe(503);
      expect(res.headers['retry-after']).toMatch(/^\d+$/);
      expect(res.json()).toMatchObject({ code: 'DATABASE_UNAVAILABLE' });
    } finally {
      await allow(true);
    }
    await eventually(async () => expect((await readCustomers()).statusCode).toBe(200));
  });

  it('resumes delivering NOTIFY on a listened channel after its connection is terminated', async () => {
    const received: string[] = [];
    const unlisten = await t.app.platform.db.listen('outage_probe', (payload) => received.push(payload));
    try {
      await t.database.db.query(`select pg_notify('outage_probe', 'before')`);
      await eventually(async () => expect(received).toContain('before'));
      await terminateBackends();
      await eventually(async () => {
        await t.database.db.query(`select pg_notify('outage_probe', 'after')`);
        await sleep(50);
        expect(received).toContain('after');
      });
    } finally {
      await unlisten();
    }
  });
});

describe.skipIf(driverUnderTest !== 'postgres')('PostgreSQL unreachable', () => {
  let database: TestDatabase;
  let proxy: Awaited<ReturnType<typeof startTcpProxy>>;
  let t: TestApp;
  let fx: IdentityFixture;

  beforeAll(async () => {
    database = await createTestDatabase();
    const url = new URL(database.url!);
    proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
    url.hostname = '127.0.0.1';
    url.port = String(proxy.port);
    const viaProxy = await openDatabase({ driver: 'postgres', url: url.toString(), poolSize: 3 });
    t = await createTestApp({
      deps: { modules },
      database: { db: viaProxy, url: url.toString(), close: () => viaProxy.close() },
    });
    fx = await identityFixture(t, 'unreachable');
  });
  afterAll(async () => {
    await t?.close();
    await t?.database.close();
    proxy?.close();
    await database?.close();
  });

  const requests = () => [
    t.app.inject({ url: '/api/v1/auth/me', headers: fx.users.agent.auth }),
    t.app.inject({ url: '/api/v1/customers', headers: fx.users.admin.auth }),
    t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'nobody@unreachable.test', password: FIXTURE_PASSWORD },
    }),
  ];

  it('answers 503 DATABASE_UNAVAILABLE with Retry-After on every route while it is cut away, 200 once back', async () => {
    await proxy.cut();
    for (const res of await Promise.all(requests())) {
      expect(res.statusCode, `${res.raw.req.url} ${res.body}`).toBe(503);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.headers['retry-after']).toMatch(/^\d+$/);
      expect(res.json()).toMatchObject({ status: 503, code: 'DATABASE_UNAVAILABLE' });
    }
    await proxy.restore();
    await eventually(async () => {
      const [me, customers] = await Promise.all(requests());
      expect(me!.statusCode).toBe(200);
      expect(customers!.statusCode).toBe(200);
    });
  });

  it('listens again once the database is back, however many reconnections failed meanwhile', async () => {
    const received: string[] = [];
    const unlisten = await t.app.platform.db.listen('outage_probe', (payload) => received.push(payload));
    try {
      await proxy.cut();
      await sleep(1_500); // several reconnection attempts fail meanwhile
      await proxy.restore();
      await eventually(async () => {
        await database.db.query(`select pg_notify('outage_probe', 'back')`);
        await sleep(50);
        expect(received).toContain('back');
      });
    } finally {
      await unlisten();
    }
  });

  it('judges every session afresh and ends open streams once its listener is back, since notifications of the gap are lost', async () => {
    const user = await login(t, fx.users.agent.email, FIXTURE_PASSWORD);
    const me = () => t.app.inject({ url: '/api/v1/auth/me', headers: user.auth });
    expect((await me()).statusCode).toBe(200); // the verdict is cached for 30 s
    const cachedAt = Date.now();
    if (!t.app.server.listening) await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.server.address() as AddressInfo;
    const stream = await connect(`http://127.0.0.1:${port}`, user.token);
    await proxy.cut();
    // Another instance revokes the session meanwhile; its notification cannot reach this one.
    const { sid } = JSON.parse(Buffer.from(user.token.split('.')[1]!, 'base64url').toString()) as {
      sid: string;
    };
    await database.db.query(
      `update sessions set revoked_at = now(), revoked_reason = 'logout' where id = $1`,
      [sid],
    );
    await proxy.restore();
    await stream.ended;
    await eventually(async () => expect((await me()).statusCode).toBe(401));
    expect(Date.now() - cachedAt).toBeLessThan(20_000);
  });

  it('answers 503 when no pooled connection frees up in time', async () => {
    const single = await openDatabase({ driver: 'postgres', url: database.url!, poolSize: 1 });
    const app = await createTestApp({
      deps: { modules },
      database: { db: single, close: () => single.close() },
    });
    let release = () => {};
    const held = single.withSystem(() => new Promise<void>((resolve) => (release = resolve)));
    try {
      const res = await app.app.inject({ url: '/api/v1/customers', headers: fx.users.admin.auth });
      expect(res.statusCode, res.body).toBe(503);
      expect(res.headers['retry-after']).toMatch(/^\d+$/);
      expect(res.json()).toMatchObject({ code: 'DATABASE_UNAVAILABLE' });
    } finally {
      release();
      await held;
      await app.close();
      await single.close();
    }
  });
});

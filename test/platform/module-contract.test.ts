import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { defaultPrincipalResolver } from '../../src/platform/http/auth.js';
import { ModuleContractError, type SalesOpsModule } from '../../src/platform/module.js';
import { createTestApp, testConfig } from '../harness/app.js';
import { createTestDatabase, type TestDatabase } from '../harness/database.js';

const counter = (key: string) => ({ key, query: () => sql`select null::uuid as user_id, 0 as n` });
const topic = (name: string) => ({ topic: name, permission: 'authenticated', description: name });

describe('module contract', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database?.close());

  const boot = (modules: SalesOpsModule[]) =>
    buildApp(testConfig(), { db: database.db, modules, start: false }).then((app) => app.close());

  it('refuses to start when two modules declare a principal resolver', async () => {
    const resolver = () => defaultPrincipalResolver;
    const failure = boot([
      { name: 'one', principalResolver: resolver },
      { name: 'two', principalResolver: resolver },
    ]);
    await expect(failure).rejects.toBeInstanceOf(ModuleContractError);
    await expect(failure).rejects.toThrow(/only one module may declare principalResolver; one and two/);
  });

  it('refuses duplicate activity counters and real-time topics, naming both modules', async () => {
    await expect(
      boot([
        { name: 'one', activityCounters: [counter('visits')] },
        { name: 'two', activityCounters: [counter('visits')] },
      ]),
    ).rejects.toThrow(/activity counter "visits" is declared by both one and two/);
    await expect(
      boot([
        { name: 'one', realtimeTopics: [topic('orders')] },
        { name: 'two', realtimeTopics: [topic('orders')] },
      ]),
    ).rejects.toThrow(/realtime topic "orders" is declared by both one and two/);
    await expect(boot([{ name: 'one', realtimeTopics: [topic('imports')] }])).rejects.toThrow(
      /"imports" is declared twice/,
    );
  });

  it('refuses a topic without the permission that receives it, or with a malformed name', async () => {
    await expect(
      boot([{ name: 'one', realtimeTopics: [{ ...topic('orders'), permission: [] }] }]),
    ).rejects.toThrow(/must declare the permission/);
    await expect(boot([{ name: 'one', realtimeTopics: [topic('Orders')] }])).rejects.toThrow(
      /topic must match/,
    );
  });

  it('collects every module’s counters and topics into the platform', async () => {
    const t = await createTestApp({
      database,
      deps: {
        modules: [
          { name: 'one', activityCounters: [counter('a')], realtimeTopics: [topic('one.events')] },
          { name: 'two', activityCounters: [counter('b')] },
        ],
      },
    });
    try {
      expect(t.app.platform.activityCounters.map((c) => c.key)).toEqual(['a', 'b']);
      expect([...t.app.platform.realtime.topics().keys()].sort()).toEqual(['imports', 'one.events']);
    } finally {
      await t.close();
    }
  });
});

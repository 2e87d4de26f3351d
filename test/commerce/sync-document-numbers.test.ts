import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeMoysklad } from '../../src/modules/commerce/index.js';
import { identityFixture, type IdentityFixture } from '../identity/fixtures.js';
import type { TestApp } from '../harness/app.js';
import {
  client,
  commerceApp,
  createIntegration,
  expectCompleted,
  expectStatus,
  fakeSupply,
  scalar,
  startFake,
  syncNow,
} from './sync.helpers.js';

/**
 * A synced document is known by its external id; its number is the ERP's, whatever it is. Two
 * documents of one page with one number, two documents swapping numbers, and two ERP accounts that
 * both number from 00001 all sync. Numbers stay unique among the documents made here.
 */
describe('sync: document numbers are the ERP’s', () => {
  let t: TestApp;
  let acme: IdentityFixture;
  let fake: FakeMoysklad;
  let other: FakeMoysklad;
  let integrationId: string;
  const entities = ['product_folders', 'products', 'variants', 'counterparties', 'stores', 'supplies'];

  beforeAll(async () => {
    t = await commerceApp();
    acme = await identityFixture(t, 'acme');
    fake = await startFake();
    other = await startFake({ seed: 'another account' });
    integrationId = await createIntegration(t, acme.tenantId, fake);
    expectCompleted(
      await syncNow(t, acme.tenantId, acme.users.admin.auth, {
        integration_id: integrationId,
        mode: 'full',
        entities,
      }),
    );
  }, 180_000);

  afterAll(async () => {
    await fake?.close();
    await other?.close();
    await t?.close();
  });

  const numbered = (number: string) =>
    client(t).ok<{ documents: { id: string; number: string; source: string }[] }>(
      'GET',
      `/documents?kind=supply&q=${encodeURIComponent(number)}&limit=100`,
      acme.users.admin.auth,
    );
  const sync = async () => {
    fake.control.advanceClock(10_000);
    const job = await syncNow(t, acme.tenantId, acme.users.admin.auth, {
      integration_id: integrationId,
      entities: ['supplies'],
    });
    expectCompleted(job);
    return job;
  };
  const supply = (name: string) => fakeSupply(fake, { name });

  it('takes two documents of one page that share a number', async () => {
    fake.control.advanceClock(10_000);
    supply('R-100');
    supply('R-100');
    const job = await sync();
    expect(job.counts.supplies).toMatchObject({ created: 2, failed: 0 });
    const { documents } = await numbered('R-100');
    expect(documents.map((d) => [d.number, d.source])).toEqual([
      ['R-100', 'moysklad'],
      ['R-100', 'moysklad'],
    ]);
  });

  it('takes two documents swapping their numbers in one page', async () => {
    fake.control.advanceClock(10_000);
    const a = supply('S-1');
    const b = supply('S-2');
    await sync();
    fake.control.advanceClock(10_000);
    fake.control.update('supply', a, { name: 'S-2' });
    fake.control.update('supply', b, { name: 'S-1' });
    const job = await sync();
    expect(job.counts.supplies).toMatchObject({ updated: 2, failed: 0 });
    const numberOf = (externalId: string) =>
      scalar<string>(
        t,
        acme.tenantId,
        `select d.number from commerce_documents d join external_refs r on r.entity_id = d.id
          where r.entity_type = 'commerce_document' and r.external_id = $1`,
        [externalId],
      );
    expect([await numberOf(a), await numberOf(b)]).toEqual(['S-2', 'S-1']);
  });

  it('takes a second account that numbers its documents as the first does', async () => {
    // Its dictionaries carry codes of their own (codes stay unique in the tenant's catalogue).
    for (const type of ['productfolder', 'product', 'variant', 'counterparty', 'store'])
      for (const id of other.control.ids(type)) other.control.update(type, id, { code: `B-${id}` });
    const second = await createIntegration(t, acme.tenantId, other);
    const job = await syncNow(t, acme.tenantId, acme.users.admin.auth, {
      integration_id: second,
      mode: 'full',
      entities,
    });
    expectCompleted(job);
    expect(job.failures, JSON.stringify(job.failures)).toEqual([]);
    const { documents } = await numbered('00001');
    const first = documents.filter((d) => d.number === '00001');
    expect(first).toHaveLength(2);
  });

  it('keeps local numbers unique, beside synced documents of the same number', async () => {
    const api = client(t);
    const warehouseId = await scalar<string>(
      t,
      acme.tenantId,
      `select id::text from warehouses order by created_at limit 1`,
    );
    const post = () =>
      api.call('POST', '/documents', acme.users.admin.auth, {
        kind: 'supply',
        number: 'R-100',
        warehouse_id: warehouseId,
        positions: [],
      });
    // Concurrent: the check before the insert passes for both, the database refuses the second.
    const statuses = (await Promise.all([post(), post()])).map((res) => res.statusCode).sort();
    expect(statuses).toEqual([201, 409]);
    expectStatus(await post(), 409, 'DOCUMENT_NUMBER_TAKEN');
    const { documents } = await numbered('R-100');
    expect(documents.map((d) => d.source).sort()).toEqual(['local', 'moysklad', 'moysklad']);
  });
});

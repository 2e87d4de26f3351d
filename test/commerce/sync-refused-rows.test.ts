import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeMoysklad } from '../../src/modules/commerce/index.js';
import { processWebhookReceipt } from '../../src/modules/commerce/sync/index.js';
import { webhookReceipts } from '../../src/modules/commerce/tables/integrations.tables.js';
import { identityFixture, type IdentityFixture } from '../identity/fixtures.js';
import type { TestApp } from '../harness/app.js';
import {
  fakePosition,
  fakeSupply,
  commerceApp,
  createIntegration,
  expectCompleted,
  scalar,
  startFake,
  syncNow,
} from './sync.helpers.js';

/**
 * A row the database refuses (a value beyond its column's range) is a failure of that row: the rest
 * of its page is applied, the job completes, and the failure carries the database's reason. Before,
 * the whole page failed, and with it every later run of the job.
 */
describe('sync: rows the database refuses', () => {
  let t: TestApp;
  let acme: IdentityFixture;
  let fake: FakeMoysklad;
  let integrationId: string;

  beforeAll(async () => {
    t = await commerceApp();
    acme = await identityFixture(t, 'acme');
    fake = await startFake();
    integrationId = await createIntegration(t, acme.tenantId, fake);
    expectCompleted(
      await syncNow(t, acme.tenantId, acme.users.admin.auth, {
        integration_id: integrationId,
        mode: 'full',
        entities: [
          'product_folders',
          'products',
          'variants',
          'services',
          'counterparties',
          'stores',
          'supplies',
        ],
      }),
    );
  }, 180_000);

  afterAll(async () => {
    await fake?.close();
    await t?.close();
  });

  const sync = async (entities: string[]) => {
    fake.control.advanceClock(10_000);
    return syncNow(t, acme.tenantId, acme.users.admin.auth, { integration_id: integrationId, entities });
  };
  const linked = (entityType: string, externalId: string) =>
    scalar<string | undefined>(
      t,
      acme.tenantId,
      `select entity_id::text from external_refs where entity_type = $1 and external_id = $2`,
      [entityType, externalId],
    );

  it('records a document out of range as a row failure and applies the rest of its page', async () => {
    const supply = (quantity: number) => fakeSupply(fake, { quantity, price: 100 });
    fake.control.advanceClock(10_000);
    const before = supply(2);
    const huge = supply(1e16); // numeric(18, 3) holds less than 10^15
    const after = supply(3);
    const job = await sync(['supplies']);
    expectCompleted(job);
    expect(job.counts.supplies).toMatchObject({ failed: 1 });
    expect(job.failures).toEqual([
      expect.objectContaining({
        entity: 'supplies',
        external_id: huge,
        reason: expect.stringMatching(/^the database refused it: numeric field overflow/),
      }),
    ]);
    expect(await linked('commerce_document', before)).toBeTruthy();
    expect(await linked('commerce_document', after)).toBeTruthy();
    expect(await linked('commerce_document', huge)).toBeUndefined();

    // Corrected in the ERP, it comes with the next run.
    fake.control.advanceClock(10_000);
    fake.control.update('supply', huge, { positions: [fakePosition(fake, 4, 100)] });
    const again = await sync(['supplies']);
    expectCompleted(again);
    expect(again.failures).toEqual([]);
    expect(await linked('commerce_document', huge)).toBeTruthy();
  });

  it('records a product out of range as a row failure', async () => {
    const [first, second] = fake.control.ids('product');
    fake.control.advanceClock(10_000);
    fake.control.update('product', first!, { weight: 1e13, name: 'Too heavy' }); // numeric(14, 3)
    fake.control.update('product', second!, { name: 'Renamed' });
    const job = await sync(['products']);
    expectCompleted(job);
    expect(job.failures).toEqual([
      expect.objectContaining({
        external_id: first,
        reason: expect.stringContaining('numeric field overflow'),
      }),
    ]);
    const names = await scalar<string>(
      t,
      acme.tenantId,
      `select string_agg(name, ',' order by name) from products where id in
        (select entity_id from external_refs where entity_type = 'product' and external_id in ($1, $2))`,
      [first, second],
    );
    expect(names).not.toContain('Too heavy');
    expect(names).toContain('Renamed');
  });

  it('marks a webhook delivery of a refused row failed with the database’s reason, not its statement', async () => {
    const product = fake.control.ids('product')[2]!;
    fake.control.advanceClock(10_000);
    fake.control.update('product', product, { weight: 1e13 });
    const receiptId = await t.database.db.withTenant({ tenantId: acme.tenantId }, async (tx) => {
      const [row] = await tx.db
        .insert(webhookReceipts)
        .values({
          tenantId: acme.tenantId,
          integrationId,
          requestId: crypto.randomUUID(),
          events: [{ entity: 'products', action: 'UPDATE', externalId: product, accountId: fake.accountId }],
        })
        .returning();
      return row!.id;
    });
    await processWebhookReceipt(t.app.platform, { tenantId: acme.tenantId, receiptId });
    const error = await scalar<string>(
      t,
      acme.tenantId,
      `select status || ': ' || error from webhook_receipts where id = $1`,
      [receiptId],
    );
    expect(error).toMatch(/^failed: the database refused it: numeric field overflow/);
    expect(error).not.toMatch(/update|insert|params/i);
  });
});

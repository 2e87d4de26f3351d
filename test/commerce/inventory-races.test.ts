import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../harness/app.js';
import { identityFixture, type IdentityFixture } from '../identity/fixtures.js';
import { client, commerceApp, createProduct, createWarehouse, expectStatus } from './inventory.helpers.js';

/**
 * Commerce writes that arrive at once (on PostgreSQL they overlap; the embedded database runs them
 * one at a time): two changes of different settings both stay, and each count answers with the
 * movement it wrote itself.
 */
describe('commerce inventory: writes at once', () => {
  let t: TestApp;
  let a: IdentityFixture;
  let admin: Record<string, string>;

  beforeAll(async () => {
    t = await commerceApp();
    a = await identityFixture(t, 'alpha');
    admin = a.users.admin.auth;
  });
  afterAll(() => t?.close());

  it('two settings changed at once both stay', async () => {
    const api = client(t);
    for (let round = 1; round <= 6; round++) {
      const answers = await Promise.all([
        api.call('PUT', '/commerce/settings', admin, { commerce: { cover_window_days: 10 + round } }),
        api.call('PUT', '/commerce/settings', admin, { commerce: { dead_stock_days: 100 + round } }),
      ]);
      for (const answer of answers) expectStatus(answer, 200);
      const { commerce } = await api.ok<{ commerce: Record<string, unknown> }>(
        'GET',
        '/commerce/settings',
        admin,
      );
      expect(commerce).toMatchObject({ cover_window_days: 10 + round, dead_stock_days: 100 + round });
    }
  });

  it('counts of one level at once each answer with their own movement', async () => {
    const api = client(t);
    const warehouse_id = (await createWarehouse(t, admin)).id;
    const product_id = (await createProduct(t, admin)).id;
    const quantities = ['1', '2', '3', '4', '5', '6'];
    const answers = await Promise.all(
      quantities.map((quantity) =>
        api.call('POST', '/inventory/adjustments', admin, {
          product_id,
          warehouse_id,
          quantity,
          reason: `count ${quantity}`,
        }),
      ),
    );
    answers.forEach((answer, i) => {
      expectStatus(answer, 201);
      expect(answer.json()).toMatchObject({
        movement: { quantity: `${quantities[i]}.000`, reason: `count ${quantities[i]}` },
      });
    });
  });
});

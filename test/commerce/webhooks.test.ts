import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeMoysklad } from '../../src/modules/commerce/index.js';
import { webhookReceivedJob } from '../../src/modules/commerce/integrations/index.js';
import type { TestApp } from '../harness/app.js';
import { identityFixture, type IdentityFixture } from '../identity/fixtures.js';
import {
  client,
  createIntegration,
  expectStatus,
  fakeMoysklad,
  integrationsApp,
  webhookPath,
  type IntegrationJson,
} from './integrations.helpers.js';

/** A free loopback port, so PUBLIC_URL can name the address the app will listen on. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const productHref = (fake: FakeMoysklad, id: string) => `${fake.baseUrl}/entity/product/${id}`;

describe('commerce webhooks: the public MoySklad receiver', () => {
  let t: TestApp;
  let fake: FakeMoysklad;
  let a: IdentityFixture;
  let b: IdentityFixture;
  let mine: IntegrationJson;
  let theirs: IntegrationJson;
  let productId: string;

  const body = (accountId: string, ids: string[] = [productId]) => ({
    auditContext: {
      meta: { type: 'audit', href: `${fake.baseUrl}/audit/1` },
      moment: '2026-01-01 10:00:00',
      uid: 'admin@shop',
    },
    events: ids.map((id) => ({
      meta: { type: 'product', href: productHref(fake, id) },
      action: 'UPDATE',
      accountId,
      updatedFields: ['name'],
    })),
  });
  const post = (path: string, payload: unknown, requestId: string | null = crypto.randomUUID()) =>
    t.app.inject({
      method: 'POST',
      url: `/api/v1${path}${requestId === null ? '' : `?requestId=${requestId}`}`,
      headers: { 'content-type': 'application/json', 'user-agent': 'MoySklad webhook touch agent 2.0' },
      payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
    });
  const receipts = async (integrationId: string) =>
    (
      await t.database.db.query<{ id: string; request_id: string; events: unknown[]; status: string }>(
        'select id, request_id, events, status from webhook_receipts where integration_id = $1 order by received_at',
        [integrationId],
      )
    ).rows;

  beforeAll(async () => {
    const port = await freePort();
    t = await integrationsApp({ config: { publicUrl: `http://127.0.0.1:${port}` } });
    await t.app.listen({ port, host: '127.0.0.1' });
    fake = await fakeMoysklad();
    a = await identityFixture(t, 'alpha');
    b = await identityFixture(t, 'beta');
    mine = await createIntegration(t, a.users.admin.auth, fake, { entities: ['products'] });
    theirs = await createIntegration(t, b.users.admin.auth, fake, { entities: ['products'] });
    // A test learns the account id every event must carry.
    await client(t).ok('POST', `/admin/integrations/${mine.id}/test`, a.users.admin.auth);
    productId = fake.control.ids('product')[0]!;
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  it('stores a good delivery once and queues its processing; a repeated requestId is answered 200', async () => {
    const requestId = crypto.randomUUID();
    const first = expectStatus(await post(webhookPath(mine), body(fake.accountId), requestId), 200);
    expect(first.json()).toEqual({ received: true, duplicate: false });
    const stored = await receipts(mine.id);
    expect(stored).toEqual([
      {
        id: expect.any(String),
        request_id: requestId,
        status: 'pending',
        events: [{ entity: 'products', action: 'UPDATE', externalId: productId, accountId: fake.accountId }],
      },
    ]);
    expect(await t.app.platform.jobs.isQueued(webhookReceivedJob, { receiptId: stored[0]!.id })).toBe(true);
    expect(
      await t.app.platform.jobs.isQueued(webhookReceivedJob, {
        tenantId: a.tenantId,
        receiptId: stored[0]!.id,
      }),
    ).toBe(true);

    const again = expectStatus(await post(webhookPath(mine), body(fake.accountId), requestId), 200);
    expect(again.json()).toEqual({ received: true, duplicate: true });
    expect(await receipts(mine.id)).toHaveLength(1);
  });

  it('answers 404 and stores nothing for a wrong token, id, account or provider', async () => {
    const before = (await receipts(mine.id)).length;
    const path = webhookPath(mine);
    const wrongToken = path.replace(/[^/]+$/, 'A'.repeat(43));
    const shortToken = path.replace(/[^/]+$/, 'x');
    expectStatus(await post(wrongToken, body(fake.accountId)), 404, 'NOT_FOUND');
    expectStatus(await post(shortToken, body(fake.accountId)), 404, 'NOT_FOUND');
    expectStatus(await post(path, body('00000000-0000-0000-0000-000000000000')), 404, 'NOT_FOUND');
    // One foreign event among good ones is enough.
    const mixed = body(fake.accountId);
    mixed.events.push({ ...mixed.events[0]!, accountId: 'another-account' });
    expectStatus(await post(path, mixed), 404, 'NOT_FOUND');
    expectStatus(await post(path.replace(mine.id, crypto.randomUUID()), body(fake.accountId)), 404);
    // Another tenant's token with this id, and this token with another tenant's id.
    const theirToken = webhookPath(theirs).split('/').pop()!;
    expectStatus(await post(path.replace(/[^/]+$/, theirToken), body(fake.accountId)), 404);
    expectStatus(await post(path.replace(mine.id, theirs.id), body(fake.accountId)), 404);
    expect(await receipts(mine.id)).toHaveLength(before);
    expect(await receipts(theirs.id)).toHaveLength(0);
  });

  it('refuses malformed deliveries with a problem document and stores nothing', async () => {
    const before = (await receipts(mine.id)).length;
    const path = webhookPath(mine);
    const malformed = expectStatus(
      await post(path, { events: [{ action: 'UPDATE' }] }),
      422,
      'MALFORMED_WEBHOOK',
    );
    expect(malformed.headers['content-type']).toMatch(/application\/problem\+json/);
    expectStatus(await post(path, { hello: 'world' }), 422, 'MALFORMED_WEBHOOK');
    expectStatus(await post(path, '{"events": [', crypto.randomUUID()), 400);
    expectStatus(await post(path, [1, 2]), 422);
    // requestId is required; other parameters are refused.
    expectStatus(await post(path, body(fake.accountId), null), 422);
    expectStatus(await post(`${path}?other=1`, body(fake.accountId)), 422);
    expect(await receipts(mine.id)).toHaveLength(before);
  });

  it('before the account is known, any account is taken; events of types no sync covers are acknowledged', async () => {
    expect(theirs.account_id).toBeNull();
    expectStatus(await post(webhookPath(theirs), body('any-account')), 200);
    expect(await receipts(theirs.id)).toHaveLength(1);
    const unsupported = {
      events: [
        {
          meta: { type: 'task', href: `${fake.baseUrl}/entity/task/${productId}` },
          action: 'UPDATE',
          accountId: fake.accountId,
        },
      ],
    };
    expect(expectStatus(await post(webhookPath(mine), unsupported), 200).json()).toEqual({
      received: true,
      duplicate: false,
    });
  });

  it('receives what MoySklad delivers to the registered URL', async () => {
    const before = (await receipts(mine.id)).length;
    await client(t).ok('POST', `/admin/integrations/${mine.id}/webhooks`, a.users.admin.auth);
    const started = Date.now();
    const deliveries = await fake.control.sendWebhook({
      type: 'product',
      id: productId,
      action: 'UPDATE',
      updatedFields: ['name'],
    });
    const ours = deliveries.filter((d) => d.url === mine.webhook_url);
    expect(ours).toEqual([expect.objectContaining({ ok: true, status: 200, attempts: 1 })]);
    expect(Date.now() - started).toBeLessThan(1500);
    const stored = await receipts(mine.id);
    expect(stored).toHaveLength(before + 1);
    expect(stored.at(-1)!.request_id).toBe(ours[0]!.requestId);
    // MoySklad repeats a delivery with the same requestId: stored once.
    await fake.control.resendWebhook(ours[0]!.requestId);
    expect(await receipts(mine.id)).toHaveLength(before + 1);
  });

  it('deleting an integration removes its receipts; its URL then answers 404', async () => {
    expect((await receipts(theirs.id)).length).toBeGreaterThan(0);
    expectStatus(await client(t).call('DELETE', `/admin/integrations/${theirs.id}`, b.users.admin.auth), 204);
    expect(await receipts(theirs.id)).toHaveLength(0);
    expectStatus(await post(webhookPath(theirs), body('any-account')), 404);
  });

  it('stops a client guessing tokens for one integration', async () => {
    const wrong = webhookPath(mine).replace(/[^/]+$/, 'guess');
    let status = 0;
    for (let i = 0; i < 25 && status !== 429; i++)
      status = (await post(wrong, body(fake.accountId))).statusCode;
    expect(status).toBe(429);
  });
});

import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderError, SYNC_ENTITIES } from '../../src/modules/commerce/integrations/provider.js';
import {
  moyskladProvider,
  registerWebhooks,
  startFakeMoysklad,
  WEBHOOK_USER_AGENT,
  type FakeMoysklad,
} from '../../src/modules/commerce/moysklad/index.js';
import { connectionTo } from './moysklad-helpers.js';

const BODY = {
  auditContext: {
    meta: {
      type: 'audit',
      href: 'https://api.moysklad.ru/api/remap/1.2/audit/75fe3b73-db16-11eb-c0a8-800d00000004',
    },
    moment: '2021-07-21 15:51:16',
    uid: 'admin@company',
  },
  events: [
    {
      meta: {
        type: 'product',
        href: 'https://api.moysklad.ru/api/remap/1.2/entity/product/75c896d0-db16-11eb-c0a8-800d00000002',
      },
      updatedFields: ['name', 'description'],
      action: 'UPDATE',
      accountId: '9171a53c-b719-11eb-c0a8-800d00000001',
    },
    {
      meta: {
        type: 'demand',
        href: 'https://api.moysklad.ru/api/remap/1.2/entity/demand/11111111-db16-11eb-c0a8-800d00000002',
      },
      action: 'DELETE',
      accountId: '9171a53c-b719-11eb-c0a8-800d00000001',
    },
  ],
};

describe('parseWebhook', () => {
  it('turns events into sync entities and ids', () => {
    expect(moyskladProvider.parseWebhook(BODY)).toEqual([
      {
        entity: 'products',
        action: 'UPDATE',
        externalId: '75c896d0-db16-11eb-c0a8-800d00000002',
        accountId: '9171a53c-b719-11eb-c0a8-800d00000001',
      },
      {
        entity: 'shipments',
        action: 'DELETE',
        externalId: '11111111-db16-11eb-c0a8-800d00000002',
        accountId: '9171a53c-b719-11eb-c0a8-800d00000001',
      },
    ]);
  });

  it('leaves out types the sync does not cover and PROCESSED events', () => {
    const event = (type: string, action = 'CREATE') => ({
      meta: { type, href: `https://api.moysklad.ru/api/remap/1.2/entity/${type}/abc-1` },
      action,
      accountId: 'acc',
    });
    expect(
      moyskladProvider.parseWebhook({
        events: [event('bundle'), event('paymentin'), event('product', 'PROCESSED'), event('variant')],
      }),
    ).toEqual([{ entity: 'variants', action: 'CREATE', externalId: 'abc-1', accountId: 'acc' }]);
    expect(moyskladProvider.parseWebhook({ events: [] })).toEqual([]);
  });

  it.each([
    ['not an object', 'events'],
    ['no events', {}],
    ['events not a list', { events: {} }],
    ['an event without meta', { events: [{ action: 'UPDATE', accountId: 'a' }] }],
    ['meta without href', { events: [{ meta: { type: 'product' }, action: 'UPDATE', accountId: 'a' }] }],
    [
      'no action',
      { events: [{ meta: { type: 'product', href: 'https://x/entity/product/1' }, accountId: 'a' }] },
    ],
    [
      'no accountId',
      { events: [{ meta: { type: 'product', href: 'https://x/entity/product/1' }, action: 'UPDATE' }] },
    ],
    [
      'an href without id',
      { events: [{ meta: { type: 'product', href: 'nothing here' }, action: 'UPDATE', accountId: 'a' }] },
    ],
  ])('rejects %s as malformed_webhook', (_, body) => {
    let error: unknown;
    try {
      moyskladProvider.parseWebhook(body);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ code: 'malformed_webhook' });
  });
});

describe('subscriptions and deliveries', () => {
  let fake: FakeMoysklad;
  let receiver: Server;
  let receiverUrl: string;
  const received: { url: string; headers: IncomingHttpHeaders; body: string }[] = [];
  let answer = 200;

  beforeAll(async () => {
    fake = await startFakeMoysklad({
      seed: 'hooks',
      sizes: { products: 10, documents: 20 },
      webhookTimeoutMs: 500,
    });
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() });
        res.writeHead(answer).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/moysklad/s3cr3t`;
  });
  afterAll(async () => {
    await fake.close();
    await new Promise((resolve) => receiver.close(resolve));
  });

  it('registers CREATE, UPDATE and DELETE per entity type once, re-enabling disabled ones', async () => {
    const conn = connectionTo(fake);
    const first = await registerWebhooks(conn, receiverUrl, SYNC_ENTITIES);
    expect(first.created).toBe((SYNC_ENTITIES.length - 1) * 3);
    const hooks = fake.control.webhooks();
    expect(hooks).toHaveLength((SYNC_ENTITIES.length - 1) * 3);
    expect(new Set(hooks.map((h) => `${h.entityType}/${h.action}`)).size).toBe(hooks.length);
    expect(hooks.find((h) => h.entityType === 'productfolder' && h.action === 'UPDATE')).toMatchObject({
      diffType: 'FIELDS',
      enabled: true,
    });

    const again = await registerWebhooks(conn, receiverUrl, SYNC_ENTITIES);
    expect(again).toEqual({ created: 0, enabled: 0, removed: 0, requests: 1 });
    expect(fake.control.webhooks()).toHaveLength(hooks.length);

    // Disabled in MoySklad (e.g. after failing deliveries): enabled again.
    const disabled = hooks.find((h) => h.entityType === 'product' && h.action === 'DELETE')!;
    const auth = 'Basic ' + Buffer.from('admin@fake:secret').toString('base64');
    await fetch(`${fake.baseUrl}/entity/webhook/${disabled.id}`, {
      method: 'PUT',
      headers: { Authorization: auth, 'Accept-Encoding': 'gzip', 'Content-Type': 'application/json' },
      body: JSON.stringify({ enabled: false }),
    });
    // Products only: the product subscriptions stay (the disabled one enabled), the others go.
    expect(await registerWebhooks(conn, receiverUrl, ['products'])).toMatchObject({
      created: 0,
      enabled: 1,
      removed: hooks.length - 3,
    });
    expect(fake.control.webhooks().map((h) => [h.entityType, h.enabled])).toEqual([
      ['product', true],
      ['product', true],
      ['product', true],
    ]);
    await moyskladProvider.registerWebhooks(conn, receiverUrl, SYNC_ENTITIES);
    expect(fake.control.webhooks()).toHaveLength(hooks.length);
  });

  it('delivers notifications with requestId, its User-Agent and a body the provider parses; repeats keep the requestId', async () => {
    received.length = 0;
    const [id] = fake.control.ids('product');
    const deliveries = await fake.control.sendWebhook({
      type: 'product',
      id: id!,
      action: 'UPDATE',
      updatedFields: ['name'],
    });
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({ ok: true, attempts: 1, status: 200 });
    const hit = received[0]!;
    const requestId = new URL(hit.url, 'http://x').searchParams.get('requestId');
    expect(requestId).toBe(deliveries[0]!.requestId);
    expect(hit.url.startsWith('/hooks/moysklad/s3cr3t?requestId=')).toBe(true);
    expect(hit.headers['user-agent']).toBe(WEBHOOK_USER_AGENT);
    const body = JSON.parse(hit.body);
    expect(body.events[0]).toMatchObject({
      updatedFields: ['name'],
      action: 'UPDATE',
      accountId: fake.accountId,
    });
    expect(moyskladProvider.parseWebhook(body)).toEqual([
      { entity: 'products', action: 'UPDATE', externalId: id, accountId: fake.accountId },
    ]);

    await fake.control.resendWebhook(requestId!);
    expect(received).toHaveLength(2);
    expect(new URL(received[1]!.url, 'http://x').searchParams.get('requestId')).toBe(requestId);
    expect(received[1]!.body).toBe(hit.body);

    await fake.control.sendWebhook(
      { type: 'demand', id: 'x-1', action: 'DELETE' },
      { requestId: 'fixed-request' },
    );
    expect(new URL(received[2]!.url, 'http://x').searchParams.get('requestId')).toBe('fixed-request');
  });

  it('retries a failing receiver three times at once, then gives up', async () => {
    received.length = 0;
    answer = 500;
    try {
      const deliveries = await fake.control.sendWebhook({
        type: 'store',
        id: fake.control.ids('store')[0]!,
        action: 'CREATE',
      });
      expect(deliveries[0]).toMatchObject({ ok: false, attempts: 4, status: 500 });
      expect(received).toHaveLength(4);
      expect(new Set(received.map((r) => r.url)).size).toBe(1);
    } finally {
      answer = 200;
    }
  });
});

import { describe, expect, it } from 'vitest';
import {
  attempt,
  mapCounterparty,
  mapDocument,
  mapProduct,
  mapStockByStore,
  mapVariant,
} from '../../src/modules/commerce/moysklad/mapping.js';

const API = 'https://api.moysklad.ru/api/remap/1.2';
const ref = (type: string, id: string) => ({
  meta: { href: `${API}/entity/${type}/${id}`, type, mediaType: 'application/json' },
});

// Doc-shaped rows (MoySklad's own examples, trimmed).
const product = {
  meta: { href: `${API}/entity/product/26b36824-2c83-11e6-8a84-bae50000001b`, type: 'product' },
  id: '26b36824-2c83-11e6-8a84-bae50000001b',
  updated: '2024-06-07 10:40:48.123',
  name: 'Тыква',
  code: 'pumpkin1',
  article: 'PMK-01',
  archived: false,
  productFolder: ref('productfolder', 'f-1'),
  vat: 20,
  effectiveVat: 20,
  uom: ref('uom', '19f1edc0-fc42-4001-94cb-c9ec9c62ec10'),
  minPrice: { value: 500.0 },
  salePrices: [{ value: 3353.0, priceType: { id: 'pt-1', name: 'Цена продажи' } }],
  buyPrice: { value: 54.0 },
  barcodes: [{ ean13: '2000000000019' }, { code128: 'ABC' }],
  weight: 0.5,
  volume: 0,
};

describe('dictionary rows', () => {
  it('maps a product: kopecks to roubles, Moscow time to UTC, refs to ids', () => {
    expect(mapProduct(product)).toEqual({
      externalId: '26b36824-2c83-11e6-8a84-bae50000001b',
      updatedAt: new Date('2024-06-07T07:40:48.123Z'),
      archived: false,
      type: 'product',
      name: 'Тыква',
      code: 'pumpkin1',
      article: 'PMK-01',
      description: null,
      folderExternalId: 'f-1',
      uom: 'шт',
      vatRate: '20',
      weight: '0.5',
      volume: '0',
      isService: false,
      buyPrice: '0.54',
      salePrices: [{ priceType: 'Цена продажи', amount: '33.53', currency: null }],
      minStock: null,
      barcodes: ['2000000000019', 'ABC'],
    });
  });

  it('maps a service as a product with isService', () => {
    expect(mapProduct({ ...product, article: undefined }, true)).toMatchObject({
      isService: true,
      article: null,
    });
  });

  it('maps a variant with its product and characteristics', () => {
    const variant = {
      meta: { href: `${API}/entity/variant/v-1`, type: 'variant' },
      updated: '2024-01-01 00:00:00.000',
      name: 'Футболка (M, синий)',
      product: ref('product', 'p-1'),
      characteristics: [
        { id: 'c1', name: 'Размер', value: 'M' },
        { id: 'c2', name: 'Цвет', value: 'синий' },
      ],
    };
    expect(mapVariant(variant)).toMatchObject({
      externalId: 'v-1',
      productExternalId: 'p-1',
      updatedAt: new Date('2023-12-31T21:00:00.000Z'),
      characteristics: { Размер: 'M', Цвет: 'синий' },
    });
  });

  it('maps an entrepreneur counterparty (OGRNIP as OGRN)', () => {
    expect(
      mapCounterparty({
        meta: { href: `${API}/entity/counterparty/c-1` },
        updated: '2024-01-01 12:00:00.000',
        name: 'ИП Петров',
        companyType: 'entrepreneur',
        ogrnip: '304500116000157',
        tags: ['покупатели'],
        archived: true,
      }),
    ).toMatchObject({
      archived: true,
      ogrn: '304500116000157',
      tags: ['покупатели'],
      companyType: 'entrepreneur',
      inn: null,
    });
  });
});

describe('documents and stock', () => {
  const order = {
    meta: { href: `${API}/entity/customerorder/34efe2ee-015e-11e6-9464-e4de0000006b`, type: 'customerorder' },
    updated: '2024-04-14 12:03:05.000',
    name: '00001',
    moment: '2024-04-13 12:57:00.000',
    applicable: true,
    sum: 123050,
    vatSum: 20508,
    rate: { currency: { meta: { type: 'currency' }, isoCode: 'RUB' } },
    agent: ref('counterparty', '9794d400-a'),
    organization: ref('organization', 'o-1'),
    store: ref('store', '850ee995-b'),
    state: { meta: { type: 'state' }, name: 'Новый' },
    owner: { meta: { type: 'employee' }, email: 'rep@example.ru' },
  };
  const position = {
    meta: {
      href: `${API}/entity/customerorder/34ef/positions/34f6344f-015e-11e6-9464-e4de0000006c`,
      type: 'customerorderposition',
    },
    id: '34f6344f-015e-11e6-9464-e4de0000006c',
    quantity: 1,
    price: 123050.0,
    discount: 0,
    vat: 20,
    assortment: ref('product', '66ccbc9f-f7d2-11e5-8a84-bae500000076'),
    reserve: 1,
  };

  it('maps a customer order with its positions', () => {
    const variantPosition = {
      ...position,
      id: 'p2',
      meta: { href: `${API}/entity/customerorder/34ef/positions/p2` },
      assortment: ref('variant', 'v-9'),
      quantity: 2.5,
      discount: 5,
    };
    expect(
      mapDocument('customerorder', order, [position, variantPosition], new Map([['v-9', 'p-9']])),
    ).toEqual({
      externalId: '34efe2ee-015e-11e6-9464-e4de0000006b',
      updatedAt: new Date('2024-04-14T09:03:05.000Z'),
      archived: false,
      type: 'document',
      kind: 'customer_order',
      number: '00001',
      moment: new Date('2024-04-13T09:57:00.000Z'),
      applicable: true,
      state: 'Новый',
      counterpartyExternalId: '9794d400-a',
      storeExternalId: '850ee995-b',
      ownerEmail: 'rep@example.ru',
      currency: 'RUB',
      sum: '1230.50',
      vatSum: '205.08',
      description: null,
      deleted: false,
      positions: [
        {
          externalId: '34f6344f-015e-11e6-9464-e4de0000006c',
          assortment: { type: 'product', externalId: '66ccbc9f-f7d2-11e5-8a84-bae500000076' },
          quantity: '1',
          price: '1230.50',
          discount: '0',
          vatRate: '20',
          reserve: '1',
        },
        {
          externalId: 'p2',
          assortment: { type: 'variant', externalId: 'v-9', productExternalId: 'p-9' },
          quantity: '2.5',
          price: '1230.50',
          discount: '5',
          vatRate: '20',
          reserve: '1',
        },
      ],
    });
  });

  it.each([
    ['demand', 'shipment'],
    ['invoiceout', 'invoice_out'],
    ['salesreturn', 'sales_return'],
    ['purchaseorder', 'purchase_order'],
    ['supply', 'supply'],
    ['invoicein', 'invoice_in'],
    ['purchasereturn', 'purchase_return'],
  ] as const)('maps %s to %s; a trashed one is deleted', (type, kind) => {
    expect(mapDocument(type, { ...order, deleted: '2024-05-01 10:00:00.000' }, [])).toMatchObject({
      kind,
      deleted: true,
      positions: [],
    });
  });

  it('maps a stock-by-store row to one record per store', () => {
    const row = {
      meta: { href: `${API}/entity/variant/v-9?expand=product.supplier`, type: 'variant' },
      stockByStore: [
        {
          meta: { href: `${API}/entity/store/s-1`, type: 'store' },
          name: 'Основной',
          stock: 11,
          reserve: 1,
          inTransit: 0,
        },
        {
          meta: { href: `${API}/entity/store/s-2`, type: 'store' },
          name: 'Второй',
          stock: -2.5,
          reserve: 0,
          inTransit: 3,
        },
      ],
    };
    expect(mapStockByStore(row, new Map([['v-9', 'p-9']]))).toEqual([
      {
        type: 'stock',
        productExternalId: 'p-9',
        variantExternalId: 'v-9',
        storeExternalId: 's-1',
        stock: '11',
        reserve: '1',
        inTransit: '0',
        unitCost: null,
      },
      {
        type: 'stock',
        productExternalId: 'p-9',
        variantExternalId: 'v-9',
        storeExternalId: 's-2',
        stock: '-2.5',
        reserve: '0',
        inTransit: '3',
        unitCost: null,
      },
    ]);
  });
});

describe('malformed rows become failures with a reason', () => {
  it.each([
    ['no meta', { updated: '2024-01-01 00:00:00', name: 'x' }, null, 'meta is missing'],
    [
      'an ISO updated',
      { ...product, updated: '2024-01-01T00:00:00Z' },
      product.id,
      'updated is not a MoySklad datetime',
    ],
    ['no name', { ...product, name: '  ' }, product.id, 'name is missing'],
    ['salePrices not a list', { ...product, salePrices: {} }, product.id, 'salePrices is not a list'],
    [
      'a price that is text',
      { ...product, buyPrice: { value: '54' } },
      product.id,
      'buyPrice.value is not a number',
    ],
    [
      'a folder that is not a ref',
      { ...product, productFolder: 'f-1' },
      product.id,
      'productFolder is not a reference',
    ],
  ])('a product with %s', (_, row, externalId, reason) => {
    const result = attempt(row, (r) => mapProduct(r));
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.failure.externalId).toBe(externalId);
      expect(result.failure.reason).toContain(reason);
    }
  });

  it('a document position with an unknown assortment type', () => {
    const row = {
      meta: { href: `${API}/entity/demand/d-1` },
      updated: '2024-01-01 00:00:00',
      name: '1',
      moment: '2024-01-01 00:00:00',
    };
    const result = attempt(row, (r) =>
      mapDocument('demand', r, [{ id: 'p', quantity: 1, assortment: ref('consignment', 'c') }]),
    );
    expect(result).toEqual({
      ok: false,
      failure: { externalId: 'd-1', reason: 'positions[0].assortment has an unknown type: consignment' },
    });
  });

  it('a variant stock row whose product is unknown', () => {
    const result = attempt(
      { meta: { href: `${API}/entity/variant/v-0`, type: 'variant' }, stockByStore: [] },
      (r) => mapStockByStore(r, new Map()),
    );
    expect(result).toEqual({
      ok: false,
      failure: { externalId: 'v-0', reason: 'variant v-0 has no known product' },
    });
  });
});

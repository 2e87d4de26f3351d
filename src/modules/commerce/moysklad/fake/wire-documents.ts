import { formatMoscowTime } from '../values.js';
import type { Table } from './data.js';
import { metaOf, type Json } from './envelope.js';
import { rowRng } from './random.js';
import { salePrice } from './wire-dictionaries.js';
import type { Wire } from './wire.js';

/** The bodies of the eight document types and their positions. */

/** Documents that name a store. */
const STORE_DOCUMENTS = new Set([
  'customerorder',
  'demand',
  'supply',
  'salesreturn',
  'purchasereturn',
  'purchaseorder',
]);
const SALES_DOCUMENTS = new Set(['customerorder', 'demand', 'invoiceout', 'salesreturn']);

export interface PositionSpec {
  id: string;
  assortmentType: 'product' | 'variant' | 'service';
  assortmentId: string;
  quantity: number;
  /** Kopecks per unit. */
  price: number;
  /** Percent. */
  discount: number;
}

export function lineSum(p: PositionSpec): number {
  return Math.round((p.quantity * p.price * (100 - p.discount)) / 100);
}

export function documentBody(wire: Wire, table: Table, i: number, patch: Json | undefined): Json {
  const { data } = wire;
  const type = table.type;
  const r = rowRng(data.seed, type, 'content', i);
  const id = table.ids[i]!;
  const positions = positionSpecs(wire, type, i, patch);
  const sum = positions.reduce((acc, p) => acc + lineSum(p), 0);
  const counterparties = data.table('counterparty')!;
  const stores = data.table('store')!;
  const states = data.stateIds.get(type)!;
  const deleted = table.deleted[i]!;
  return {
    syncId: rowRng(data.seed, type, 'sync', i).uuid(),
    created: formatMoscowTime(new Date(table.created[i]!)),
    deleted: deleted ? formatMoscowTime(new Date(deleted)) : undefined,
    name: String(i + 1).padStart(5, '0'),
    externalCode: r.uuid().replace(/-/g, '').slice(0, 22),
    moment: formatMoscowTime(new Date(table.moment[i]!)),
    applicable: r.chance(0.9),
    printed: false,
    published: false,
    rate: { currency: wire.ref('currency', data.currencyId) },
    sum,
    organization: wire.ref('organization', data.organizationId),
    agent:
      counterparties.size > 0
        ? wire.ref('counterparty', counterparties.ids[r.int(0, counterparties.generated - 1)]!)
        : undefined,
    store:
      STORE_DOCUMENTS.has(type) && stores.size > 0
        ? wire.ref('store', stores.ids[r.int(0, stores.generated - 1)]!)
        : undefined,
    state: { meta: metaOf(wire.stateHref(type, states[r.int(0, states.length - 1)]!), 'state') },
    vatEnabled: true,
    vatIncluded: true,
    vatSum: Math.round((sum * 20) / 120),
    payedSum: SALES_DOCUMENTS.has(type) && r.chance(0.5) ? sum : 0,
    positions: {
      meta: {
        ...metaOf(`${wire.base}/entity/${type}/${id}/positions`, `${type}position`),
        size: positions.length,
        limit: 1000,
        offset: 0,
      },
    },
  };
}

/** The positions of a document: generated from the seed, or set through the control API. */
export function positionSpecs(wire: Wire, type: string, i: number, patch: Json | undefined): PositionSpec[] {
  if (patch && Array.isArray(patch.positions)) return patch.positions as PositionSpec[];
  const { data } = wire;
  const r = rowRng(data.seed, type, 'positions', i);
  const count = r.int(1, 5);
  const sizes = {
    product: data.table('product')!.generated,
    variant: data.table('variant')!.generated,
    service: data.table('service')!.generated,
  };
  const out: PositionSpec[] = [];
  for (let k = 0; k < count && sizes.product > 0; k++) {
    const roll = r.next();
    const assortmentType =
      roll < 0.15 && sizes.variant > 0 ? 'variant' : roll < 0.25 && sizes.service > 0 ? 'service' : 'product';
    const index = r.int(0, sizes[assortmentType] - 1);
    out.push({
      id: rowRng(data.seed, type, 'position', i, k).uuid(),
      assortmentType,
      assortmentId: wire.idOf(assortmentType, index),
      quantity: r.chance(0.1) ? r.int(1, 20) / 2 : r.int(1, 10),
      // A variant's position is priced at its product's sale price.
      price:
        assortmentType === 'variant'
          ? salePrice(wire, 'product', data.variantProduct[index] ?? 0)
          : salePrice(wire, assortmentType, index),
      discount: r.pick([0, 0, 0, 5, 10]),
    });
  }
  return out;
}

export function position(wire: Wire, type: string, docId: string, p: PositionSpec): Json {
  const row: Json = {
    meta: metaOf(`${wire.base}/entity/${type}/${docId}/positions/${p.id}`, `${type}position`),
    id: p.id,
    accountId: wire.data.accountId,
    quantity: p.quantity,
    price: p.price,
    discount: p.discount,
    vat: 20,
    vatEnabled: true,
    assortment: wire.ref(p.assortmentType, p.assortmentId),
  };
  if (type === 'customerorder') {
    row.reserve = p.quantity;
    row.shipped = 0;
  }
  return row;
}

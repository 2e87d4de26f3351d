import { catalogModule } from '../../src/modules/catalog/index.js';
import { commerceModule } from '../../src/modules/commerce/index.js';
import { identityModule } from '../../src/modules/identity/index.js';
import { notifyModule } from '../../src/modules/notify/index.js';
import { reportsModule } from '../../src/modules/reports/index.js';
import { createTestApp, type TestApp } from '../harness/app.js';
import { identityFixture, type IdentityFixture } from '../identity/fixtures.js';

export const ANALYTICS_MODULES = [identityModule, catalogModule, commerceModule, notifyModule, reportsModule];

export const analyticsApp = (workers = false): Promise<TestApp> =>
  createTestApp({
    config: { workers, logLevel: (process.env.TEST_LOG as 'error') ?? 'silent' },
    deps: { modules: ANALYTICS_MODULES, jobOptions: { pollingIntervalSeconds: 0.5 } },
  });

export const TIME_ZONE = 'Asia/Tashkent'; // UTC+5, no daylight saving
const OFFSET_H = 5;

export const localToday = (): string =>
  new Intl.DateTimeFormat('en-CA', {
    timeZone: TIME_ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date());
export const dayBefore = (days: number, from = localToday()): string =>
  new Date(Date.parse(`${from}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);
/** The instant of local time `hour` on the day `days` before today (tenant zone). */
export const at = (days: number, hour = 12): string =>
  new Date(Date.parse(`${dayBefore(days)}T00:00:00Z`) + (hour - OFFSET_H) * 3_600_000).toISOString();

async function sql<T = Record<string, unknown>>(
  t: TestApp,
  text: string,
  params: unknown[] = [],
): Promise<T[]> {
  return t.database.db.withSystem(async (tx) => (await tx.sql.query<T>(text, params)).rows);
}

interface Line {
  product: string;
  quantity: number;
  price: number;
  unitCost: number;
}

export interface World {
  fx: IdentityFixture;
  products: Record<'P1' | 'P2' | 'P3', string>;
  customers: Record<'C1' | 'C2' | 'C3', string>;
  warehouses: Record<'W1' | 'W2', string>;
}

let seq = 0;

/**
 * A tenant (Asia/Tashkent, UZS) with three products, customers and two warehouses, documents and
 * stock whose figures the tests compute by hand (see analytics-http.test.ts). `bigger` multiplies
 * every amount, so another tenant's world is told apart by its sums.
 */
export async function analyticsWorld(t: TestApp, name: string, bigger = 1): Promise<World> {
  const fx = await identityFixture(t, name);
  const tenantId = fx.tenantId;
  await sql(
    t,
    `update tenants set settings = coalesce(settings, '{}'::jsonb) || '{"time_zone": "${TIME_ZONE}", "currency": "UZS"}'::jsonb where id = $1`,
    [tenantId],
  );
  const tag = `${name}${seq++}`;
  const [ids] = await sql<Record<string, string>>(
    t,
    `with p as (insert into products (tenant_id, id, code, name, min_stock) values
        ($1, gen_random_uuid(), 'P1-${tag}', 'Product one', 5), ($1, gen_random_uuid(), 'P2-${tag}', 'Product two', null),
        ($1, gen_random_uuid(), 'P3-${tag}', 'Product three', null) returning id, code),
      c as (insert into customers (tenant_id, id, code, name) values
        ($1, gen_random_uuid(), 'C1-${tag}', 'Customer one'), ($1, gen_random_uuid(), 'C2-${tag}', 'Customer two'),
        ($1, gen_random_uuid(), 'C3-${tag}', 'Customer three') returning id, code),
      w as (insert into warehouses (tenant_id, id, code, name) values
        ($1, gen_random_uuid(), 'W1-${tag}', 'Main'), ($1, gen_random_uuid(), 'W2-${tag}', 'Far') returning id, code)
    select (select json_object_agg(split_part(code, '-', 1), id) from p) as products,
      (select json_object_agg(split_part(code, '-', 1), id) from c) as customers,
      (select json_object_agg(split_part(code, '-', 1), id) from w) as warehouses`,
    [tenantId],
  );
  const w = ids as unknown as Omit<World, 'fx'>;
  const { P1, P2, P3 } = w.products;
  const { C1, C2, C3 } = w.customers;
  const { W1, W2 } = w.warehouses;
  const agent = fx.users.agent.id;
  const admin = fx.users.admin.id;
  let n = 0;
  const doc = async (
    kind: string,
    owner: string,
    customer: string,
    moment: string,
    lines: Line[],
    applicable = true,
  ) => {
    const [header] = await sql<{ id: string }>(
      t,
      `insert into commerce_documents (tenant_id, id, kind, number, moment, applicable, customer_id, warehouse_id, owner_id, currency)
       values ($1, gen_random_uuid(), $2, $3, $4, $5, $6, $7, $8, 'UZS') returning id`,
      [tenantId, kind, `${tag}-${n++}`, moment, applicable, customer, W1, owner],
    );
    for (const [i, l] of lines.entries())
      await sql(
        t,
        `insert into commerce_document_positions (tenant_id, id, document_id, line_no, product_id, quantity, price, sum,
           unit_cost, kind, moment, customer_id, warehouse_id, owner_id, active)
         values ($1, gen_random_uuid(), $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
        [
          tenantId,
          header!.id,
          i + 1,
          l.product,
          l.quantity,
          l.price * bigger,
          (l.quantity * l.price * bigger).toFixed(2),
          l.unitCost * bigger,
          kind,
          moment,
          customer,
          W1,
          owner,
          applicable,
        ],
      );
  };
  // Long ago, the previous period (10–19 days ago) and the current one (the last 10 days).
  await doc('shipment', agent, C1, at(200), [{ product: P2, quantity: 1, price: 40, unitCost: 10 }]);
  await doc('shipment', agent, C1, at(12), [{ product: P1, quantity: 2, price: 50, unitCost: 30 }]);
  await doc('shipment', agent, C1, at(2), [
    { product: P1, quantity: 2, price: 50, unitCost: 30 },
    { product: P2, quantity: 1, price: 40, unitCost: 10 },
  ]);
  // 00:30 local time on the current period's first day: the previous day in UTC.
  await doc('shipment', admin, C2, at(9, 0.5), [{ product: P1, quantity: 1, price: 50, unitCost: 30 }]);
  await doc('sales_return', agent, C1, at(1), [{ product: P2, quantity: 1, price: 40, unitCost: 10 }]);
  await doc('customer_order', agent, C1, at(3), [{ product: P1, quantity: 5, price: 50, unitCost: 30 }]);
  await doc(
    'customer_order',
    admin,
    C2,
    at(4),
    [{ product: P1, quantity: 5, price: 50, unitCost: 30 }],
    false,
  );
  await doc('shipment', agent, C3, at(0, 1), [{ product: P3, quantity: 10, price: 100, unitCost: 5 }], false);
  await doc('supply', admin, C3, at(6), [{ product: P3, quantity: 100, price: 5, unitCost: 5 }]);

  // Stock: P1@W1 low (4 ≤ its min 5), P2@W1 out, P3@W1 low by the warehouse threshold 200,
  // P2@W2 dead (no movement for 200 days). P2@W1 shipped 5 units yesterday: 5 on hand before.
  await sql(
    t,
    `insert into stock_levels (tenant_id, id, product_id, warehouse_id, stock, reserve, unit_cost, last_movement_at) values
       ($1, gen_random_uuid(), $2, $5, 10, 6, 30, $7), ($1, gen_random_uuid(), $3, $5, 0, 0, 10, $8),
       ($1, gen_random_uuid(), $4, $5, 100, 0, 5, $9), ($1, gen_random_uuid(), $3, $6, 50, 0, 10, $10)`,
    [tenantId, P1, P2, P3, W1, W2, at(2), at(1), at(30), at(200)],
  );
  await sql(
    t,
    `insert into stock_thresholds (tenant_id, id, product_id, warehouse_id, min_stock) values ($1, gen_random_uuid(), $2, $3, 200)`,
    [tenantId, P3, W1],
  );
  await sql(
    t,
    `insert into stock_movements (tenant_id, id, product_id, warehouse_id, moment, quantity, kind)
     values ($1, gen_random_uuid(), $2, $3, $4, -5, 'document')`,
    [tenantId, P2, W1, at(1)],
  );
  const [pt] = await sql<{ id: string }>(
    t,
    `insert into price_types (tenant_id, id, name, currency) values ($1, gen_random_uuid(), 'Retail', 'UZS') returning id`,
    [tenantId],
  );
  await sql(
    t,
    `insert into product_prices (tenant_id, id, product_id, price_type_id, amount) values
       ($1, gen_random_uuid(), $2, $5, 50), ($1, gen_random_uuid(), $3, $5, 40), ($1, gen_random_uuid(), $4, $5, 8)`,
    [tenantId, P1, P2, P3, pt!.id],
  );
  await sql(
    t,
    `insert into commerce_settings (tenant_id, id, sale_price_type_id) values ($1, gen_random_uuid(), $2)`,
    [tenantId, pt!.id],
  );
  return { fx, ...w };
}

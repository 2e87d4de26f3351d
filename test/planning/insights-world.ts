import { notifyModule } from '../../src/modules/notify/index.js';
import { reportsModule } from '../../src/modules/reports/index.js';
import { createTestApp, type TestApp } from '../harness/app.js';
import { identityFixture, type IdentityFixture } from '../identity/fixtures.js';
import { createCustomer, createMatrixRow, createProduct, PLANNING_MODULES } from './helpers.js';

export const INSIGHT_MODULES = [...PLANNING_MODULES, notifyModule, reportsModule];

/** The app, with job workers when reports are generated (a job renders them). */
export const insightsApp = (workers = false): Promise<TestApp> =>
  createTestApp({
    config: { workers },
    deps: { modules: INSIGHT_MODULES, jobOptions: { pollingIntervalSeconds: 0.5 } },
  });

/** Runs SQL as the system (test setup of rows whose routes live elsewhere). */
export async function sqlAsSystem<T = Record<string, unknown>>(
  t: TestApp,
  text: string,
  params: unknown[] = [],
) {
  return t.database.db.withSystem(async (tx) => (await tx.sql.query<T>(text, params)).rows);
}

export interface AccuracyWorld {
  fx: IdentityFixture;
  cycleId: string;
  customerA: string;
  customerB: string;
  productX: string;
  productY: string;
}

async function forecast(
  t: TestApp,
  w: { tenantId: string; cycleId: string },
  f: { customer: string; product: string; rep: string; status: string; lines: [string, number][] },
) {
  const [row] = await sqlAsSystem<{ id: string }>(
    t,
    `insert into forecasts (id, tenant_id, cycle_id, customer_id, product_id, rep_id, status, submitted_at, rejected_at, comment)
     values (gen_random_uuid(), $1, $2, $3, $4, $5, $6::text, case when $6::text <> 'draft' then now() end, case when $6::text = 'rejected' then now() end,
       case when $6::text = 'rejected' then 'Too optimistic' end) returning id`,
    [w.tenantId, w.cycleId, f.customer, f.product, f.rep, f.status],
  );
  for (const [month, quantity] of f.lines)
    await sqlAsSystem(
      t,
      `insert into forecast_lines (id, tenant_id, forecast_id, month, quantity, price, revenue)
       values (gen_random_uuid(), $1, $2, $3, $4::numeric, 10, $4::numeric * 10)`,
      [w.tenantId, row!.id, `${month}-01`, quantity],
    );
  return row!.id;
}

export const addForecast = forecast;

export async function addSales(
  t: TestApp,
  tenantId: string,
  customer: string,
  product: string,
  rep: string | null,
  rows: [string, number][],
) {
  for (const [month, quantity] of rows)
    await sqlAsSystem(
      t,
      `insert into sales_history (id, tenant_id, customer_id, product_id, month, quantity, revenue, cost, rep_id)
       values (gen_random_uuid(), $1, $2, $3, $4, $5::numeric, $5::numeric * 10, $5::numeric * 6, $6)`,
      [tenantId, customer, product, `${month}-01`, quantity, rep],
    );
}

/**
 * A closed cycle anchored 2025-01 with hand-checkable numbers (see the accuracy test): the agent's
 * approved A×X forecast against 12 months of history of 10 a month, the team leader's submitted
 * B×Y forecast without history, a draft that never counts, and 2025-04 without any sales loaded.
 */
export async function accuracyWorld(t: TestApp, prefix: string): Promise<AccuracyWorld> {
  const fx = await identityFixture(t, prefix);
  const admin = fx.users.admin.auth;
  const customerA = (await createCustomer(t, admin, { name: `${prefix} Alpha` })).id;
  const customerB = (await createCustomer(t, admin, { name: `${prefix} Beta` })).id;
  const productX = (await createProduct(t, admin, { name: `${prefix} Xylo` })).id;
  const productY = (await createProduct(t, admin, { name: `${prefix} Yarn` })).id;
  const agent = fx.users.agent.id;
  const leader = fx.users.team_leader.id;
  await createMatrixRow(t, admin, { customer_id: customerA, product_id: productX, rep_id: agent });
  await createMatrixRow(t, admin, { customer_id: customerB, product_id: productY, rep_id: leader });
  const [cycle] = await sqlAsSystem<{ id: string }>(
    t,
    `insert into sop_cycles (id, tenant_id, name, anchor_month, start_date, end_date, status, closed_at)
     values (gen_random_uuid(), $1, 'Jan 2025', '2025-01-01', '2024-12-20', '2025-01-05', 'closed', '2025-01-05') returning id`,
    [fx.tenantId],
  );
  const w = { tenantId: fx.tenantId, cycleId: cycle!.id };
  const history: [string, number][] = Array.from({ length: 12 }, (_, i) => [
    `2024-${String(i + 1).padStart(2, '0')}`,
    10,
  ]);
  await addSales(t, fx.tenantId, customerA, productX, agent, [...history, ['2025-01', 10], ['2025-02', 10]]);
  await addSales(t, fx.tenantId, customerB, productY, leader, [['2025-03', 4]]);
  await forecast(t, w, {
    customer: customerA,
    product: productX,
    rep: agent,
    status: 'approved',
    lines: [
      ['2025-01', 12],
      ['2025-02', 8],
      ['2025-03', 5],
      ['2025-04', 7],
    ],
  });
  await forecast(t, w, {
    customer: customerB,
    product: productY,
    rep: leader,
    status: 'submitted',
    lines: [['2025-03', 6]],
  });
  await forecast(t, w, {
    customer: customerB,
    product: productX,
    rep: agent,
    status: 'draft',
    lines: [['2025-01', 99]],
  });
  return { fx, cycleId: cycle!.id, customerA, customerB, productX, productY };
}

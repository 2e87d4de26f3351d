import { sql } from 'drizzle-orm';
import { seededRandom } from '../../../lib/random.js';
import { selectRows } from '../../../platform/db/rows.js';
import type { Tx } from '../../../platform/db/types.js';
import type { DemoLogin, Platform } from '../../../platform/module.js';
import { addMonths, localDateOf } from '../cycles/window.js';
import {
  forecastLines,
  forecasts,
  productCustomerMatrix,
  salesHistory,
  sopCycles,
} from '../tables/planning.tables.js';

/** Months of sales history up to the month before the current one. */
export const DEMO_HISTORY_MONTHS = 24;
/** The closed cycle's anchor: this many months ago, so its first months have actuals. */
export const DEMO_CLOSED_ANCHOR_AGO = 6;
/** Each demo customer buys this many of the demo products (rotating). */
const PRODUCTS_PER_CUSTOMER = 4;

interface DemoWorld {
  tenantId: string;
  timeZone: string;
  adminId: string;
  repIds: string[];
  customers: { id: string; code: string }[];
  products: { id: string; code: string; price: string }[];
}

/** The demo tenant with its catalog and reps, or undefined when absent or already seeded. */
async function demoWorld(platform: Platform): Promise<DemoWorld | undefined> {
  const { rows } = await platform.system.seed((tx) =>
    tx.sql.query<{ tenant_id: string; seeded: number }>(
      `select t.id as tenant_id, (select count(*)::int from sop_cycles c where c.tenant_id = t.id) as seeded
       from tenants t where t.slug = 'demo'`,
    ),
  );
  if (!rows[0] || rows[0].seeded > 0) return undefined;
  const tenantId = rows[0].tenant_id;
  return platform.db.withTenant({ tenantId }, async (tx) => {
    const users = await selectRows<{ id: string; role: string }>(
      tx,
      sql`select u.id, r.key as role from users u
        join user_roles ur on ur.tenant_id = u.tenant_id and ur.user_id = u.id
        join roles r on r.tenant_id = ur.tenant_id and r.id = ur.role_id
        where u.tenant_id = ${tenantId} and u.status = 'active' and u.email like '%@demo.salesops.local'
          and r.key in ('agent', 'team_leader', 'admin')
        order by (u.email = 'agent@demo.salesops.local') desc, r.key, u.email`,
    );
    const customers = await selectRows<{ id: string; code: string }>(
      tx,
      sql`select id, code from customers where tenant_id = ${tenantId} and code like 'C-%' order by code limit 5`,
    );
    const products = await selectRows<{ id: string; code: string; price: string }>(
      tx,
      sql`select p.id, p.code, coalesce((select min(pp.amount) from product_prices pp
          where pp.tenant_id = p.tenant_id and pp.product_id = p.id), 10000)::numeric(18, 2)::text as price
        from products p where p.tenant_id = ${tenantId} and p.code like 'P-%' order by p.code limit 8`,
    );
    const [tz] = await selectRows<{ tz: string }>(
      tx,
      sql`select coalesce(settings->>'time_zone', 'UTC') as tz from tenants where id = ${tenantId}`,
    );
    const adminId = users.find((u) => u.role === 'admin')?.id;
    const repIds = [...new Set(users.filter((u) => u.role !== 'admin').map((u) => u.id))].slice(0, 3);
    if (!adminId || !repIds.length || !customers.length || !products.length) return undefined;
    return { tenantId, timeZone: tz?.tz ?? 'UTC', adminId, repIds, customers, products };
  });
}

/** Units a pair sells in a month: a level per pair, a summer peak, a slight trend and ±15 % noise. */
function demand(level: number, monthIndex: number, calendarMonth: number, rand: () => number): number {
  const season = 1 + 0.35 * Math.sin(((calendarMonth - 3) / 12) * 2 * Math.PI);
  const trend = 1 + 0.01 * monthIndex;
  return Math.max(0, Math.round(level * season * trend * (0.85 + 0.3 * rand())));
}

const day = (month: string) => `${month}-01`;

/** Writes the planning demo in one transaction of the demo tenant. */
async function writePlanningDemo(tx: Tx, w: DemoWorld, now: Date): Promise<void> {
  const rand = seededRandom(20_261_202);
  const today = localDateOf(now, w.timeZone);
  const current = today.slice(0, 7);
  const first = addMonths(current, -DEMO_HISTORY_MONTHS);
  const pairs = w.customers.flatMap((c, ci) =>
    Array.from({ length: Math.min(PRODUCTS_PER_CUSTOMER, w.products.length) }, (_, k) => {
      const product = w.products[(ci * 2 + k) % w.products.length]!;
      return {
        customer: c,
        product,
        repId: w.repIds[ci % w.repIds.length]!,
        level: 40 + Math.round(rand() * 160),
      };
    }),
  );
  await tx.db.insert(productCustomerMatrix).values(
    pairs.map((p) => ({
      tenantId: w.tenantId,
      customerId: p.customer.id,
      productId: p.product.id,
      price: p.product.price,
      currency: 'UZS',
      repId: p.repId,
    })),
  );
  const actual = new Map<string, number>();
  const history = pairs.flatMap((p) =>
    Array.from({ length: DEMO_HISTORY_MONTHS }, (_, i) => {
      const month = addMonths(first, i);
      const quantity = demand(p.level, i, Number(month.slice(5)), rand);
      actual.set(`${p.customer.id}|${p.product.id}|${month}`, quantity);
      const revenue = (quantity * Number(p.product.price)).toFixed(2);
      return {
        tenantId: w.tenantId,
        customerId: p.customer.id,
        productId: p.product.id,
        month: day(month),
        quantity: String(quantity),
        revenue,
        cost: (Number(revenue) * (0.6 + 0.15 * rand())).toFixed(2),
        repId: p.repId,
      };
    }),
  );
  await tx.db.insert(salesHistory).values(history);

  const closedAnchor = addMonths(current, -DEMO_CLOSED_ANCHOR_AGO);
  const closedEnd = `${closedAnchor}-05`;
  const [closed, open] = await tx.db
    .insert(sopCycles)
    .values([
      {
        tenantId: w.tenantId,
        name: `S&OP ${closedAnchor}`,
        anchorMonth: day(closedAnchor),
        startDate: `${addMonths(closedAnchor, -1)}-20`,
        endDate: closedEnd,
        status: 'closed' as const,
        openedAt: new Date(`${addMonths(closedAnchor, -1)}-20T06:00:00Z`),
        openedBy: w.adminId,
        closedAt: new Date(`${closedEnd}T06:00:00Z`),
        closedBy: w.adminId,
        createdBy: w.adminId,
      },
      {
        tenantId: w.tenantId,
        name: `S&OP ${current}`,
        anchorMonth: day(current),
        startDate: new Date(now.getTime() - 5 * 86_400_000).toISOString().slice(0, 10),
        endDate: new Date(now.getTime() + 21 * 86_400_000).toISOString().slice(0, 10),
        status: 'open' as const,
        openedAt: new Date(now.getTime() - 5 * 86_400_000),
        openedBy: w.adminId,
        createdBy: w.adminId,
      },
    ])
    .returning({ id: sopCycles.id });

  // The closed cycle: every pair approved; the rep's numbers are the actuals with their own error.
  // The open cycle: the first reps' pairs alternate submitted and draft, the last rep has none.
  const rows: {
    cycle: string;
    anchor: string;
    pair: (typeof pairs)[number];
    status: 'approved' | 'submitted' | 'draft';
  }[] = [
    ...pairs.map((pair) => ({ cycle: closed!.id, anchor: closedAnchor, pair, status: 'approved' as const })),
    ...pairs
      .filter((p) => w.repIds.length === 1 || p.repId !== w.repIds[w.repIds.length - 1])
      .map((pair, i) => ({
        cycle: open!.id,
        anchor: current,
        pair,
        status: i % 2 ? ('draft' as const) : ('submitted' as const),
      })),
  ];
  const inserted = await tx.db
    .insert(forecasts)
    .values(
      rows.map((r) => ({
        tenantId: w.tenantId,
        cycleId: r.cycle,
        customerId: r.pair.customer.id,
        productId: r.pair.product.id,
        repId: r.pair.repId,
        status: r.status,
        submittedAt:
          r.status === 'draft'
            ? null
            : r.cycle === closed!.id
              ? new Date(`${closedAnchor}-01T09:00:00Z`)
              : now,
        approvedAt: r.status === 'approved' ? new Date(`${closedEnd}T05:00:00Z`) : null,
        decidedBy: r.status === 'approved' ? w.adminId : null,
      })),
    )
    .returning({ id: forecasts.id });
  const lines = rows.flatMap((r, i) =>
    Array.from({ length: 12 }, (_, k) => {
      const month = addMonths(r.anchor, k);
      const seen =
        actual.get(`${r.pair.customer.id}|${r.pair.product.id}|${addMonths(month, -12)}`) ?? r.pair.level;
      const quantity = Math.max(0, Math.round(seen * (0.9 + 0.25 * rand())));
      return {
        tenantId: w.tenantId,
        forecastId: inserted[i]!.id,
        month: day(month),
        quantity: String(quantity),
        price: r.pair.product.price,
        revenue: (quantity * Number(r.pair.product.price)).toFixed(2),
      };
    }),
  );
  await tx.db.insert(forecastLines).values(lines);
}

/**
 * Planning demo data for the `demo` tenant: a matrix of the demo customers × 4 products each (the
 * reps rotating), 24 months of sales history with a summer peak, a slight trend and noise, a
 * closed cycle anchored 6 months ago whose forecasts are approved (its first 6 months have
 * actuals, so accuracy shows numbers) and the open cycle of the current month with submitted and
 * draft forecasts (the last rep has none yet). Skipped when the tenant already has a cycle.
 */
export async function seedPlanningDemo(platform: Platform): Promise<DemoLogin[]> {
  const world = await demoWorld(platform);
  if (!world) return [];
  await platform.db.withTenant({ tenantId: world.tenantId }, (tx) =>
    writePlanningDemo(tx, world, new Date()),
  );
  return [];
}

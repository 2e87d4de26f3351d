import { sql } from 'drizzle-orm';
import { selectRows } from '../../../platform/db/rows.js';
import type { Tx } from '../../../platform/db/types.js';
import type { ResourceCaller } from '../../../platform/resource/index.js';
import { type AnalyticsContext, dayEnd, dayStart, ownerScope, SALES_KINDS, SIGN } from './context.js';
import { fromCents, num, round2, toCents } from './formulas.js';
import { addDays, daysBetween, type Period } from './period.js';
import { RFM_SEGMENTS, scoreCustomers } from './rfm.js';
import type { CustomersQuery, CustomersReport, RfmCustomer } from './schemas.js';

interface CustomerFacts {
  customer_id: string;
  code: string;
  name: string;
  last_shipment_on: string;
  frequency: number;
  monetary: string;
}

/**
 * Every customer with a posted shipment in the caller's scope in the window: the local day of the
 * last shipment, the number of shipments and the revenue (shipments − returns), scored against each
 * other (`scoreCustomers`). Returns every scored customer, in no particular order.
 */
export async function rfmCustomers(
  tx: Tx,
  a: AnalyticsContext,
  caller: ResourceCaller,
  windowDays: number,
): Promise<{ period: Period; customers: RfmCustomer[] }> {
  const period: Period = { from: addDays(a.today, -(windowDays - 1)), to: a.today, days: windowDays };
  const facts = await selectRows<CustomerFacts>(
    tx,
    sql`with c as (
        select p.customer_id,
          max(p.moment) filter (where p.kind = 'shipment') as last_shipment,
          count(distinct p.document_id) filter (where p.kind = 'shipment')::int as frequency,
          sum(${SIGN(sql`p.kind`)} * p.sum) as monetary
        from commerce_document_positions p
        where p.tenant_id = ${a.tenantId} and p.active and p.kind in ${SALES_KINDS} and p.customer_id is not null
          and p.moment >= ${dayStart(period.from, a.timeZone)} and p.moment < ${dayEnd(period.to, a.timeZone)}
          and ${ownerScope(caller, sql`p.owner_id`)}
        group by p.customer_id)
      select c.customer_id, cu.code, cu.name,
        to_char(c.last_shipment at time zone ${a.timeZone}, 'YYYY-MM-DD') as last_shipment_on,
        c.frequency, c.monetary::numeric(18, 2)::text as monetary
      from c join customers cu on cu.tenant_id = ${a.tenantId} and cu.id = c.customer_id
      where c.frequency > 0`,
  );
  const inputs = facts.map((f) => ({
    recencyDays: daysBetween(f.last_shipment_on, a.today) - 1,
    frequency: f.frequency,
    monetary: num(f.monetary),
  }));
  const scores = scoreCustomers(inputs);
  return {
    period,
    customers: facts.map((f, i) => {
      const s = scores[i]!;
      return {
        customer_id: f.customer_id,
        code: f.code,
        name: f.name,
        last_shipment_on: f.last_shipment_on,
        recency_days: inputs[i]!.recencyDays,
        frequency: f.frequency,
        monetary: f.monetary,
        r_score: s.r,
        f_score: s.f,
        m_score: s.m,
        rfm: `${s.r}${s.f}${s.m}`,
        segment: s.segment,
      };
    }),
  };
}

const SORTS: Record<string, (a: RfmCustomer, b: RfmCustomer) => number> = {
  monetary: (a, b) => Number(toCents(a.monetary) - toCents(b.monetary)),
  recency: (a, b) => a.recency_days - b.recency_days,
  frequency: (a, b) => a.frequency - b.frequency,
  name: (a, b) => a.name.localeCompare(b.name),
};

/** The segment summary over every scored customer (filters do not narrow it). */
export function segmentSummary(customers: readonly RfmCustomer[]): CustomersReport['segments'] {
  const total = customers.reduce((s, c) => s + toCents(c.monetary), 0n);
  return RFM_SEGMENTS.map((segment) => {
    const members = customers.filter((c) => c.segment === segment);
    const monetary = members.reduce((s, c) => s + toCents(c.monetary), 0n);
    return {
      segment,
      customers: members.length,
      monetary: fromCents(monetary),
      customers_percent: customers.length ? round2((members.length / customers.length) * 100) : 0,
      monetary_percent: total > 0n ? round2((Number(monetary) / Number(total)) * 100) : 0,
    };
  });
}

export async function customersReport(
  tx: Tx,
  a: AnalyticsContext,
  caller: ResourceCaller,
  query: CustomersQuery,
): Promise<CustomersReport> {
  const { period, customers } = await rfmCustomers(tx, a, caller, query.window_days ?? 365);
  const sort = query.sort ?? '-monetary';
  const desc = sort.startsWith('-');
  const compare = SORTS[desc ? sort.slice(1) : sort]!;
  const filtered = customers
    .filter((c) => !query.segment || c.segment === query.segment)
    .sort((x, y) => (desc ? compare(y, x) : compare(x, y)) || x.code.localeCompare(y.code));
  const limit = query.limit ?? 50;
  const offset = query.offset ?? 0;
  return {
    currency: a.currency,
    period,
    customers: filtered.slice(offset, offset + limit),
    total: filtered.length,
    limit,
    offset,
    segments: segmentSummary(customers),
  };
}

import { uuidv7 } from '../../src/lib/ids.js';
import { computeHealth } from '../../src/modules/success/health/score.js';
import type { TestApp } from '../harness/app.js';

/*
 * Health-score fixtures written straight into the test database (as the owner), for the rows whose
 * routes belong to other parts of the success module: deployments, interactions and stored scores
 * (history with chosen times), plus the customer facts a score reads.
 */

export type InteractionType = 'support_ticket' | 'meeting' | 'email' | 'call' | 'escalation' | 'training';
export type Sentiment = 'positive' | 'neutral' | 'negative';

const q = (t: TestApp, text: string, params: unknown[]) => t.database.db.query(text, params);

/** A deployment row (active by default), as the deployments routes would store it. */
export async function insertDeployment(
  t: TestApp,
  tenantId: string,
  customerId: string,
  row: { product: string; active?: boolean; licenceExpiry?: string | null },
): Promise<string> {
  const id = uuidv7();
  await q(
    t,
    `insert into deployments (tenant_id, id, customer_id, product_name, is_active, licence_expiry)
     values ($1, $2, $3, $4, $5, $6)`,
    [tenantId, id, customerId, row.product, row.active ?? true, row.licenceExpiry ?? null],
  );
  return id;
}

/** An interaction row at `at`, as the interactions routes would store it. */
export async function insertInteraction(
  t: TestApp,
  tenantId: string,
  customerId: string,
  row: { type: InteractionType; at: Date; sentiment?: Sentiment },
): Promise<string> {
  const id = uuidv7();
  await q(
    t,
    `insert into customer_interactions (tenant_id, id, customer_id, interaction_type, subject, sentiment, interaction_date)
     values ($1, $2, $3, $4, 'fixture', $5, $6)`,
    [tenantId, id, customerId, row.type, row.sentiment ?? 'neutral', row.at],
  );
  return id;
}

/** Many interactions in one statement: `[type, sentiment, at]` each. */
export async function insertInteractions(
  t: TestApp,
  tenantId: string,
  customerId: string,
  rows: readonly { type: InteractionType; at: Date; sentiment?: Sentiment }[],
): Promise<void> {
  if (!rows.length) return;
  await q(
    t,
    `insert into customer_interactions (tenant_id, id, customer_id, interaction_type, subject, sentiment, interaction_date)
     select $1, x.id, $2, x.type, 'fixture', x.sentiment, x.at
     from unnest($3::uuid[], $4::text[], $5::text[], $6::timestamptz[]) as x(id, type, sentiment, at)`,
    [
      tenantId,
      customerId,
      rows.map(() => uuidv7()),
      rows.map((r) => r.type),
      rows.map((r) => r.sentiment ?? 'neutral'),
      rows.map((r) => r.at.toISOString()),
    ],
  );
}

/** A stored customer-level (or deployment) score at `at`, for history, trends and alerts. */
export async function insertScore(
  t: TestApp,
  tenantId: string,
  customerId: string,
  row: {
    overall: number;
    at: Date;
    adoption?: number;
    support?: number;
    engagement?: number;
    financial?: number;
    risk?: string;
    deploymentId?: string | null;
  },
): Promise<string> {
  const id = uuidv7(row.at.getTime());
  const risk =
    row.risk ??
    (row.overall >= 80 ? 'low' : row.overall >= 60 ? 'medium' : row.overall >= 40 ? 'high' : 'critical');
  await q(
    t,
    `insert into health_scores (tenant_id, id, customer_id, deployment_id, overall_score, adoption_score,
       support_score, engagement_score, financial_score, risk_level, trend, factors, weights, calculated_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'stable', $12, $13, $11)`,
    [
      tenantId,
      id,
      customerId,
      row.deploymentId ?? null,
      row.overall,
      row.adoption ?? row.overall,
      row.support ?? row.overall,
      row.engagement ?? row.overall,
      row.financial ?? row.overall,
      risk,
      row.at,
      JSON.stringify(FIXTURE_FACTORS),
      JSON.stringify(FIXTURE_FACTORS.weights),
    ],
  );
  return id;
}

/** Factors of the right shape for stored fixture scores (their numbers are not what they explain). */
const FIXTURE_FACTORS = computeHealth({
  today: '2025-01-01',
  products: [],
  contractStart: null,
  contractEnd: null,
  counts: { support_tickets: 0, escalations: 0, negative: 0, meetings: 0, calls: 0, emails: 0, trainings: 0 },
  previousScore: null,
  weights: { adoption: 20, support: 30, engagement: 25, financial: 25 },
}).factors;

/** Sets customer columns directly (contract dates, status, owner, health mirror…). */
export async function updateCustomer(t: TestApp, customerId: string, values: Record<string, unknown>) {
  const keys = Object.keys(values);
  await q(t, `update customers set ${keys.map((k, i) => `${k} = $${i + 2}`).join(', ')} where id = $1`, [
    customerId,
    ...keys.map((k) => values[k]),
  ]);
}

/** The tenant's time zone (tenant setting), written directly. */
export async function setTimeZone(t: TestApp, tenantId: string, timeZone: string): Promise<void> {
  await q(
    t,
    `update tenants set settings = settings || jsonb_build_object('time_zone', $2::text) where id = $1`,
    [tenantId, timeZone],
  );
}

export const DAY_MS = 86_400_000;
export const daysAgo = (days: number, from = Date.now()) => new Date(from - days * DAY_MS);
export const isoDay = (d: Date) => d.toISOString().slice(0, 10);

/**
 * The health snapshots the daily scoring would have taken on each tenant-local day that has
 * customer-level scores: per day, every served customer's latest score up to that day's end, by
 * account manager. Fixtures insert history directly, so the trends need this replay.
 */
export async function replayHealthSnapshots(t: TestApp, tenantId: string): Promise<void> {
  await q(
    t,
    `with tz as (select coalesce(settings->>'time_zone', 'UTC') as zone from tenants where id = $1),
       days as (
         select distinct (h.calculated_at at time zone (select zone from tz))::date as day
         from health_scores h where h.tenant_id = $1 and h.deployment_id is null)
     insert into health_snapshots (tenant_id, day, owner_id, customers, score_sum, low, medium, high, critical)
     select $1, d.day, c.owner_id, count(*), sum(l.overall_score),
       count(*) filter (where l.risk_level = 'low'), count(*) filter (where l.risk_level = 'medium'),
       count(*) filter (where l.risk_level = 'high'), count(*) filter (where l.risk_level = 'critical')
     from days d
     cross join lateral (
       select distinct on (h.customer_id) h.customer_id, h.overall_score, h.risk_level
       from health_scores h
       where h.tenant_id = $1 and h.deployment_id is null
         and (h.calculated_at at time zone (select zone from tz))::date <= d.day
       order by h.customer_id, h.calculated_at desc, h.id desc) l
     join customers c on c.tenant_id = $1 and c.id = l.customer_id
     where c.is_customer and c.archived_at is null and c.status <> 'churned'
     group by d.day, c.owner_id
     on conflict (tenant_id, day, owner_id) do update set customers = excluded.customers,
       score_sum = excluded.score_sum, low = excluded.low, medium = excluded.medium,
       high = excluded.high, critical = excluded.critical`,
    [tenantId],
  );
}

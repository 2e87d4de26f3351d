import { Readable } from 'node:stream';
import { sql } from 'drizzle-orm';
import type { Platform } from '../../../platform/module.js';
import { seededRandom } from '../../../lib/random.js';
import { createRuleSetsService } from '../bonus/rule-sets.service.js';
import { createRunApprovalService } from '../bonus/run-approval.service.js';
import { executeRun } from '../bonus/run-job.js';
import { createRunsService } from '../bonus/runs.service.js';
import type { Jobs } from '../conversions/conversion-writer.js';
import type { ImportCandidate, SeededLeads } from './leads.js';
import type { DemoCampaigns, DemoClock, DemoRefs } from './setup.js';

const HOUR = 3_600_000;

/**
 * A shop's point-of-sale export run through the import engine as `POST /imports` would: sales of
 * qualified leads (matched by phone and converted, origin `import`), a sale of a rejected lead
 * and sales to customers no agent met (both recorded as unmatched rows of the run).
 */
export async function importShopSales(
  platform: Platform,
  refs: DemoRefs,
  leads: SeededLeads,
  clock: DemoClock,
): Promise<string> {
  const rand = seededRandom(20_240_717);
  const codeOf = new Map(refs.outlets.map((o) => [o.id, o.code]));
  const latest = clock.now.getTime() - HOUR;
  const saleOf = (c: ImportCandidate) =>
    new Date(Math.min(latest, c.readyAt.getTime() + (3 + rand() * 60) * HOUR));
  const lines = [
    'external_sale_id,external_system,outlet_code,sale_date,sale_amount,cost_amount,customer_phone',
  ];
  const row = (n: number, outletId: string, at: Date, phone: string) => {
    const amount = (400 + Math.floor(rand() * 3200)) * 1000;
    lines.push(
      [
        `POS-${String(n).padStart(5, '0')}`,
        'pos',
        codeOf.get(outletId),
        at.toISOString(),
        amount,
        Math.round(amount * 0.62),
        phone,
      ].join(','),
    );
  };
  let n = 10_000;
  for (const c of leads.forImport) row(++n, c.outletId, saleOf(c), c.phone);
  const rejected = leads.rejected.filter((c) => latest - c.capturedAt.getTime() < 20 * 24 * HOUR)[0];
  if (rejected) row(++n, rejected.outletId, new Date(latest), rejected.phone);
  for (let i = 0; i < 4; i++)
    row(
      ++n,
      refs.outlets[i % refs.outlets.length]!.id,
      new Date(latest - i * 30 * HOUR),
      `+9989099${String(10_000 + i * 731)}`,
    );
  const caller = { tenantId: refs.tenantId, userId: refs.admin.principal.userId, may: () => true };
  const run = await platform.imports.service.start(
    caller,
    {
      entity: 'external_sales',
      mode: 'insert',
      dryRun: false,
      allOrNothing: false,
      fileName: 'pos-sales.csv',
    },
    Readable.from([Buffer.from(`${lines.join('\n')}\n`, 'utf8')]),
    { enqueue: false },
  );
  // Run here rather than by a worker: `salesops seed` has none, and the run is then complete on start.
  await platform.imports.runner.run({ tenantId: refs.tenantId, importId: run.id, userId: caller.userId });
  return run.id;
}

/** The first day of the month `months` away from `day`'s, and that month's last day. */
function monthOf(day: string, months: number): { start: string; end: string } {
  const d = new Date(`${day.slice(0, 7)}-01T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + months);
  const start = d.toISOString().slice(0, 10);
  d.setUTCMonth(d.getUTCMonth() + 1);
  d.setUTCDate(0);
  return { start, end: d.toISOString().slice(0, 10) };
}

/**
 * The bonus scheme through its services (rule validation, overlap check, audit): one active rule
 * set from the start of last month with a campaign percent capped per sale, a base percent, a tier
 * on the count of sales, a fixed amount per street-team lead and a revenue target. Last month's run
 * is computed and approved (bonus accruals in the ledger, campaign spend); this month's run so far
 * is computed and left for approval. Runs are computed by the job's own function, not by a worker,
 * so both are complete whether workers run or not (the queued job then finds them done).
 */
export async function seedBonuses(
  platform: Platform,
  refs: DemoRefs,
  campaigns: DemoCampaigns,
  clock: DemoClock,
  jobs: Jobs,
): Promise<void> {
  const deps = { db: platform.db, jobs: platform.jobs };
  const sets = createRuleSetsService(deps);
  const runs = createRunsService(deps);
  const approval = createRunApprovalService({ db: platform.db, jobs });
  const previous = monthOf(clock.today, -1);
  const set = await sets.create(refs.admin, {
    name: 'Field sales bonus',
    description: 'Agents earn on every sale, more at volume, plus street-team leads and a monthly target',
    valid_from: previous.start,
    valid_to: null,
    active: true,
  });
  const rules = [
    {
      code: 'TIER',
      name: 'Volume tier',
      type: 'tier',
      priority: 10,
      basis: 'count',
      tiers: [
        { threshold: '14', rate: '3.5' },
        { threshold: '20', rate: '4.5' },
      ],
      cap_per_item: '150000.00',
    },
    {
      code: 'SPRING',
      name: 'Spring campaign sale',
      type: 'per_conversion',
      priority: 20,
      amount_type: 'percent',
      amount: '3',
      cap_per_item: '90000.00',
      conditions: [{ field: 'campaign', op: 'eq', value: campaigns.active.id }],
    },
    {
      code: 'BASE',
      name: 'Any sale',
      type: 'per_conversion',
      priority: 30,
      amount_type: 'percent',
      amount: '2',
    },
    {
      code: 'STREET',
      name: 'Street-team lead',
      type: 'per_lead',
      priority: 40,
      amount_type: 'fixed',
      amount: '5000.00',
      conditions: [{ field: 'source', op: 'eq', value: campaigns.sources.STREET }],
    },
    {
      code: 'TARGET',
      name: 'Monthly revenue target',
      type: 'per_target',
      priority: 50,
      amount_type: 'fixed',
      amount: '500000.00',
      basis: 'revenue',
      target: '25000000.00',
    },
  ] as const;
  for (const rule of rules) await sets.createRule(refs.admin, set.id, structuredClone(rule) as never);
  for (const [period, approve] of [
    [previous, true],
    [{ start: monthOf(clock.today, 0).start, end: clock.today }, false],
  ] as const) {
    const run = await runs.create(refs.admin, {
      rule_set_id: set.id,
      period_start: period.start,
      period_end: period.end,
    });
    await executeRun(platform.db, { tenantId: refs.tenantId, runId: run.id });
    if (approve) await approval.approve(refs.admin, run.id);
  }
}

/**
 * The capture, conversion and import paths stamp status history and conversions with the moment
 * they run; the demo's happened when the leads were captured and the sales made, so those stamps
 * move there (ledger entries keep theirs: the ledger is append-only).
 */
export async function backdate(platform: Platform, tenantId: string): Promise<void> {
  await platform.db.withTenant({ tenantId }, async (tx) => {
    await tx.db.execute(sql`update lead_status_history h set changed_at = l.captured_at
      from leads l where l.tenant_id = h.tenant_id and l.id = h.lead_id and h.from_status is null`);
    await tx.db.execute(sql`update lead_status_history h set changed_at = c.first_at
      from (select lead_id, min(converted_at) as first_at from conversions group by lead_id) c
      where h.lead_id = c.lead_id and h.to_status = 'converted' and h.changed_at > c.first_at`);
    await tx.db.execute(sql`update conversions set created_at = converted_at, updated_at = converted_at
      where created_at > converted_at`);
    await tx.db.execute(sql`update leads l set status_changed_at = h.at,
        updated_at = greatest(h.at, l.received_at, coalesce(l.merged_at, h.at))
      from (select lead_id, max(changed_at) as at from lead_status_history group by lead_id) h
      where h.lead_id = l.id`);
  });
}

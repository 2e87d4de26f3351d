import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../harness/app.js';
import { identityFixture, type IdentityFixture } from '../identity/fixtures.js';
import { runImport } from '../catalog/imports.helpers.js';
import { client, createOutlet, expectStatus, extraUser, leadsApp, type Headers } from './helpers.js';
import { expectKpisMatchRecomputation, runQueuedKpiRefreshes } from './kpi-helpers.js';

/** A row of a generated external sales file: the sale names a lead by its uuid or its phone. */
type ImportRow = { by: 'uuid' | 'phone'; lead: number; sale: number; minutesAfter: number; cents: number };

/** One step a user or the system takes; indexes pick among the agents, outlets, leads and sales so far. */
type Step =
  | { kind: 'capture'; agent: number; outlet: number | null; minutes: number; samePhone: boolean }
  | { kind: 'status'; lead: number; status: 'contacted' | 'qualified' | 'rejected' | 'converted' }
  | { kind: 'merge'; lead: number }
  | { kind: 'sale'; lead: number; amount: number; cost: number; minutesAfter: number }
  | { kind: 'correct'; sale: number; cents: number | null; moveMinutes: number | null }
  | {
      kind: 'adjust';
      agent: number;
      outlet: number | null;
      component: 'revenue' | 'cost' | 'bonus' | 'payout';
      cents: number;
      minutes: number;
    }
  | { kind: 'import'; rows: ImportRow[] };

// Three days around local midnights (the tenant is UTC+5), in minutes from the start.
const START = Date.parse('2025-07-01T12:00:00Z');
const SPAN_MINUTES = 3 * 24 * 60;
const DAY_MINUTES = 24 * 60;
const at = (minutes: number) => new Date(START + minutes * 60_000);

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('capture' as const),
      agent: fc.nat(2),
      outlet: fc.option(fc.nat(1)),
      minutes: fc.nat(SPAN_MINUTES),
      samePhone: fc.boolean(),
    }),
  },
  fc.record({
    kind: fc.constant('status' as const),
    lead: fc.nat(30),
    status: fc.constantFrom(
      'contacted' as const,
      'qualified' as const,
      'rejected' as const,
      'converted' as const,
    ),
  }),
  fc.record({ kind: fc.constant('merge' as const), lead: fc.nat(30) }),
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('sale' as const),
      lead: fc.nat(30),
      amount: fc.integer({ min: 0, max: 100_000 }),
      cost: fc.integer({ min: 0, max: 50_000 }),
      minutesAfter: fc.nat(2 * DAY_MINUTES),
    }),
  },
  fc
    .record({
      kind: fc.constant('correct' as const),
      sale: fc.nat(30),
      cents: fc.option(fc.integer({ min: 0, max: 100_000 })),
      moveMinutes: fc.option(fc.integer({ min: -DAY_MINUTES, max: DAY_MINUTES })),
    })
    // A correction changes the amount, the time or both (an empty patch is a 422).
    .filter((c) => c.cents !== null || c.moveMinutes !== null),
  fc.record({
    kind: fc.constant('adjust' as const),
    agent: fc.nat(2),
    outlet: fc.option(fc.nat(1)),
    component: fc.constantFrom('revenue' as const, 'cost' as const, 'bonus' as const, 'payout' as const),
    cents: fc.integer({ min: -50_000, max: 50_000 }).filter((c) => c !== 0),
    minutes: fc.nat(SPAN_MINUTES),
  }),
  fc.record({
    kind: fc.constant('import' as const),
    rows: fc.array(
      fc.record({
        by: fc.constantFrom('uuid' as const, 'phone' as const),
        lead: fc.nat(30),
        // A small pool of sale ids per sequence, so a later file updates a sale an earlier one recorded.
        sale: fc.nat(3),
        minutesAfter: fc.nat(2 * DAY_MINUTES),
        cents: fc.integer({ min: 0, max: 100_000 }),
      }),
      { minLength: 1, maxLength: 3 },
    ),
  }),
);

/**
 * A sequence run first that takes every write path: a duplicate merged away, a sale, an import
 * by uuid and by phone, a correction moving a sale, an adjustment, a refused move to converted and
 * a second file updating the imported sale.
 */
const EVERY_PATH: Step[] = [
  { kind: 'capture', agent: 0, outlet: 0, minutes: 60, samePhone: false },
  { kind: 'capture', agent: 1, outlet: null, minutes: 120, samePhone: true },
  { kind: 'merge', lead: 0 },
  { kind: 'sale', lead: 0, amount: 5_000, cost: 100, minutesAfter: 30 },
  { kind: 'capture', agent: 2, outlet: 1, minutes: 1_500, samePhone: false },
  {
    kind: 'import',
    rows: [
      { by: 'uuid', lead: 2, sale: 0, minutesAfter: 60, cents: 7_000 },
      { by: 'phone', lead: 0, sale: 1, minutesAfter: 600, cents: 900 },
    ],
  },
  { kind: 'correct', sale: 0, cents: 1_234, moveMinutes: -600 },
  { kind: 'adjust', agent: 1, outlet: 1, component: 'bonus', cents: 2_500, minutes: 900 },
  { kind: 'status', lead: 2, status: 'converted' },
  { kind: 'import', rows: [{ by: 'uuid', lead: 2, sale: 0, minutesAfter: 900, cents: 8_000 }] },
];

const decimal = (cents: number) => (cents / 100).toFixed(2);
const IMPORT_HEADER = 'external_sale_id,sale_date,sale_amount,cost_amount,customer_phone,lead_uuid';

describe('daily KPIs: the incremental refreshes always equal a recomputation from scratch', () => {
  let t: TestApp;
  let fx: IdentityFixture;
  let api: ReturnType<typeof client>;
  let admin: Headers;
  let agents: { id: string; auth: Headers }[];
  let outlets: string[];
  let phoneSeq = 7_000_000;
  let sequence = 0;

  beforeAll(async () => {
    t = await leadsApp();
    fx = await identityFixture(t, 'kpi-prop');
    api = client(t);
    admin = fx.users.admin.auth;
    // Repeat sales on: a lead's later sales add revenue while only its first counts as converted.
    await api.ok('PUT', `/tenants/${fx.tenantId}`, admin, {
      settings: {
        default_phone_region: 'UZ',
        time_zone: 'Asia/Tashkent',
        lead_duplicate_window_days: 30,
        lead_repeat_sales: true,
        external_sale_match_days: 30,
      },
    });
    agents = [fx.users.agent, await extraUser(t, fx, 'agent'), fx.users.team_leader].map((u) => ({
      id: u.id,
      auth: u.auth,
    }));
    outlets = [await createOutlet(t, admin), await createOutlet(t, admin)];
  });
  afterAll(() => t.close());

  type Lead = {
    id: string;
    agent: number;
    phone: string;
    clientUuid: string;
    capturedAt: Date;
    duplicate: boolean;
  };

  /** The file of an import step: one row per distinct sale id, naming leads of this sequence. */
  function importFile(rows: ImportRow[], leads: Lead[], tag: string): string | null {
    const lines = [IMPORT_HEADER];
    const seen = new Set<number>();
    for (const r of rows) {
      const lead = leads[r.lead % leads.length];
      if (!lead || seen.has(r.sale)) continue;
      seen.add(r.sale);
      const soldAt = new Date(lead.capturedAt.getTime() + r.minutesAfter * 60_000).toISOString();
      const [phone, uuid] = r.by === 'phone' ? [lead.phone, ''] : ['', lead.clientUuid];
      lines.push(`${tag}-${r.sale},${soldAt},${decimal(r.cents)},${decimal(r.cents >> 1)},${phone},${uuid}`);
    }
    return lines.length > 1 ? lines.join('\n') : null;
  }

  /** A correction of one of the tenant's latest sales: a new amount and/or a moved sale time. */
  async function correct(s: Extract<Step, { kind: 'correct' }>) {
    const latest = await api.ok<{ conversions: { id: string; converted_at: string }[] }>(
      'GET',
      '/conversions?sort=-created_at&limit=20',
      admin,
    );
    const sale = latest.conversions[s.sale % Math.max(latest.conversions.length, 1)];
    if (!sale) return;
    const body = {
      ...(s.cents === null ? {} : { amount: decimal(s.cents) }),
      ...(s.moveMinutes === null
        ? {}
        : { converted_at: new Date(Date.parse(sale.converted_at) + s.moveMinutes * 60_000).toISOString() }),
    };
    expectStatus(await api.call('PATCH', `/conversions/${sale.id}`, admin, body), 200);
  }

  /** Every converted lead has a sale and every lead with a sale is converted. */
  async function expectStatusesAgreeWithSales() {
    const { rows } = await t.database.db.query<{ id: string; status: string; sales: number }>(
      `select l.id, l.status, (select count(*) from conversions c
          where c.tenant_id = l.tenant_id and c.lead_id = l.id)::int as sales
        from leads l where l.tenant_id = $1`,
      [fx.tenantId],
    );
    expect(rows.filter((r) => (r.status === 'converted') !== r.sales > 0)).toEqual([]);
  }

  it('for random captures, status changes, merges, sales, corrections, adjustments and imports', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 10 }), async (steps) => {
        const tag = `P${sequence++}-${Date.now()}`;
        const leads: Lead[] = [];
        let lastPhone = `90${phoneSeq++}`;
        for (const s of steps) {
          if (s.kind === 'capture') {
            if (!s.samePhone) lastPhone = `90${phoneSeq++}`;
            const capturedAt = at(s.minutes);
            const lead = await api.ok<{ id: string; client_uuid: string; is_duplicate: boolean }>(
              'POST',
              '/leads',
              agents[s.agent]!.auth,
              {
                customer_name: 'Prop',
                phone: lastPhone,
                captured_at: capturedAt.toISOString(),
                ...(s.outlet === null ? {} : { outlet_id: outlets[s.outlet] }),
              },
              201,
            );
            leads.push({
              id: lead.id,
              agent: s.agent,
              phone: lastPhone,
              clientUuid: lead.client_uuid,
              capturedAt,
              duplicate: lead.is_duplicate,
            });
          } else if (s.kind === 'adjust') {
            const body = {
              component: s.component,
              amount: decimal(s.cents),
              occurred_at: at(s.minutes).toISOString(),
              agent_id: agents[s.agent]!.id,
              ...(s.outlet === null ? {} : { outlet_id: outlets[s.outlet] }),
              reason: 'correction',
            };
            await api.ok('POST', '/ledger/adjustments', admin, body, 201);
          } else if (s.kind === 'correct') {
            await correct(s);
          } else if (s.kind === 'import') {
            const csv = importFile(s.rows, leads, tag);
            if (!csv) continue;
            const { run } = await runImport(
              t,
              fx.users.admin,
              fx.tenantId,
              { bytes: csv },
              { entity: 'external_sales', mode: 'upsert-by-code' },
            );
            expect(run, csv).toMatchObject({ status: 'completed', progress: { rows_invalid: 0 } });
          } else {
            // A merge picks among the flagged duplicates, so merges really happen.
            const pool = s.kind === 'merge' ? leads.filter((l) => l.duplicate) : leads;
            const lead = pool.length ? pool[s.lead % pool.length]! : undefined;
            if (!lead) continue;
            if (s.kind === 'status') {
              // Refused moves (409) and merged leads leave everything unchanged; only a sale converts.
              const res = await api.call('POST', `/leads/${lead.id}/status`, admin, { status: s.status });
              if (s.status === 'converted')
                expect(['CONVERSION_REQUIRED', 'LEAD_MERGED']).toContain(
                  expectStatus(res, 409).json<{ code: string }>().code,
                );
              else expect([200, 409]).toContain(res.statusCode);
            } else if (s.kind === 'merge') {
              const res = await api.call('POST', `/leads/${lead.id}/merge`, admin, {});
              expect([200, 409]).toContain(res.statusCode);
            } else {
              // The lead's agent sells; a rejected, expired or merged lead refuses the sale (409).
              const res = await api.call('POST', '/conversions', agents[lead.agent]!.auth, {
                lead_id: lead.id,
                amount: decimal(s.amount),
                cost: decimal(s.cost),
                converted_at: new Date(lead.capturedAt.getTime() + s.minutesAfter * 60_000).toISOString(),
              });
              expect([201, 409], res.body).toContain(res.statusCode);
            }
          }
        }
        await runQueuedKpiRefreshes(t);
        await expectKpisMatchRecomputation(t, fx.tenantId);
        await expectStatusesAgreeWithSales();
      }),
      { numRuns: 20, examples: [[EVERY_PATH]] },
    );
    // The sequences (the first one at least) went through every write path the property is about.
    const { rows } = await t.database.db.query<Record<string, number>>(
      `select
          (select count(*) from conversions where tenant_id = $1 and origin = 'import')::int as imported,
          (select count(*) from conversions where tenant_id = $1 and origin = 'manual')::int as sold,
          (select count(*) from ledger_entries
            where tenant_id = $1 and reason = 'conversion corrected')::int as corrected,
          (select count(*) from ledger_entries where tenant_id = $1 and entry_type = 'adjustment')::int as adjusted,
          (select count(*) from leads where tenant_id = $1 and merged_at is not null)::int as merged`,
      [fx.tenantId],
    );
    for (const [path, count] of Object.entries(rows[0]!)) expect(count, path).toBeGreaterThan(0);
  });
});

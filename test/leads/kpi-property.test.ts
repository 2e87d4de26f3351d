import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../harness/app.js';
import { identityFixture, type IdentityFixture } from '../identity/fixtures.js';
import { client, createOutlet, extraUser, leadsApp, type Headers } from './helpers.js';
import {
  adjustLedger,
  expectKpisMatchRecomputation,
  recordSale,
  runQueuedKpiRefreshes,
} from './kpi-helpers.js';

/** One step a user or the system takes; indexes pick among the agents, outlets and leads so far. */
type Step =
  | { kind: 'capture'; agent: number; outlet: number | null; minutes: number; samePhone: boolean }
  | { kind: 'status'; lead: number; status: 'contacted' | 'qualified' | 'rejected' }
  | { kind: 'merge'; lead: number }
  | { kind: 'sale'; lead: number; amount: number; cost: number; minutesAfter: number }
  | {
      kind: 'adjust';
      agent: number;
      outlet: number | null;
      component: 'revenue' | 'cost' | 'bonus' | 'payout';
      cents: number;
      minutes: number;
    };

// Three days around local midnights (the tenant is UTC+5), in minutes from the start.
const START = Date.parse('2025-07-01T12:00:00Z');
const SPAN_MINUTES = 3 * 24 * 60;
const at = (minutes: number) => new Date(START + minutes * 60_000);

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant('capture' as const),
    agent: fc.nat(2),
    outlet: fc.option(fc.nat(1)),
    minutes: fc.nat(SPAN_MINUTES),
    samePhone: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('status' as const),
    lead: fc.nat(30),
    status: fc.constantFrom('contacted' as const, 'qualified' as const, 'rejected' as const),
  }),
  fc.record({ kind: fc.constant('merge' as const), lead: fc.nat(30) }),
  fc.record({
    kind: fc.constant('sale' as const),
    lead: fc.nat(30),
    amount: fc.integer({ min: 1, max: 100_000 }),
    cost: fc.integer({ min: 0, max: 50_000 }),
    minutesAfter: fc.nat(2 * 24 * 60),
  }),
  fc.record({
    kind: fc.constant('adjust' as const),
    agent: fc.nat(2),
    outlet: fc.option(fc.nat(1)),
    component: fc.constantFrom('revenue' as const, 'cost' as const, 'bonus' as const, 'payout' as const),
    cents: fc.integer({ min: -50_000, max: 50_000 }),
    minutes: fc.nat(SPAN_MINUTES),
  }),
);

const decimal = (cents: number) => (cents / 100).toFixed(2);

describe('daily KPIs: the incremental refreshes always equal a recomputation from scratch', () => {
  let t: TestApp;
  let fx: IdentityFixture;
  let api: ReturnType<typeof client>;
  let agents: { id: string; auth: Headers }[];
  let outlets: string[];
  let phoneSeq = 7_000_000;

  beforeAll(async () => {
    t = await leadsApp();
    fx = await identityFixture(t, 'kpi-prop');
    api = client(t);
    const admin = fx.users.admin.auth;
    await api.ok('PUT', `/tenants/${fx.tenantId}`, admin, {
      settings: { default_phone_region: 'UZ', time_zone: 'Asia/Tashkent', lead_duplicate_window_days: 30 },
    });
    agents = [fx.users.agent, await extraUser(t, fx, 'agent'), fx.users.team_leader].map((u) => ({
      id: u.id,
      auth: u.auth,
    }));
    outlets = [await createOutlet(t, admin), await createOutlet(t, admin)];
  });
  afterAll(() => t.close());

  it('for random sequences of captures, status changes, merges, sales and ledger adjustments', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 12 }), async (steps) => {
        const leads: { id: string; agent: number; capturedAt: Date; duplicate: boolean }[] = [];
        let lastPhone = `90${phoneSeq++}`;
        for (const s of steps) {
          if (s.kind === 'capture') {
            if (!s.samePhone) lastPhone = `90${phoneSeq++}`;
            const capturedAt = at(s.minutes);
            const lead = await api.ok<{ id: string; is_duplicate: boolean }>(
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
            leads.push({ id: lead.id, agent: s.agent, capturedAt, duplicate: lead.is_duplicate });
            continue;
          }
          if (s.kind === 'adjust') {
            await adjustLedger(t, fx.tenantId, {
              agentId: agents[s.agent]!.id,
              outletId: s.outlet === null ? null : outlets[s.outlet]!,
              component: s.component,
              amount: decimal(s.cents),
              occurredAt: at(s.minutes),
            });
            continue;
          }
          // A merge picks among the flagged duplicates, so merges really happen.
          const pool = s.kind === 'merge' ? leads.filter((l) => l.duplicate) : leads;
          const lead = pool.length ? pool[s.lead % pool.length]! : undefined;
          if (!lead) continue;
          if (s.kind === 'status') {
            // Refused moves (409) and merged leads leave everything unchanged; the property still holds.
            const res = await api.call('POST', `/leads/${lead.id}/status`, fx.users.admin.auth, {
              status: s.status,
            });
            expect([200, 409]).toContain(res.statusCode);
          } else if (s.kind === 'merge') {
            const res = await api.call('POST', `/leads/${lead.id}/merge`, fx.users.admin.auth, {});
            expect([200, 409]).toContain(res.statusCode);
          } else {
            await recordSale(t, fx.tenantId, {
              leadId: lead.id,
              amount: decimal(s.amount),
              cost: decimal(s.cost),
              convertedAt: new Date(lead.capturedAt.getTime() + s.minutesAfter * 60_000),
            });
          }
        }
        await runQueuedKpiRefreshes(t);
        await expectKpisMatchRecomputation(t, fx.tenantId);
      }),
      { numRuns: 20 },
    );
  });
});

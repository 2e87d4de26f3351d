import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../src/modules/success/health/score.js';
import type { TestApp } from '../harness/app.js';
import { identityFixture, type IdentityFixture } from '../identity/fixtures.js';
import type { Alert, AlertList } from '../notify/helpers.js';
import {
  daysAgo,
  insertDeployment,
  insertInteractions,
  insertScore,
  isoDay,
  type InteractionType,
} from './health-fixtures.js';
import { client, createCustomer, expectStatus, successApp, type Headers } from './helpers.js';

type Described = Alert & { description: string | null };

describe('health alerts: health drops, contract and licence expiry, inactivity', { timeout: 300_000 }, () => {
  let t: TestApp;
  let fx: IdentityFixture;
  let other: IdentityFixture;
  let admin: Headers;
  let api: ReturnType<typeof client>;
  const today = isoDay(new Date());

  const alertsOf = async (auth: Headers, query: string) =>
    (await api.ok<AlertList>('GET', `/alerts?limit=500&${query}`, auth)).alerts as Described[];
  const calculate = (id: string) => api.ok('POST', `/health-scores/calculate/${id}`, admin, undefined, 201);
  const runChecks = () => api.ok('POST', '/scheduler/jobs/notify.alert-checks/run', admin);
  /** A healthy customer: three products, 200 days left, seven meetings → 100/100/100/100 before support. */
  const healthy = async (extra: { type: InteractionType; at: Date }[] = []) => {
    const id = await createCustomer(t, admin, {
      owner_id: fx.users.agent.id,
      contract_end: addDays(today, 200),
    });
    for (const product of ['A', 'B', 'C']) await insertDeployment(t, fx.tenantId, id, { product });
    await insertInteractions(t, fx.tenantId, id, [
      ...Array.from({ length: 7 }, (_, i) => ({ type: 'meeting' as const, at: daysAgo(i + 1) })),
      ...extra,
    ]);
    return id;
  };

  beforeAll(async () => {
    t = await successApp();
    api = client(t);
    fx = await identityFixture(t, 'halert');
    other = await identityFixture(t, 'halert-other');
    admin = fx.users.admin.auth;
  }, 300_000);
  afterAll(() => t.close());

  it('critical risk raises a critical health drop at once, to the account manager; once a day', async () => {
    const id = await createCustomer(t, admin, {
      owner_id: fx.users.agent.id,
      contract_end: addDays(today, -1),
    });
    await calculate(id); // 0 + 30 + 0 + 0 = 30: critical
    await calculate(id);
    const found = await alertsOf(fx.users.agent.auth, `type=health_drop&customer_id=${id}`);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      severity: 'critical',
      source: 'success.health-drop',
      entity_type: 'customer',
      entity_id: id,
      customer_id: id,
      owner_id: fx.users.agent.id,
    });
    expect(found[0]!.description).toContain('Risk is critical (score 30).');
    expect(await alertsOf(other.users.admin.auth, 'type=health_drop')).toEqual([]);
  });

  it('high risk is a high health drop', async () => {
    const id = await createCustomer(t, admin, { owner_id: fx.users.agent.id });
    await calculate(id); // 0 + 30 + 0 + 12.5 → 42: high
    expect((await alertsOf(admin, `type=health_drop&customer_id=${id}`)).map((a) => a.severity)).toEqual([
      'high',
    ]);
  });

  it('a component falling 15 points is a medium health drop; 14 is not', async () => {
    // Support 100 − 2·10 = 80 now; it was 100 yesterday (a fall of 20) → overall 20 + 24 + 25 + 25 = 94.
    const fell = await healthy([
      { type: 'escalation', at: daysAgo(1) },
      { type: 'escalation', at: daysAgo(2) },
    ]);
    await insertScore(t, fx.tenantId, fell, { overall: 100, at: daysAgo(1) });
    // Support 100 − 7·2 = 86: a fall of 14.
    const held = await healthy(
      Array.from({ length: 7 }, (_, i) => ({ type: 'support_ticket' as const, at: daysAgo(i + 1) })),
    );
    await insertScore(t, fx.tenantId, held, { overall: 100, at: daysAgo(1) });
    await calculate(fell);
    await calculate(held);
    const found = await alertsOf(admin, `type=health_drop&customer_id=${fell}`);
    expect(found.map((a) => [a.severity, a.description])).toEqual([
      ['medium', 'Support fell 20 points (100 → 80).'],
    ]);
    expect(await alertsOf(admin, `type=health_drop&customer_id=${held}`)).toEqual([]);
  });

  it('the third decline in a row is a medium health drop; the second is not', async () => {
    // The new score: 100 everywhere but support 90 (5 tickets) → 97.
    const tickets = Array.from({ length: 5 }, (_, i) => ({
      type: 'support_ticket' as const,
      at: daysAgo(i + 1),
    }));
    const third = await healthy(tickets);
    const second = await healthy(tickets);
    const facts = { adoption: 100, support: 90, engagement: 100, financial: 100 };
    for (const [i, overall] of [99, 98].entries()) {
      await insertScore(t, fx.tenantId, third, { ...facts, overall, at: daysAgo(3 - i) });
      await insertScore(t, fx.tenantId, second, { ...facts, overall: overall + 1, at: daysAgo(3 - i) });
    }
    await insertScore(t, fx.tenantId, third, { ...facts, overall: 100, at: daysAgo(4) });
    await insertScore(t, fx.tenantId, second, { ...facts, overall: 97, at: daysAgo(4) });
    await calculate(third); // 100 → 99 → 98 → 97
    await calculate(second); // 97, 100 → 99 → 97: two declines after a rise
    const found = await alertsOf(admin, `type=health_drop&customer_id=${third}`);
    expect(found.map((a) => [a.severity, a.description])).toEqual([
      ['medium', 'Third decline in a row (100 → 99 → 98 → 97).'],
    ]);
    expect(await alertsOf(admin, `type=health_drop&customer_id=${second}`)).toEqual([]);
  });

  it('the hourly checks raise a health drop for a score stored today without one, once', async () => {
    const id = await createCustomer(t, admin, { owner_id: fx.users.agent.id });
    await insertScore(t, fx.tenantId, id, { overall: 80, at: daysAgo(2) });
    await insertScore(t, fx.tenantId, id, {
      overall: 35,
      adoption: 10,
      support: 80,
      engagement: 80,
      financial: 80,
      at: new Date(Date.now() - 60_000),
    });
    const churned = await createCustomer(t, admin, { status: 'churned' });
    await insertScore(t, fx.tenantId, churned, { overall: 10, at: new Date(Date.now() - 60_000) });
    await runChecks();
    await runChecks();
    const found = await alertsOf(admin, `type=health_drop&customer_id=${id}`);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      severity: 'critical',
      source: 'success.health-drop',
      owner_id: fx.users.agent.id,
    });
    expect(found[0]!.description).toBe('Risk is critical (score 35). Adoption fell 70 points (80 → 10).');
    expect(await alertsOf(admin, `type=health_drop&customer_id=${churned}`)).toEqual([]);
  });

  it('contract expiry: within 90 days, severity by days left, threshold in the title, once a day', async () => {
    const fresh = await identityFixture(t, 'hexpiry');
    const auth = fresh.users.admin.auth;
    const ends = [-1, 0, 7, 8, 14, 15, 30, 31, 60, 61, 90, 91];
    const byDays = new Map<number, string>();
    for (const days of ends)
      byDays.set(
        days,
        await createCustomer(t, auth, { owner_id: fresh.users.agent.id, contract_end: addDays(today, days) }),
      );
    await createCustomer(t, auth, { status: 'churned', contract_end: addDays(today, 3) });
    await api.ok('POST', '/scheduler/jobs/success.contract-expiry-check/run', admin);
    await api.ok('POST', '/scheduler/jobs/success.contract-expiry-check/run', admin);
    const found = await alertsOf(auth, 'type=contract_expiry');
    const of = (days: number) => found.find((a) => a.entity_id === byDays.get(days));
    expect(found).toHaveLength(10);
    expect(of(-1)).toBeUndefined();
    expect(of(91)).toBeUndefined();
    const expected: [number, string, number][] = [
      [0, 'critical', 30],
      [7, 'critical', 30],
      [8, 'high', 30],
      [14, 'high', 30],
      [15, 'medium', 30],
      [30, 'medium', 30],
      [31, 'low', 60],
      [60, 'low', 60],
      [61, 'low', 90],
      [90, 'low', 90],
    ];
    for (const [days, severity, within] of expected) {
      expect(of(days), String(days)).toMatchObject({
        severity,
        source: 'success.contract-expiry',
        entity_type: 'customer',
        customer_id: byDays.get(days),
        owner_id: fresh.users.agent.id,
      });
      expect(of(days)!.title).toContain(`within ${within} days`);
    }
    expect(of(7)!.description).toBe(`The contract ends on ${addDays(today, 7)} (in 7 days).`);
    // The account manager sees them; a peer agent does not.
    expect(await alertsOf(fresh.users.agent.auth, 'type=contract_expiry')).toHaveLength(10);
    expect(await alertsOf(fresh.users.team_leader.auth, 'type=contract_expiry')).toEqual([]);
  });

  it('licence expiry: active deployments, one alert per deployment a day', async () => {
    const fresh = await identityFixture(t, 'hlicence');
    const customer = await createCustomer(t, fresh.users.admin.auth, { owner_id: fresh.users.agent.id });
    const soon = await insertDeployment(t, fresh.tenantId, customer, {
      product: 'MonetX',
      licenceExpiry: addDays(today, 10),
    });
    const later = await insertDeployment(t, fresh.tenantId, customer, {
      product: 'GreenX',
      licenceExpiry: addDays(today, 45),
    });
    await insertDeployment(t, fresh.tenantId, customer, {
      product: 'Old',
      active: false,
      licenceExpiry: addDays(today, 5),
    });
    await insertDeployment(t, fresh.tenantId, customer, {
      product: 'Far',
      licenceExpiry: addDays(today, 120),
    });
    await api.ok('POST', '/scheduler/jobs/success.licence-expiry-check/run', admin);
    await runChecks();
    const found = await alertsOf(fresh.users.admin.auth, 'type=licence_expiry');
    expect(found.map((a) => [a.entity_id, a.severity]).sort()).toEqual(
      [
        [soon, 'high'],
        [later, 'low'],
      ].sort(),
    );
    for (const a of found)
      expect(a).toMatchObject({
        entity_type: 'deployment',
        customer_id: customer,
        owner_id: fresh.users.agent.id,
      });
    expect(found.find((a) => a.entity_id === soon)!.title).toContain('MonetX');
    expect(found.find((a) => a.entity_id === later)!.title).toContain('within 60 days');
  });

  it('inactivity: current customers with no interaction in 30 days (future ones do not count)', async () => {
    const fresh = await identityFixture(t, 'hinactive');
    const auth = fresh.users.admin.auth;
    const make = async (at: Date | null, body: object = {}) => {
      const id = await createCustomer(t, auth, { owner_id: fresh.users.agent.id, ...body });
      if (at) await insertInteractions(t, fresh.tenantId, id, [{ type: 'email', at }]);
      return id;
    };
    const recent = await make(daysAgo(10));
    const old = await make(new Date(`${addDays(today, -31)}T12:00:00Z`));
    const never = await make(null);
    const future = await make(new Date(Date.now() + 3 * 86_400_000));
    await make(null, { status: 'churned' });
    await api.ok('POST', '/scheduler/jobs/success.inactivity-check/run', admin);
    await runChecks();
    const found = await alertsOf(auth, 'type=inactivity');
    expect(found.map((a) => a.entity_id).sort()).toEqual([old, never, future].sort());
    expect(found.every((a) => a.severity === 'medium' && a.owner_id === fresh.users.agent.id)).toBe(true);
    expect(found.find((a) => a.entity_id === old)!.description).toBe(
      `The last interaction was on ${addDays(today, -31)}.`,
    );
    expect(found.find((a) => a.entity_id === never)!.description).toBe('No interaction has been logged.');
    expect(found.some((a) => a.entity_id === recent)).toBe(false);
    expectStatus(await api.call('GET', '/alerts?type=inactivity', other.users.agent.auth), 200);
    expect(await alertsOf(other.users.admin.auth, 'type=inactivity')).toEqual([]);
  });
});

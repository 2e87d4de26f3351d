import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../harness/app.js';
import { identityFixture, type IdentityFixture } from '../identity/fixtures.js';
import { client, expectStatus, leadsApp, type Headers } from './helpers.js';

type Problem = { code: string; errors: { path: string; message: string }[] };
const R = {
  code: 'R1',
  name: 'Five percent',
  type: 'per_conversion',
  priority: 1,
  amount_type: 'percent',
  amount: '5',
};

describe('leads: bonus rule sets and rules', () => {
  let t: TestApp;
  let fx: IdentityFixture;
  let admin: Headers;
  let api: ReturnType<typeof client>;

  beforeAll(async () => {
    t = await leadsApp();
    fx = await identityFixture(t, 'bonusrules');
    admin = fx.users.admin.auth;
    api = client(t);
  });
  afterAll(() => t.close());

  it('creates, reads, lists, changes and deletes a set and its rules', async () => {
    const set = await api.ok<{ id: string; active: boolean; currency: string; locked: boolean }>(
      'POST',
      '/bonus-rule-sets',
      admin,
      { name: 'Q1', valid_from: '2030-01-01', valid_to: '2030-03-31', currency: 'UZS' },
      201,
    );
    expect(set).toMatchObject({ active: true, currency: 'UZS', locked: false });
    const rule = await api.ok<{ id: string; amount: string; conditions: unknown[] }>(
      'POST',
      `/bonus-rule-sets/${set.id}/rules`,
      admin,
      {
        ...R,
        conditions: [{ field: 'sale_amount', op: 'between', value: ['100.00', '5000.00'] }],
        cap_per_item: '50000.00',
      },
      201,
    );
    expect(rule.conditions).toEqual([{ field: 'sale_amount', op: 'between', value: ['100.00', '5000.00'] }]);
    expect(await api.ok('GET', `/bonus-rule-sets/${set.id}/rules/${rule.id}`, admin)).toEqual(rule);
    const changed = await api.ok<{ amount: string; name: string }>(
      'PUT',
      `/bonus-rule-sets/${set.id}/rules/${rule.id}`,
      admin,
      { amount: '7.5' },
    );
    expect(Number(changed.amount)).toBe(7.5);
    const listed = await api.ok<{ rules: { code: string }[] }>(
      'GET',
      `/bonus-rule-sets/${set.id}/rules`,
      fx.users.agent.auth,
    );
    expect(listed.rules.map((r) => r.code)).toEqual(['R1']);
    const dup = await api.call('POST', `/bonus-rule-sets/${set.id}/rules`, admin, { ...R, priority: 2 });
    expectStatus(dup, 409, 'DUPLICATE');
    const sets = await api.ok<{ bonus_rule_sets: { id: string }[] }>(
      'GET',
      '/bonus-rule-sets?active=true',
      admin,
    );
    expect(sets.bonus_rule_sets.map((s) => s.id)).toContain(set.id);
    expectStatus(await api.call('DELETE', `/bonus-rule-sets/${set.id}/rules/${rule.id}`, admin), 204);
    expectStatus(await api.call('DELETE', `/bonus-rule-sets/${set.id}`, admin), 204);
    expectStatus(await api.call('GET', `/bonus-rule-sets/${set.id}`, admin), 404);
  });

  it('refuses a second active set covering the same days (409 RULE_SET_OVERLAP), open ends included', async () => {
    await api.ok(
      'POST',
      '/bonus-rule-sets',
      admin,
      { name: 'A', valid_from: '2031-01-01', valid_to: '2031-06-30' },
      201,
    );
    const overlapping = await api.call('POST', '/bonus-rule-sets', admin, {
      name: 'B',
      valid_from: '2031-06-30',
    });
    expectStatus(overlapping, 409, 'RULE_SET_OVERLAP');
    const inactive = await api.ok(
      'POST',
      '/bonus-rule-sets',
      admin,
      { name: 'B', valid_from: '2031-06-01', active: false },
      201,
    );
    expectStatus(
      await api.call('PUT', `/bonus-rule-sets/${inactive.id}`, admin, { active: true }),
      409,
      'RULE_SET_OVERLAP',
    );
    await api.ok('PUT', `/bonus-rule-sets/${inactive.id}`, admin, { valid_from: '2031-07-01', active: true });
  });

  it('validates conditions strictly at /body/conditions/{i}/field|op|value, and rule shapes', async () => {
    const set = await api.ok('POST', '/bonus-rule-sets', admin, { name: 'V', active: false }, 201);
    const cases: [object, string][] = [
      [{ conditions: [{ field: 'colour', op: 'eq', value: 'red' }] }, '/body/conditions/0/field'],
      [{ conditions: [{ field: 'product', op: 'gt', value: set.id }] }, '/body/conditions/0/op'],
      [
        {
          conditions: [
            { field: 'sale_amount', op: 'eq', value: '1' },
            { field: 'sale_amount', op: 'like', value: '1' },
          ],
        },
        '/body/conditions/1/op',
      ],
      [{ conditions: [{ field: 'sale_amount', op: 'between', value: ['1'] }] }, '/body/conditions/0/value'],
      [{ conditions: [{ field: 'campaign', op: 'in', value: set.id }] }, '/body/conditions/0/value'],
      [{ conditions: [{ field: 'sold_at', op: 'gte', value: 'yesterday' }] }, '/body/conditions/0/value'],
      [{ type: 'per_target', basis: 'count' }, '/body/target'],
      [
        {
          type: 'tier',
          basis: 'revenue',
          tiers: [
            { threshold: '10', rate: '1' },
            { threshold: '5', rate: '2' },
          ],
        },
        '/body/tiers/1/threshold',
      ],
      [{ type: 'tier', basis: 'revenue', tiers: [{ threshold: '10' }] }, '/body/tiers/0'],
      [{ amount: '101' }, '/body/amount'],
      [{ amount: '-1' }, '/body/amount'],
      [{ type: 'bonus' }, '/body/type'],
    ];
    for (const [patch, path] of cases) {
      const res = await api.call('POST', `/bonus-rule-sets/${set.id}/rules`, admin, { ...R, ...patch });
      expectStatus(res, 422, 'VALIDATION_FAILED');
      expect(
        res.json<Problem>().errors.map((e) => e.path),
        JSON.stringify(patch),
      ).toContain(path);
    }
    const dates = await api.call('POST', '/bonus-rule-sets', admin, {
      name: 'D',
      valid_from: '2030-02-01',
      valid_to: '2030-01-01',
    });
    expect(expectStatus(dates, 422).json<Problem>().errors[0]!.path).toBe('/body/valid_to');
  });

  it('lets everyone read and only planners write', async () => {
    const set = await api.ok(
      'POST',
      '/bonus-rule-sets',
      fx.users.national_manager.auth,
      { name: 'NM', active: false },
      201,
    );
    for (const role of ['agent', 'viewer', 'team_leader', 'area_manager', 'regional_manager'] as const) {
      const auth = fx.users[role].auth;
      await api.ok('GET', `/bonus-rule-sets/${set.id}`, auth);
      expectStatus(await api.call('POST', '/bonus-rule-sets', auth, { name: 'x' }), 403);
      expectStatus(await api.call('POST', `/bonus-rule-sets/${set.id}/rules`, auth, R), 403);
      expectStatus(await api.call('PUT', `/bonus-rule-sets/${set.id}`, auth, { name: 'x' }), 403);
    }
    expectStatus(await api.call('GET', '/bonus-rule-sets'), 401);
  });

  it('keeps tenants apart: another tenant’s set and rules answer 404', async () => {
    const other = await identityFixture(t, 'bonusother');
    const set = await api.ok('POST', '/bonus-rule-sets', admin, { name: 'Mine', active: false }, 201);
    const rule = await api.ok('POST', `/bonus-rule-sets/${set.id}/rules`, admin, R, 201);
    const theirs = other.users.admin.auth;
    expectStatus(await api.call('GET', `/bonus-rule-sets/${set.id}`, theirs), 404);
    expectStatus(await api.call('GET', `/bonus-rule-sets/${set.id}/rules`, theirs), 404);
    expectStatus(
      await api.call('PUT', `/bonus-rule-sets/${set.id}/rules/${rule.id}`, theirs, { amount: '1' }),
      404,
    );
    expectStatus(await api.call('DELETE', `/bonus-rule-sets/${set.id}`, theirs), 404);
    const list = await api.ok<{ bonus_rule_sets: { id: string }[] }>('GET', '/bonus-rule-sets', theirs);
    expect(list.bonus_rule_sets.map((s) => s.id)).not.toContain(set.id);
  });
});

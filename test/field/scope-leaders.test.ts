import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../harness/app.js';
import {
  FIXTURE_PASSWORD,
  identityFixture,
  type FixtureUser,
  type IdentityFixture,
} from '../identity/fixtures.js';
import {
  client,
  createOutlet,
  createTeam,
  expectStatus,
  extraUser,
  fieldApp,
  type Headers,
} from './helpers.js';

type VisitList = { visits: { id: string; agent_id: string }[] };

/**
 * Whoever leads a team sees its members' records on top of their role's scope, and strict request
 * bodies name the unknown property.
 */
describe('data scope: team leaders of any role; strict bodies', () => {
  let t: TestApp;
  let fx: IdentityFixture;
  let admin: Headers;
  let api: ReturnType<typeof client>;
  let member: FixtureUser;
  let outsider: FixtureUser;
  let leadingManager: FixtureUser;
  let otherManager: FixtureUser;
  let outlet: string;
  let memberVisit: string;
  let outsiderVisit: string;

  beforeAll(async () => {
    t = await fieldApp();
    fx = await identityFixture(t, 'leaders');
    admin = fx.users.admin.auth;
    api = client(t);
    member = await extraUser(t, fx, 'agent');
    outsider = await extraUser(t, fx, 'agent');
    leadingManager = await extraUser(t, fx, 'area_manager');
    otherManager = await extraUser(t, fx, 'area_manager');
    // A team outside any org unit the managers hold, led by an area manager.
    await createTeam(t, fx, leadingManager.id, [member.id]);
    outlet = await createOutlet(t, admin);
    memberVisit = (await api.ok('POST', '/visits', member.auth, { outlet_id: outlet }, 201)).id;
    outsiderVisit = (await api.ok('POST', '/visits', outsider.auth, { outlet_id: outlet }, 201)).id;
  });
  afterAll(() => t.close());

  it("lets an area manager who leads a team see that team's members' visits", async () => {
    const listed = await api.ok<VisitList>('GET', '/visits?limit=500', leadingManager.auth);
    const ids = listed.visits.map((v) => v.id);
    expect(ids).toContain(memberVisit);
    expect(ids).not.toContain(outsiderVisit);
    await api.ok('GET', `/visits/${memberVisit}`, leadingManager.auth);
    expectStatus(await api.call('GET', `/visits/${outsiderVisit}`, leadingManager.auth), 404, 'NOT_FOUND');
  });

  it('does not extend to a manager who leads no such team', async () => {
    const listed = await api.ok<VisitList>('GET', '/visits?limit=500', otherManager.auth);
    expect(listed.visits.map((v) => v.id)).not.toContain(memberVisit);
    expectStatus(await api.call('GET', `/visits/${memberVisit}`, otherManager.auth), 404);
  });

  it('applies the scope to cursor pages too', async () => {
    await api.ok('POST', '/visits', member.auth, { outlet_id: outlet }, 201);
    await api.ok('POST', '/visits', outsider.auth, { outlet_id: outlet }, 201);
    const first = await api.ok<VisitList & { next_cursor: string | null }>(
      'GET',
      '/visits?limit=1&sort=created_at',
      leadingManager.auth,
    );
    const second = await api.ok<VisitList & { next_cursor: string | null }>(
      'GET',
      `/visits?limit=1&sort=created_at&cursor=${first.next_cursor}`,
      leadingManager.auth,
    );
    expect(second.next_cursor).toBeNull();
    const seen = [...first.visits, ...second.visits].map((v) => v.agent_id);
    expect(seen).toEqual([member.id, member.id]);
    expect(seen.every((id) => id === member.id || id === leadingManager.id)).toBe(true);
  });

  it('rejects unknown body properties with 422 naming them', async () => {
    const visit = await api.call('POST', '/visits', member.auth, { outlet_id: outlet, latitude: 41.3 });
    expectStatus(visit, 422, 'VALIDATION_FAILED');
    expect(visit.json<{ errors: { path: string }[] }>().errors).toContainEqual(
      expect.objectContaining({ path: '/body/latitude' }),
    );
    const outletRes = await api.call('POST', '/outlets', admin, { code: 'X1', name: 'X', adress: 'typo' });
    expectStatus(outletRes, 422, 'VALIDATION_FAILED');
    expect(outletRes.json<{ errors: { path: string }[] }>().errors).toContainEqual(
      expect.objectContaining({ path: '/body/adress' }),
    );
    const team = await api.call('POST', '/teams', admin, { name: 'T-strict', leader: fx.users.admin.id });
    expectStatus(team, 422, 'VALIDATION_FAILED');
    expect(team.json<{ errors: { path: string }[] }>().errors).toContainEqual(
      expect.objectContaining({ path: '/body/leader' }),
    );
    // Nothing was written by the rejected requests.
    expectStatus(await api.call('GET', '/outlets?q=X1', admin), 200);
    expect((await api.ok<{ outlets: unknown[] }>('GET', '/outlets?q=X1', admin)).outlets).toHaveLength(0);
  });

  it('still accepts the OAuth2 form login', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `grant_type=password&username=${encodeURIComponent(fx.users.admin.email)}&password=${encodeURIComponent(FIXTURE_PASSWORD)}&scope=`,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ token_type: 'bearer' });
  });
});

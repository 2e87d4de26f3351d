import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../harness/app.js';
import { identityFixture, type FixtureUser, type IdentityFixture } from '../identity/fixtures.js';
import type { Method } from '../field/helpers.js';
import {
  createDeployment,
  idsOf,
  logInteraction,
  ownedCustomer,
  pathsOf,
  type Listed,
  type Problem,
} from './accounts-helpers.js';
import { client, createTeam, expectStatus, extraUser, successApp, type Headers } from './helpers.js';

/**
 * Success records follow their customer's account manager: an agent sees their own customers'
 * deployments and interactions, a team leader their team's; another tenant's rows are invisible
 * and cannot be referenced.
 */
describe('accounts data scope and tenant isolation', { timeout: 180_000 }, () => {
  let t: TestApp;
  let a: IdentityFixture;
  let b: IdentityFixture;
  let api: ReturnType<typeof client>;
  let peer: FixtureUser;
  const A = {} as Record<string, string>;
  const B = {} as Record<string, string>;

  beforeAll(async () => {
    t = await successApp();
    api = client(t);
    a = await identityFixture(t, 'scopea');
    b = await identityFixture(t, 'scopeb');
    peer = await extraUser(t, a, 'agent');
    // The team leader leads the fixture agent only; the peer agent is in nobody's team.
    await createTeam(t, a, a.users.team_leader.id, [a.users.agent.id]);
    const admin = a.users.admin.auth;
    A.x = await ownedCustomer(t, a, a.users.agent.id, { name: 'X of agent' });
    A.y = await ownedCustomer(t, a, peer.id, { name: 'Y of peer' });
    A.xDeployment = (await createDeployment(t, admin, A.x)).id;
    A.yDeployment = (await createDeployment(t, admin, A.y)).id;
    A.xInteraction = (await logInteraction(t, admin, A.x, { follow_up_required: true })).id;
    A.yInteraction = (await logInteraction(t, admin, A.y, { follow_up_required: true })).id;

    const bAdmin = b.users.admin.auth;
    B.customer = await ownedCustomer(t, b, b.users.agent.id);
    B.deployment = (await createDeployment(t, bAdmin, B.customer)).id;
    B.interaction = (await logInteraction(t, bAdmin, B.customer)).id;
  });
  afterAll(() => t?.close());

  const listed = async (auth: Headers, path: string, key: string) =>
    idsOf(await api.ok<Listed>('GET', `${path}${path.includes('?') ? '&' : '?'}limit=500`, auth), key);

  it('an account manager sees their customers’ records, not a peer’s', async () => {
    const agent = a.users.agent.auth;
    expect(await listed(agent, '/deployments', 'deployments')).toEqual([A.xDeployment]);
    expect(await listed(agent, '/interactions', 'interactions')).toEqual([A.xInteraction]);
    expect(await listed(agent, '/interactions/pending-followups', 'interactions')).toEqual([A.xInteraction]);
    expect(await listed(peer.auth, '/deployments', 'deployments')).toEqual([A.yDeployment]);
    expect((await api.ok<{ total: number }>('GET', '/deployments/stats', agent)).total).toBe(1);
    expect((await api.ok<{ total: number }>('GET', '/interactions/summary', agent)).total).toBe(1);

    for (const url of [
      `/deployments/${A.yDeployment}`,
      `/interactions/${A.yInteraction}`,
      `/interactions/customer/${A.y}`,
      `/customers/${A.y}/timeline`,
      `/customers/${A.y}/health-history`,
    ])
      expectStatus(await api.call('GET', url, agent), 404);
    expectStatus(await api.call('PUT', `/interactions/${A.yInteraction}`, agent, { subject: 'x' }), 404);
    // Logging for a customer out of scope is refused like an unknown customer.
    const res = await api.call('POST', '/interactions', agent, {
      customer_id: A.y,
      interaction_type: 'call',
      subject: 'Sneaky',
    });
    expect(pathsOf(expectStatus(res, 422).json<Problem>())).toEqual(['/body/customer_id']);
  });

  it('a team leader sees their team’s customers; tenant-wide roles see all', async () => {
    const leader = a.users.team_leader.auth;
    expect(await listed(leader, '/deployments', 'deployments')).toEqual([A.xDeployment]);
    expect(await listed(leader, '/interactions', 'interactions')).toEqual([A.xInteraction]);
    expectStatus(await api.call('DELETE', `/interactions/${A.yInteraction}`, leader), 404);
    expectStatus(await api.call('DELETE', `/deployments/${A.yDeployment}`, leader), 404);
    const res = await api.call('POST', '/deployments', leader, { customer_id: A.y, product_name: 'P' });
    expect(pathsOf(expectStatus(res, 422).json<Problem>())).toEqual(['/body/customer_id']);
    await api.ok('GET', `/customers/${A.x}/timeline`, leader);

    for (const role of ['viewer', 'national_manager', 'admin'] as const) {
      const ids = await listed(a.users[role].auth, '/deployments', 'deployments');
      expect(ids.sort()).toEqual([A.xDeployment, A.yDeployment].sort());
    }
  });

  it('answers 404 for every route addressing another tenant’s records, and changes nothing', async () => {
    const routes: [Method, string, object?][] = [
      ['GET', `/deployments/${B.deployment}`],
      ['PUT', `/deployments/${B.deployment}`, { version: 'pwned' }],
      ['DELETE', `/deployments/${B.deployment}`],
      ['GET', `/interactions/${B.interaction}`],
      ['PUT', `/interactions/${B.interaction}`, { subject: 'pwned' }],
      ['DELETE', `/interactions/${B.interaction}`],
      ['GET', `/interactions/customer/${B.customer}`],
      ['GET', `/customers/${B.customer}/timeline`],
      ['GET', `/customers/${B.customer}/health-history`],
    ];
    for (const [method, url, body] of routes) {
      const res = await api.call(method, url, a.users.admin.auth, body);
      expect(res.statusCode, `${method} ${url}`).toBe(404);
    }
    const bAdmin = b.users.admin.auth;
    expect(await api.ok('GET', `/deployments/${B.deployment}`, bAdmin)).toMatchObject({
      is_active: true,
      version: null,
    });
    expect(await api.ok('GET', `/interactions/${B.interaction}`, bAdmin)).toMatchObject({
      subject: 'Check-in',
    });
  });

  it('refuses references to another tenant’s customers, deployments and users with 422', async () => {
    const admin = a.users.admin.auth;
    const refused = async (path: string, body: object, pointer: string) => {
      const res = await api.call('POST', path, admin, body);
      expect(pathsOf(expectStatus(res, 422).json<Problem>())).toContain(pointer);
    };
    await refused('/deployments', { customer_id: B.customer, product_name: 'P' }, '/body/customer_id');
    await refused(
      '/interactions',
      { customer_id: B.customer, interaction_type: 'call', subject: 'S' },
      '/body/customer_id',
    );
    const own = { customer_id: A.x, interaction_type: 'call', subject: 'S' };
    await refused('/interactions', { ...own, deployment_id: B.deployment }, '/body/deployment_id');
    await refused('/interactions', { ...own, performed_by: b.users.agent.id }, '/body/performed_by');
    const res = await api.call('PUT', `/interactions/${A.xInteraction}`, admin, {
      deployment_id: B.deployment,
    });
    expect(pathsOf(expectStatus(res, 422).json<Problem>())).toEqual(['/body/deployment_id']);

    // Lists and filters never show the other tenant's rows.
    expect(await listed(admin, `/deployments?customer_id=${B.customer}`, 'deployments')).toEqual([]);
    expect(await listed(admin, `/interactions?customer_id=${B.customer}`, 'interactions')).toEqual([]);
    expect(await listed(admin, '/deployments/by-product/MonetX', 'deployments')).not.toContain(B.deployment);
    expect(
      (await api.ok<{ total: number }>('GET', `/deployments/stats?customer_id=${B.customer}`, admin)).total,
    ).toBe(0);
  });
});

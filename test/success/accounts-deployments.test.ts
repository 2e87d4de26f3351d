import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../harness/app.js';
import { identityFixture, type IdentityFixture } from '../identity/fixtures.js';
import { walkTwoCursorPages } from '../field/helpers.js';
import {
  createDeployment,
  dayIn,
  expectProblem,
  idsOf,
  ownedCustomer,
  pathsOf,
  type Listed,
  type Problem,
  type Row,
} from './accounts-helpers.js';
import { client, createTeam, expectStatus, successApp, type Headers } from './helpers.js';

describe('deployments', { timeout: 180_000 }, () => {
  let t: TestApp;
  let fx: IdentityFixture;
  let api: ReturnType<typeof client>;
  let admin: Headers;
  let customer: string;
  const today = () => dayIn('UTC');

  beforeAll(async () => {
    t = await successApp();
    api = client(t);
    fx = await identityFixture(t, 'deploy');
    admin = fx.users.admin.auth;
    // The team leader leads the agent's team: the agent's customers are in their scope.
    await createTeam(t, fx, fx.users.team_leader.id, [fx.users.agent.id]);
    customer = await ownedCustomer(t, fx, fx.users.agent.id, { name: 'Deploy One' });
  });
  afterAll(() => t?.close());

  it('creates, reads, changes and deactivates a deployment, auditing each write', async () => {
    const created = await createDeployment(t, fx.users.team_leader.auth, customer, {
      product_name: '  SupportX  ',
      version: '2.1',
      environment: 'on_premise',
      deployment_date: '2025-01-10',
      licence_type: 'subscription',
      licence_expiry: '2027-01-10',
      notes: 'Primary site',
    });
    expect(created).toMatchObject({
      customer_id: customer,
      customer_name: 'Deploy One',
      product_name: 'SupportX',
      version: '2.1',
      environment: 'on_premise',
      licence_type: 'subscription',
      licence_expiry: '2027-01-10',
      is_active: true,
      deactivated_at: null,
      created_by: fx.users.team_leader.id,
    });
    expect(await api.ok('GET', `/deployments/${created.id}`, fx.users.viewer.auth)).toEqual(created);

    const changed = await api.ok<Row>('PUT', `/deployments/${created.id}`, admin, {
      version: '2.2',
      licence_expiry: null,
    });
    expect(changed).toMatchObject({ version: '2.2', licence_expiry: null, product_name: 'SupportX' });

    expectStatus(await api.call('DELETE', `/deployments/${created.id}`, admin), 204);
    const inactive = await api.ok<Row>('GET', `/deployments/${created.id}`, admin);
    expect(inactive).toMatchObject({ is_active: false, deactivated_at: inactive.updated_at });
    // Deactivating again changes nothing.
    expectStatus(await api.call('DELETE', `/deployments/${created.id}`, admin), 204);
    expect(await api.ok('GET', `/deployments/${created.id}`, admin)).toEqual(inactive);

    // Frozen while inactive; reactivation may change it in the same request.
    const frozen = await api.call('PUT', `/deployments/${created.id}`, admin, { version: '3' });
    expectStatus(frozen, 409, 'DEPLOYMENT_INACTIVE');
    const back = await api.ok<Row>('PUT', `/deployments/${created.id}`, admin, {
      is_active: true,
      version: '3',
    });
    expect(back).toMatchObject({ is_active: true, deactivated_at: null, version: '3' });

    const { rows } = await t.database.db.query<{ action: string }>(
      `select action from audit_log where entity_id = $1 order by at, id`,
      [created.id],
    );
    expect(rows.map((r) => r.action)).toEqual([
      'deployment.create',
      'deployment.update',
      'deployment.deactivate',
      'deployment.reactivate',
    ]);
  });

  it('refuses bad input with 422 naming the field', async () => {
    const bad = async (body: object, path: string) => {
      const res = await api.call('POST', '/deployments', admin, {
        customer_id: customer,
        product_name: 'X',
        ...body,
      });
      expectStatus(res, 422);
      expect(pathsOf(res.json<Problem>())).toContain(path);
    };
    await bad({ environment: 'mainframe' }, '/body/environment');
    await bad({ product_name: '   ' }, '/body/product_name');
    await bad({ product_name: 'x'.repeat(201) }, '/body/product_name');
    await bad({ product_name: 'Nul\u0000name' }, '/body/product_name');
    await bad({ customer_id: 'x'.repeat(5000) }, '/body/customer_id');
    await bad({ customer_id: crypto.randomUUID() }, '/body/customer_id');
    await bad({ licence_expiry: '2025-02-30' }, '/body/licence_expiry');
    await bad({ deployment_date: '2025-05-01', licence_expiry: '2025-04-30' }, '/body/licence_expiry');
    await bad({ colour: 'red' }, '/body/colour');
    const d = await createDeployment(t, admin, customer, { deployment_date: '2025-05-01' });
    const res = await api.call('PUT', `/deployments/${d.id}`, admin, { licence_expiry: '2025-04-01' });
    expectProblem(expectStatus(res, 422).json<Problem>(), 'VALIDATION_FAILED', '/body/licence_expiry');
    expectStatus(await api.call('PUT', `/deployments/${d.id}`, admin, {}), 422);
    // A 5,000-character path segment is refused before routing (414), a malformed id is 422.
    expectStatus(await api.call('GET', `/deployments/${'9'.repeat(5000)}`, admin), 414);
    expectStatus(await api.call('GET', '/deployments/not-a-uuid', admin), 422);
    expectStatus(await api.call('GET', `/deployments/${crypto.randomUUID()}`, admin), 404, 'NOT_FOUND');
    expectStatus(await api.call('GET', '/deployments?environment=moon', admin), 422);
    expectStatus(await api.call('GET', '/deployments?licence_expiry_before=2025-13-01', admin), 422);
    expectStatus(await api.call('GET', '/deployments?sort=-colour', admin), 422);
    expectStatus(await api.call('GET', '/deployments/expiring?days=366', admin), 422);
    expectStatus(await api.call('GET', '/deployments/expiring?days=-1', admin), 422);
    expectStatus(await api.call('GET', '/deployments/by-product/%20%20', admin), 422);
    expectStatus(await api.call('GET', '/deployments/by-product/a%00b', admin), 422);
    expectStatus(await api.call('GET', '/deployments?q=a%00b', admin), 422);
  });

  it('lets managers write and everyone read', async () => {
    const d = await createDeployment(t, admin, customer);
    for (const role of ['agent', 'viewer'] as const) {
      const auth = fx.users[role].auth;
      expectStatus(
        await api.call('POST', '/deployments', auth, { customer_id: customer, product_name: 'X' }),
        403,
        'FORBIDDEN',
      );
      expectStatus(await api.call('PUT', `/deployments/${d.id}`, auth, { version: '9' }), 403);
      expectStatus(await api.call('DELETE', `/deployments/${d.id}`, auth), 403);
    }
    for (const role of ['team_leader', 'national_manager'] as const)
      await api.ok('PUT', `/deployments/${d.id}`, fx.users[role].auth, { notes: role });
    // An area manager's scope (their org unit) does not cover this account manager.
    expectStatus(
      await api.call('PUT', `/deployments/${d.id}`, fx.users.area_manager.auth, { notes: 'x' }),
      404,
    );
    // The agent is the customer's account manager: they read its deployments.
    await api.ok('GET', `/deployments/${d.id}`, fx.users.agent.auth);
    await api.ok('GET', '/deployments/stats', fx.users.viewer.auth);
  });

  it('filters, searches, sorts and pages the list', async () => {
    const own = await ownedCustomer(t, fx, null, { name: 'Filter Corp' });
    const a = await createDeployment(t, admin, own, {
      product_name: 'GreenX',
      environment: 'hybrid',
      licence_type: 'trial',
      licence_expiry: '2026-03-01',
    });
    const b = await createDeployment(t, admin, own, { product_name: 'greenx', version: 'beta-7' });
    const c = await createDeployment(t, admin, own, { product_name: 'MonetX', licence_expiry: '2030-01-01' });
    await api.call('DELETE', `/deployments/${c.id}`, admin);
    const list = async (q: string) =>
      idsOf(await api.ok<Listed>('GET', `/deployments?customer_id=${own}&${q}`, admin), 'deployments');

    expect((await list('sort=created_at')).length).toBe(3);
    expect(await list('product_name=GREENX&sort=created_at')).toEqual([a.id, b.id]);
    expect(await list('environment=hybrid')).toEqual([a.id]);
    expect(await list('licence_type=trial')).toEqual([a.id]);
    expect(await list('is_active=false')).toEqual([c.id]);
    expect((await list('is_active=true')).sort()).toEqual([a.id, b.id].sort());
    expect(await list('licence_expiry_before=2027-01-01')).toEqual([a.id]);
    expect(await list('q=beta')).toEqual([b.id]);
    expect((await list('q=filter%20corp')).length).toBe(3);
    expect(await list('sort=-licence_expiry')).toEqual([c.id, a.id, b.id]);
    await walkTwoCursorPages(t, admin, `/deployments?customer_id=${own}&sort=product_name`, 'deployments');

    const byProduct = await api.ok<Listed>('GET', `/deployments/by-product/greenX?customer_id=${own}`, admin);
    expect((byProduct.deployments as Row[]).map((d) => d.id).sort()).toEqual([a.id, b.id].sort());
    expect(byProduct.total).toBe(2);
    const none = await api.ok<Listed>('GET', '/deployments/by-product/No%20Such%20Product', admin);
    expect(none).toMatchObject({ deployments: [], total: 0 });
  });

  it('counts deployments by product, environment and licence type', async () => {
    const own = await ownedCustomer(t, fx, null);
    await createDeployment(t, admin, own, { product_name: 'A', environment: 'cloud', licence_type: 'x' });
    await createDeployment(t, admin, own, { product_name: 'A', environment: 'hybrid' });
    const gone = await createDeployment(t, admin, own, { product_name: 'B', environment: 'cloud' });
    await api.call('DELETE', `/deployments/${gone.id}`, admin);
    const stats = await api.ok('GET', `/deployments/stats?customer_id=${own}`, admin);
    expect(stats).toEqual({
      total: 3,
      active: 2,
      inactive: 1,
      by_product: [
        { product_name: 'A', total: 2, active: 2 },
        { product_name: 'B', total: 1, active: 0 },
      ],
      by_environment: [
        { environment: 'cloud', total: 2, active: 1 },
        { environment: 'hybrid', total: 1, active: 1 },
      ],
      by_licence_type: [
        { licence_type: null, total: 2, active: 1 },
        { licence_type: 'x', total: 1, active: 1 },
      ],
    });
    const all = await api.ok<{ total: number }>('GET', '/deployments/stats', admin);
    expect(all.total).toBeGreaterThan(3);
  });

  it('lists active licences expiring within N days of the tenant’s today, with days left', async () => {
    const own = await ownedCustomer(t, fx, null);
    const mk = (days: number, body: object = {}) =>
      createDeployment(t, admin, own, { licence_expiry: dayIn('UTC', days), ...body });
    const expired = await mk(-3);
    const todayOne = await mk(0);
    const soon = await mk(10);
    const edge = await mk(30);
    await mk(31);
    const inactive = await mk(5);
    await api.call('DELETE', `/deployments/${inactive.id}`, admin);
    await createDeployment(t, admin, own);

    const page = await api.ok<Listed>('GET', `/deployments/expiring?customer_id=${own}`, admin);
    const items = page.deployments as Row[];
    expect(items.map((d) => d.id)).toEqual([todayOne.id, soon.id, edge.id]);
    expect(items.map((d) => [d.days_left, d.expired])).toEqual([
      [0, false],
      [10, false],
      [30, false],
    ]);
    expect(items[0]!.licence_expiry).toBe(today());

    const week = await api.ok<Listed>(
      'GET',
      `/deployments/expiring?customer_id=${own}&days=7&include_expired=true`,
      admin,
    );
    expect((week.deployments as Row[]).map((d) => [d.id, d.days_left, d.expired])).toEqual([
      [expired.id, -3, true],
      [todayOne.id, 0, false],
    ]);
    await walkTwoCursorPages(t, admin, `/deployments/expiring?customer_id=${own}&days=365`, 'deployments');
  });
});

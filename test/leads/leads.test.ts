import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../harness/app.js';
import { identityFixture, type FixtureUser, type IdentityFixture } from '../identity/fixtures.js';
import {
  client,
  createCampaign,
  createOutlet,
  createProduct,
  createSource,
  createTeam,
  expectStatus,
  extraUser,
  leadsApp,
  type Headers,
} from './helpers.js';

type Lead = {
  id: string;
  client_uuid: string;
  phone: string;
  agent_id: string;
  status: string;
  is_duplicate: boolean;
  duplicate_of: string | null;
  merged_at: string | null;
  captured_at: string;
  received_at: string;
  next_action_date: string | null;
};
type Problem = { code: string; errors: { path: string; message: string }[] };
type Batch = {
  created: number;
  existing: number;
  failed: number;
  results: {
    index: number;
    result: string;
    lead: Lead | null;
    error: (Problem & { status: number }) | null;
  }[];
};

let phoneSeq = 1_000_000;
/** A fresh valid Uzbek mobile number, written without the country code. */
const localPhone = () => `90${String(phoneSeq++).padStart(7, '0')}`;

describe('leads: capture, status, duplicates, merge, interactions, follow-ups', () => {
  let t: TestApp;
  let fx: IdentityFixture;
  let admin: Headers;
  let agent: FixtureUser;
  let peer: FixtureUser;
  let api: ReturnType<typeof client>;
  let campaign: string;

  const capture = (who: Headers, body: object = {}) =>
    api.call('POST', '/leads', who, {
      customer_name: 'Aziza',
      phone: localPhone(),
      campaign_id: campaign,
      ...body,
    });

  beforeAll(async () => {
    t = await leadsApp();
    fx = await identityFixture(t, 'leads');
    admin = fx.users.admin.auth;
    agent = fx.users.agent;
    api = client(t);
    await api.ok('PUT', `/tenants/${fx.tenantId}`, admin, {
      settings: { default_phone_region: 'UZ', lead_duplicate_window_days: 30 },
    });
    peer = await extraUser(t, fx, 'agent');
    await createTeam(t, fx, fx.users.team_leader.id, [agent.id]);
    campaign = await createCampaign(t, admin);
  });
  afterAll(() => t.close());

  it('captures a lead (201) with the phone in E.164 and the caller as agent; a retry answers 200 with it', async () => {
    const clientUuid = crypto.randomUUID();
    const [outlet, product, source] = [
      await createOutlet(t, admin),
      await createProduct(t, admin),
      await createSource(t, admin),
    ];
    const body = {
      client_uuid: clientUuid,
      customer_name: 'Aziza Karimova',
      phone: '90 123 45 67',
      outlet_id: outlet,
      product_id: product,
      source_id: source,
      campaign_id: await createCampaign(t, admin),
      captured_at: '2026-01-05T08:30:00.000Z',
      latitude: 41.3,
      longitude: 69.24,
      accuracy_m: 5,
    };
    const first = expectStatus(await api.call('POST', '/leads', agent.auth, body), 201).json<Lead>();
    expect(first).toMatchObject({
      phone: '+998901234567',
      agent_id: agent.id,
      status: 'new',
      client_uuid: clientUuid,
      is_duplicate: false,
      captured_at: '2026-01-05T08:30:00.000Z',
    });
    expect(first.received_at > first.captured_at).toBe(true);
    const again = expectStatus(await api.call('POST', '/leads', agent.auth, body), 200).json<Lead>();
    expect(again).toEqual(first);
    const history = await api.ok<{ history: { from_status: string | null; to_status: string }[] }>(
      'GET',
      `/leads/${first.id}/history`,
      agent.auth,
    );
    expect(history.history).toMatchObject([{ from_status: null, to_status: 'new' }]);
  });

  it('lands 10 concurrent repeats of one client_uuid on one row', async () => {
    const body = { client_uuid: crypto.randomUUID(), customer_name: 'Race', phone: localPhone() };
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => api.call('POST', '/leads', agent.auth, body)),
    );
    expect(answers.map((r) => r.statusCode).sort()).toEqual([
      200, 200, 200, 200, 200, 200, 200, 200, 200, 201,
    ]);
    expect(new Set(answers.map((r) => r.json<Lead>().id)).size).toBe(1);
    const listed = await api.ok<{ leads: Lead[] }>('GET', `/leads?q=Race&limit=500`, admin);
    expect(listed.leads.filter((l) => l.client_uuid === body.client_uuid)).toHaveLength(1);
  });

  it('answers bad input with problem documents naming the field, never a 500', async () => {
    const cases: [object, number, string][] = [
      [{ phone: 'not a phone' }, 422, '/body/phone'],
      [{ phone: '12' }, 422, '/body/phone'],
      [{ campaign_id: crypto.randomUUID() }, 422, '/body/campaign_id'],
      [{ source_id: crypto.randomUUID() }, 422, '/body/source_id'],
      [{ outlet_id: crypto.randomUUID() }, 422, '/body/outlet_id'],
      [{ product_id: crypto.randomUUID() }, 422, '/body/product_id'],
      [{ agent_id: peer.id }, 422, '/body/agent_id'],
      [{ customer_name: 'A\u0000B' }, 422, '/body/customer_name'],
      [{ client_uuid: 'x'.repeat(5000) }, 422, '/body/client_uuid'],
      [{ captured_at: '2999-01-01T00:00:00Z' }, 422, '/body/captured_at'],
      [{ latitude: 91 }, 422, '/body/latitude'],
      [{ status: 'converted' }, 422, '/body/status'],
    ];
    for (const [body, status, path] of cases) {
      const res = expectStatus(await capture(agent.auth, body), status);
      expect(
        res.json<Problem>().errors.map((e) => e.path),
        JSON.stringify(body),
      ).toContain(path);
    }
  });

  it('moves statuses along the permitted transitions with a history row each; others are 409', async () => {
    const lead = expectStatus(await capture(agent.auth), 201).json<Lead>();
    const move = (status: string, reason?: string) =>
      api.call('POST', `/leads/${lead.id}/status`, agent.auth, { status, reason });
    expectStatus(await move('contacted', 'called'), 200);
    expectStatus(await move('new'), 409, 'INVALID_STATUS_TRANSITION');
    expectStatus(await move('qualified'), 200);
    // Only a sale converts a lead: the status route refuses, from any status, and writes nothing.
    const refused = expectStatus(await move('converted'), 409, 'CONVERSION_REQUIRED');
    expect(refused.json<Problem & { detail: string }>().detail).toContain('POST /conversions');
    expect((await api.ok<Lead>('GET', `/leads/${lead.id}`, agent.auth)).status).toBe('qualified');
    expectStatus(await move('rejected'), 200);
    expectStatus(await move('converted'), 409, 'CONVERSION_REQUIRED');
    expectStatus(await move('expired'), 409, 'INVALID_STATUS_TRANSITION');
    const history = await api.ok<{
      history: { from_status: string | null; to_status: string; reason: string | null }[];
    }>('GET', `/leads/${lead.id}/history`, agent.auth);
    expect(history.history.map((h) => `${h.from_status}→${h.to_status}`)).toEqual([
      'null→new',
      'new→contacted',
      'contacted→qualified',
      'qualified→rejected',
    ]);
    expect(history.history[1]!.reason).toBe('called');
  });

  it('converts a lead by its sale: after POST /conversions the lead is converted and final', async () => {
    const lead = expectStatus(await capture(agent.auth), 201).json<Lead>();
    expectStatus(
      await api.call('POST', `/leads/${lead.id}/status`, agent.auth, { status: 'converted' }),
      409,
      'CONVERSION_REQUIRED',
    );
    await api.ok('POST', '/conversions', agent.auth, { lead_id: lead.id, amount: '10.00' }, 201);
    expect((await api.ok<Lead>('GET', `/leads/${lead.id}`, agent.auth)).status).toBe('converted');
    for (const status of ['qualified', 'rejected'])
      expectStatus(
        await api.call('POST', `/leads/${lead.id}/status`, agent.auth, { status }),
        409,
        'INVALID_STATUS_TRANSITION',
      );
  });

  it('flags the same phone in the same campaign within the window as a duplicate of its master, and merges it', async () => {
    const phone = localPhone();
    const master = expectStatus(await capture(agent.auth, { phone }), 201).json<Lead>();
    const dup = expectStatus(await capture(peer.auth, { phone: `+998${phone}` }), 201).json<Lead>();
    expect(dup).toMatchObject({ is_duplicate: true, duplicate_of: master.id });
    const elsewhere = expectStatus(
      await capture(agent.auth, { phone, campaign_id: await createCampaign(t, admin) }),
      201,
    ).json<Lead>();
    expect(elsewhere.is_duplicate).toBe(false);
    const later = expectStatus(
      await capture(agent.auth, { phone, captured_at: new Date(Date.now() - 40 * 86_400_000).toISOString() }),
      201,
    ).json<Lead>();
    expect(later.is_duplicate).toBe(false);
    const dups = await api.ok<{ leads: Lead[] }>(
      'GET',
      `/leads?duplicate=true&campaign=${campaign}&limit=500`,
      admin,
    );
    expect(dups.leads.map((l) => l.id)).toContain(dup.id);
    expect(dups.leads.map((l) => l.id)).not.toContain(master.id);

    await api.ok(
      'POST',
      `/leads/${dup.id}/interactions`,
      peer.auth,
      { type: 'call', outcome: 'no answer' },
      201,
    );
    expectStatus(await api.call('POST', `/leads/${dup.id}/merge`, agent.auth, {}), 403);
    const merged = await api.ok<Lead>('POST', `/leads/${dup.id}/merge`, admin, { reason: 'same customer' });
    expect(merged).toMatchObject({ duplicate_of: master.id, merged_at: expect.any(String) });
    expectStatus(await api.call('POST', `/leads/${dup.id}/merge`, admin, {}), 409, 'LEAD_ALREADY_MERGED');
    expectStatus(
      await api.call('POST', `/leads/${dup.id}/status`, admin, { status: 'contacted' }),
      409,
      'LEAD_MERGED',
    );
    const moved = await api.ok<{ interactions: { outcome: string }[] }>(
      'GET',
      `/leads/${master.id}/interactions`,
      admin,
    );
    expect(moved.interactions.map((i) => i.outcome)).toEqual(['no answer']);
    const history = await api.ok<{ history: unknown[] }>('GET', `/leads/${master.id}/history`, admin);
    expect(history.history).toHaveLength(2);
    const notDup = await api.call('POST', `/leads/${master.id}/merge`, admin, {});
    expectStatus(notDup, 422);
    expect(notDup.json<Problem>().errors[0]!.path).toBe('/body/master_id');
  });

  it('records interactions and lists due and overdue follow-ups in scope', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const due = expectStatus(await capture(agent.auth), 201).json<Lead>();
    const overdue = expectStatus(await capture(agent.auth), 201).json<Lead>();
    const later = expectStatus(await capture(agent.auth), 201).json<Lead>();
    const peers = expectStatus(await capture(peer.auth), 201).json<Lead>();
    const next = (id: string, who: Headers, date: string) =>
      api.ok('POST', `/leads/${id}/interactions`, who, { type: 'visit', next_action_date: date }, 201);
    await next(due.id, agent.auth, today);
    await next(overdue.id, agent.auth, yesterday);
    await next(later.id, agent.auth, '2099-01-01');
    await next(peers.id, peer.auth, yesterday);
    type F = { leads: (Lead & { overdue: boolean })[] };
    const mine = await api.ok<F>('GET', `/leads/follow-ups?on=${today}&limit=500`, agent.auth);
    const byId = new Map(mine.leads.map((l) => [l.id, l.overdue]));
    expect(byId.get(due.id)).toBe(false);
    expect(byId.get(overdue.id)).toBe(true);
    expect(byId.has(later.id)).toBe(false);
    expect(byId.has(peers.id)).toBe(false);
    const all = await api.ok<F>('GET', `/leads/follow-ups?on=${today}&limit=500`, admin);
    expect(all.leads.map((l) => l.id)).toContain(peers.id);
    expectStatus(await api.call('POST', `/leads/${due.id}/interactions`, agent.auth, { type: 'fax' }), 422);
  });

  it('limits lists and reads to the data scope; viewers read, never write', async () => {
    const own = expectStatus(await capture(agent.auth), 201).json<Lead>();
    const other = expectStatus(await capture(peer.auth), 201).json<Lead>();
    const ids = async (who: Headers) =>
      (await api.ok<{ leads: Lead[] }>('GET', '/leads?limit=500', who)).leads.map((l) => l.id);
    expect(await ids(agent.auth)).toContain(own.id);
    expect(await ids(agent.auth)).not.toContain(other.id);
    expect(await ids(fx.users.team_leader.auth)).toContain(own.id);
    expect(await ids(fx.users.team_leader.auth)).not.toContain(other.id);
    expect(await ids(admin)).toEqual(expect.arrayContaining([own.id, other.id]));
    expect(await ids(fx.users.viewer.auth)).toEqual(expect.arrayContaining([own.id, other.id]));
    expectStatus(await api.call('GET', `/leads/${other.id}`, agent.auth), 404);
    expectStatus(
      await api.call('POST', `/leads/${other.id}/status`, agent.auth, { status: 'contacted' }),
      404,
    );
    expectStatus(await capture(fx.users.viewer.auth), 403);
    // A team leader captures for a member of the team, not for someone outside it.
    expectStatus(await capture(fx.users.team_leader.auth, { agent_id: agent.id }), 201);
    expectStatus(await capture(fx.users.team_leader.auth, { agent_id: peer.id }), 422);
    // Another agent's client_uuid is not a retry of theirs.
    const taken = await api.call('POST', '/leads', agent.auth, {
      client_uuid: other.client_uuid,
      customer_name: 'x',
      phone: localPhone(),
    });
    expectStatus(taken, 409, 'CLIENT_UUID_IN_USE');
  });

  it('filters by status, agent, date range and searches by name or phone; pages by cursor', async () => {
    const lead = expectStatus(
      await capture(agent.auth, { customer_name: 'Zebuniso Unique', captured_at: '2025-03-10T10:00:00Z' }),
      201,
    ).json<Lead>();
    const find = async (query: string) =>
      (await api.ok<{ leads: Lead[] }>('GET', `/leads?${query}&limit=500`, admin)).leads.map((l) => l.id);
    expect(await find('q=zebuniso')).toEqual([lead.id]);
    expect(await find(`q=${lead.phone.slice(-7)}`)).toContain(lead.id);
    expect(await find('date_from=2025-03-10&date_to=2025-03-10')).toEqual([lead.id]);
    expect(await find(`agent=${peer.id}`)).not.toContain(lead.id);
    expect(await find('status=new')).toContain(lead.id);
    const first = await api.ok<{ leads: Lead[]; next_cursor: string }>('GET', '/leads?limit=2', admin);
    const second = await api.ok<{ leads: Lead[] }>(
      'GET',
      `/leads?limit=2&cursor=${first.next_cursor}`,
      admin,
    );
    expect(second.leads.map((l) => l.id)).not.toContain(first.leads[0]!.id);
    expectStatus(await api.call('GET', '/leads?cursor=garbage', admin), 422, 'INVALID_CURSOR');
    expectStatus(await api.call('GET', '/leads?search=x', admin), 422);
  });

  it('captures a batch item by item: bad items fail alone, retries are existing, never duplicated', async () => {
    const good = { client_uuid: crypto.randomUUID(), customer_name: 'Batch one', phone: localPhone() };
    const body = {
      leads: [
        good,
        { client_uuid: crypto.randomUUID(), customer_name: 'Bad phone', phone: 'abc' },
        {
          client_uuid: crypto.randomUUID(),
          customer_name: 'No campaign',
          phone: localPhone(),
          campaign_id: crypto.randomUUID(),
        },
        { customer_name: 'Missing phone' },
        { client_uuid: crypto.randomUUID(), customer_name: 'Batch two', phone: localPhone(), extra: 1 },
      ],
    };
    const first = await api.ok<Batch>('POST', '/leads/batch', agent.auth, body);
    expect(first).toMatchObject({ created: 1, existing: 0, failed: 4 });
    expect(first.results.map((r) => r.result)).toEqual(['created', 'failed', 'failed', 'failed', 'failed']);
    expect(first.results[1]!.error).toMatchObject({ status: 422, code: 'VALIDATION_FAILED' });
    expect(first.results[1]!.error!.errors[0]!.path).toBe('/body/leads/1/phone');
    expect(first.results[2]!.error!.errors[0]!.path).toBe('/body/leads/2/campaign_id');
    expect(first.results[3]!.error!.errors[0]!.path).toBe('/body/leads/3/phone');
    expect(first.results[4]!.error!.errors[0]!.path).toBe('/body/leads/4/extra');
    const retry = await api.ok<Batch>('POST', '/leads/batch', agent.auth, { leads: [good, good] });
    expect(retry).toMatchObject({ created: 0, existing: 2, failed: 0 });
    expect(retry.results[0]!.lead!.id).toBe(first.results[0]!.lead!.id);
    const tooMany = { leads: Array.from({ length: 501 }, () => good) };
    expectStatus(await api.call('POST', '/leads/batch', agent.auth, tooMany), 422);
    expectStatus(await api.call('POST', '/leads/batch', fx.users.viewer.auth, { leads: [good] }), 403);
  });

  it('audits captures, status changes, merges and interactions', async () => {
    const lead = expectStatus(await capture(agent.auth), 201).json<Lead>();
    await api.ok('POST', `/leads/${lead.id}/status`, agent.auth, { status: 'contacted' });
    await api.ok('POST', `/leads/${lead.id}/interactions`, agent.auth, { type: 'message' }, 201);
    await api.ok('PUT', `/leads/${lead.id}`, agent.auth, { customer_name: 'Renamed' });
    const audit = await api.ok<{ audit: { action: string }[] }>('GET', `/audit?entity_id=${lead.id}`, admin);
    expect(audit.audit.map((a) => a.action).sort()).toEqual(
      ['lead.create', 'lead.interaction', 'lead.status', 'lead.update'].sort(),
    );
  });
});

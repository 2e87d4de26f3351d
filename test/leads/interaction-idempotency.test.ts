import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../harness/app.js';
import { identityFixture, type IdentityFixture } from '../identity/fixtures.js';
import { client, createCampaign, expectStatus, extraUser, leadsApp, type Headers } from './helpers.js';

type Interaction = { id: string; client_uuid: string | null; lead_id: string; type: string };

describe('lead interactions: idempotent by client_uuid', () => {
  let t: TestApp;
  let fx: IdentityFixture;
  let other: IdentityFixture;
  let admin: Headers;
  let agent: Headers;
  let api: ReturnType<typeof client>;
  let campaign: string;
  let phone = 901_500_000;

  const lead = async (who: Headers) =>
    (
      await api.ok(
        'POST',
        '/leads',
        who,
        { customer_name: 'Dilnoza', phone: `+998${phone++}`, campaign_id: campaign },
        201,
      )
    ).id;
  const interactionsOf = async (id: string, who: Headers) =>
    (await api.ok<{ interactions: Interaction[] }>('GET', `/leads/${id}/interactions`, who)).interactions;

  beforeAll(async () => {
    t = await leadsApp();
    api = client(t);
    fx = await identityFixture(t, 'ixn');
    other = await identityFixture(t, 'ixn-other');
    admin = fx.users.admin.auth;
    agent = fx.users.agent.auth;
    campaign = await createCampaign(t, admin);
  });
  afterAll(() => t.close());

  it('answers 201 first, then 200 with the stored interaction for the same client_uuid', async () => {
    const id = await lead(agent);
    const body = { client_uuid: crypto.randomUUID(), type: 'call', outcome: 'answered' };
    const first = expectStatus(await api.call('POST', `/leads/${id}/interactions`, agent, body), 201);
    const created = first.json<Interaction>();
    expect(created).toMatchObject({ client_uuid: body.client_uuid, lead_id: id, type: 'call' });
    const again = expectStatus(
      await api.call('POST', `/leads/${id}/interactions`, agent, { ...body, outcome: 'changed' }),
      200,
    );
    expect(again.json()).toEqual(created);
    expect(await interactionsOf(id, agent)).toHaveLength(1);
    // Without client_uuid every post is a new interaction.
    await api.ok('POST', `/leads/${id}/interactions`, agent, { type: 'message' }, 201);
    await api.ok('POST', `/leads/${id}/interactions`, agent, { type: 'message' }, 201);
    expect(await interactionsOf(id, agent)).toHaveLength(3);
  });

  it('lands 10 concurrent repeats on one row', async () => {
    const id = await lead(agent);
    const body = { client_uuid: crypto.randomUUID(), type: 'visit', next_action_date: '2030-01-02' };
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => api.call('POST', `/leads/${id}/interactions`, agent, body)),
    );
    const statuses = answers.map((a) => a.statusCode).sort();
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
    expect(new Set(answers.map((a) => a.json<Interaction>().id)).size).toBe(1);
    expect(await interactionsOf(id, agent)).toHaveLength(1);
  });

  it('refuses a client_uuid stored for another lead (409) and a malformed one (422)', async () => {
    const [a, b] = [await lead(agent), await lead(agent)];
    const uuid = crypto.randomUUID();
    await api.ok('POST', `/leads/${a}/interactions`, agent, { client_uuid: uuid, type: 'call' }, 201);
    expectStatus(
      await api.call('POST', `/leads/${b}/interactions`, agent, { client_uuid: uuid, type: 'call' }),
      409,
      'CLIENT_UUID_IN_USE',
    );
    const bad = expectStatus(
      await api.call('POST', `/leads/${b}/interactions`, agent, { client_uuid: 'nope', type: 'call' }),
      422,
    );
    expect(bad.json<{ errors: { path: string }[] }>().errors.map((e) => e.path)).toContain(
      '/body/client_uuid',
    );
  });

  it('keeps scope and tenants apart: a peer gets 404, another tenant may reuse the uuid', async () => {
    const id = await lead(agent);
    const uuid = crypto.randomUUID();
    const peer = await extraUser(t, fx, 'agent');
    expectStatus(
      await api.call('POST', `/leads/${id}/interactions`, peer.auth, { client_uuid: uuid, type: 'call' }),
      404,
    );
    expectStatus(
      await api.call('POST', `/leads/${id}/interactions`, fx.users.viewer.auth, { type: 'call' }),
      403,
    );
    await api.ok('POST', `/leads/${id}/interactions`, agent, { client_uuid: uuid, type: 'call' }, 201);
    const otherCampaign = await createCampaign(t, other.users.admin.auth);
    const theirs = (
      await api.ok(
        'POST',
        '/leads',
        other.users.agent.auth,
        { customer_name: 'Other', phone: `+998${phone++}`, campaign_id: otherCampaign },
        201,
      )
    ).id;
    expectStatus(
      await api.call('POST', `/leads/${id}/interactions`, other.users.agent.auth, {
        client_uuid: uuid,
        type: 'call',
      }),
      404,
    );
    const there = await api.ok<Interaction>(
      'POST',
      `/leads/${theirs}/interactions`,
      other.users.agent.auth,
      { client_uuid: uuid, type: 'call' },
      201,
    );
    expect(there.lead_id).toBe(theirs);
  });
});

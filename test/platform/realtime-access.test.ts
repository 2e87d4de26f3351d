import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identityModule } from '../../src/modules/identity/index.js';
import type { SalesOpsModule } from '../../src/platform/module.js';
import { createTestApp, type TestApp } from '../harness/app.js';
import { driverUnderTest } from '../harness/database.js';
import { connect, isData, type SseClient } from '../harness/sse.js';
import { FIXTURE_PASSWORD, identityFixture, login, type IdentityFixture } from '../identity/fixtures.js';

/**
 * A module declaring the topics the way every module does: `probe.visits` is about records an agent
 * owns (owner scope, needs `probe:read`, which the viewer role lacks); `probe.done` is open to every
 * signed-in user and marks the end of a test's events.
 */
const probeModule: SalesOpsModule = {
  name: 'probe',
  permissions: [
    {
      name: 'probe:read',
      description: 'Read probe records',
      roles: ['agent', 'team_leader', 'area_manager', 'admin'],
    },
  ],
  realtimeTopics: [
    {
      topic: 'probe.visits',
      permission: 'probe:read',
      scope: 'owner',
      description: 'A visit an agent owns changed',
    },
    { topic: 'probe.done', permission: 'authenticated', description: 'End of a test sequence' },
  ],
};

describe(`realtime topic permissions and data scope over SSE (${driverUnderTest})`, () => {
  let t: TestApp;
  let acme: IdentityFixture;
  let other: IdentityFixture;
  let baseUrl: string;
  let peer: { id: string; token: string };

  const publishVisit = (ownerId: string, n: number) =>
    t.app.platform.realtime.publish({ tenantId: acme.tenantId, topic: 'probe.visits', ownerId, data: { n } });
  const finish = (tenantId: string, n: string) =>
    t.app.platform.realtime.publish({ tenantId, topic: 'probe.done', data: { n } });
  const visitsOf = (client: SseClient) =>
    client
      .events()
      .filter((e) => e.event === 'probe.visits')
      .map((e) => e.data);

  beforeAll(async () => {
    t = await createTestApp({ deps: { modules: [identityModule, probeModule] } });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    acme = await identityFixture(t, 'acme');
    other = await identityFixture(t, 'other');
    const admin = acme.users.admin.auth;
    const email = `peer.agent.${Date.now().toString(36)}@acme.test`;
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: admin,
      payload: {
        email,
        password: FIXTURE_PASSWORD,
        first_name: 'Peer',
        last_name: 'Agent',
        roles: ['agent'],
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    peer = { id: created.json<{ id: string }>().id, token: (await login(t, email, FIXTURE_PASSWORD)).token };
    // The team leader leads both agents.
    const team = await t.app.inject({
      method: 'POST',
      url: '/api/v1/teams',
      headers: admin,
      payload: {
        name: 'North',
        leader_id: acme.users.team_leader.id,
        member_ids: [acme.users.agent.id, peer.id],
      },
    });
    expect(team.statusCode, team.body).toBe(201);
  });
  afterAll(() => t?.close());

  it('delivers an owned record’s event only to subscribers whose data scope covers its owner', async () => {
    const agent = await connect(baseUrl, acme.users.agent.token);
    const peerClient = await connect(baseUrl, peer.token);
    const leader = await connect(baseUrl, acme.users.team_leader.token);
    const areaManager = await connect(baseUrl, acme.users.area_manager.token); // no org unit: own only
    const admin = await connect(baseUrl, acme.users.admin.token); // tenant scope
    const foreignAdmin = await connect(baseUrl, other.users.admin.token);
    const clients = [agent, peerClient, leader, areaManager, admin, foreignAdmin];
    try {
      await publishVisit(peer.id, 1);
      await publishVisit(acme.users.agent.id, 2);
      await finish(acme.tenantId, 'end');
      await finish(other.tenantId, 'end');
      await Promise.all(clients.map((c) => c.waitFor(isData({ n: 'end' }), 'the end marker')));

      expect(visitsOf(peerClient)).toEqual([{ n: 1 }]);
      expect(visitsOf(agent)).toEqual([{ n: 2 }]); // not the peer's
      expect(visitsOf(leader)).toEqual([{ n: 1 }, { n: 2 }]);
      expect(visitsOf(areaManager)).toEqual([]);
      expect(visitsOf(admin)).toEqual([{ n: 1 }, { n: 2 }]);
      expect(visitsOf(foreignAdmin)).toEqual([]);
    } finally {
      for (const client of clients) client.close();
    }
  });

  it('gives a subscriber without the topic’s permission nothing on it, and 403 when it asks by name', async () => {
    const viewer = await connect(baseUrl, acme.users.viewer.token); // tenant scope, but no probe:read
    try {
      await publishVisit(acme.users.agent.id, 3);
      await finish(acme.tenantId, 'viewer end');
      await viewer.waitFor(isData({ n: 'viewer end' }), 'the end marker');
      expect(visitsOf(viewer)).toEqual([]);
    } finally {
      viewer.close();
    }
    const asked = await t.app.inject({
      url: '/api/v1/events?topics=probe.done,probe.visits',
      headers: acme.users.viewer.auth,
    });
    expect(asked.statusCode).toBe(403);
    expect(asked.json()).toMatchObject({
      code: 'TOPIC_FORBIDDEN',
      detail: expect.stringContaining('probe.visits'),
    });
  });

  it('refuses an owner-scoped event without an owner and an undeclared topic, at publish time', async () => {
    await expect(
      t.app.platform.realtime.publish({ tenantId: acme.tenantId, topic: 'probe.visits', data: { n: 4 } }),
    ).rejects.toThrow(/owner-scoped; set ownerId/);
    await expect(
      t.app.platform.realtime.publish({ tenantId: acme.tenantId, topic: 'probe.unknown', data: null }),
    ).rejects.toThrow(/"probe.unknown" is not declared/);
  });

  it('declares the platform’s own topics (bulk imports) for their subscribers', () => {
    expect(t.app.platform.realtime.topics().get('imports')).toMatchObject({ permission: 'authenticated' });
  });
});

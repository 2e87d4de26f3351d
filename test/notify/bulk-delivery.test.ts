import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RaisedAlert } from '../../src/platform/alerts/types.js';
import type { SalesOpsModule } from '../../src/platform/module.js';
import { createTestApp, type TestApp } from '../harness/app.js';
import { identityFixture, type FixtureUser, type IdentityFixture } from '../identity/fixtures.js';
import { client, createTeam, expectStatus, extraUser, type Headers } from '../field/helpers.js';
import { NOTIFY_MODULES, type JobRun } from './helpers.js';

/** What the probe check reports on its next run (the test sets it). */
let pending: RaisedAlert[] = [];
const probeModule: SalesOpsModule = {
  name: 'probe',
  alertChecks: [
    { name: 'probe.bulk', type: 'bulk_probe', displayName: 'Bulk probe', run: async () => pending },
  ],
};

type Inbox = { notifications: { alert_id: string | null; title: string }[]; total: number };

describe('notify: alerts raised in bulk reach exactly the people each concerns', { timeout: 240_000 }, () => {
  let t: TestApp;
  let fx: IdentityFixture;
  let admin: Headers;
  let peer: FixtureUser;
  let api: ReturnType<typeof client>;

  beforeAll(async () => {
    t = await createTestApp({
      config: { workers: true },
      deps: { modules: [...NOTIFY_MODULES, probeModule], jobOptions: { pollingIntervalSeconds: 0.5 } },
    });
    fx = await identityFixture(t, 'bulk');
    admin = fx.users.admin.auth;
    api = client(t);
    peer = await extraUser(t, fx, 'agent');
    await createTeam(t, fx, fx.users.team_leader.id, [fx.users.agent.id]);
  }, 300_000);
  afterAll(() => t.close());

  async function runChecks() {
    const run = expectStatus(await api.call('POST', '/alerts/run-checks', admin), 202).json<JobRun>();
    for (let i = 0; i < 200; i++) {
      const done = await api.ok<JobRun>('GET', `/alerts/run-checks/${run.id}`, admin);
      if (!['queued', 'running'].includes(done.status)) return done;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error('the checks did not finish');
  }
  const inbox = async (auth: Headers) =>
    await api.ok<Inbox>('GET', '/notifications?limit=500&include_total=true', auth);

  it('delivers 1,205 alerts of one check run by owner, preference and dedup key', async () => {
    // The team leader wants high probe alerts by e-mail only.
    await api.ok('PUT', '/notifications/preferences', fx.users.team_leader.auth, {
      rules: [{ alert_type: 'bulk_probe', severity: 'high', in_app: false, email: 'immediate' }],
    });
    const owners = [fx.users.agent.id, peer.id, null];
    const alert = (n: number): RaisedAlert => ({
      severity: n % 5 === 0 ? 'high' : 'low',
      title: `Probe ${n}`,
      entityType: 'probe',
      entityId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
      ownerId: owners[n % 3],
    });
    const all = Array.from({ length: 1_205 }, (_, n) => alert(n));
    pending = [...all, alert(0), alert(1_204)]; // two repeats inside the same run
    const leaderMail = () => t.app.platform.mailer.outbox({ to: fx.users.team_leader.email, limit: 500 });
    const mailsBefore = (await leaderMail()).length;
    expect(await runChecks()).toMatchObject({ status: 'succeeded', error: null });

    const mine = all.filter((_, n) => n % 3 === 0);
    const peers = all.filter((_, n) => n % 3 === 1);
    const agentInbox = await inbox(fx.users.agent.auth);
    expect(agentInbox.total).toBe(mine.length);
    expect((await inbox(peer.auth)).total).toBe(peers.length);
    // The leader of the agent's team: the agent's low alerts in the inbox, the high ones by mail.
    const highOfAgent = mine.filter((a) => a.severity === 'high').length;
    expect((await inbox(fx.users.team_leader.auth)).total).toBe(mine.length - highOfAgent);
    const mails = await leaderMail();
    expect(mails.length - mailsBefore).toBe(highOfAgent);
    expect(mails.every((m) => m.subject.startsWith('[high] Probe '))).toBe(true);
    // Tenant-wide roles see every alert, ownerless ones included.
    expect((await inbox(fx.users.national_manager.auth)).total).toBe(all.length);
    const alerts = await api.ok<{ total: number }>(
      'GET',
      '/alerts?type=bulk_probe&limit=1&include_total=true',
      admin,
    );
    expect(alerts.total).toBe(all.length);

    // The next run finds the same things: nothing new is raised or delivered.
    expect(await runChecks()).toMatchObject({ status: 'succeeded', error: null });
    expect((await inbox(fx.users.agent.auth)).total).toBe(mine.length);
    expect(
      (await api.ok<{ total: number }>('GET', '/alerts?type=bulk_probe&limit=1&include_total=true', admin))
        .total,
    ).toBe(all.length);
  });
});

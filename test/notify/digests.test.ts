import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendDigests } from '../../src/modules/notify/index.js';
import { digestDue } from '../../src/modules/notify/notifications/digest.js';
import type { TestApp } from '../harness/app.js';
import { driverUnderTest } from '../harness/database.js';
import { untilWaitingForLock } from '../harness/locks.js';
import { identityFixture, type IdentityFixture } from '../identity/fixtures.js';
import { client, extraUser, type Headers } from '../field/helpers.js';
import { notifyApp } from './helpers.js';

describe('notifications: the digest hour on days the clocks change', () => {
  const berlin = 'Europe/Berlin';
  const due = (iso: string, hour: number) => digestDue(new Date(iso), berlin, hour);
  it('sends at the hour, once, and at the first pass after an hour the clocks skip', () => {
    // An ordinary day: 08:00 in Berlin (CET) is 07:00 UTC; the passes before and after send nothing.
    expect([
      due('2027-01-10T06:00:00Z', 8),
      due('2027-01-10T07:00:00Z', 8),
      due('2027-01-10T08:00:00Z', 8),
    ]).toEqual([false, true, false]);
    // Midnight belongs to the new day.
    expect(due('2027-01-09T23:00:00Z', 0)).toBe(true);
    // 28 March 2027: 02:00 becomes 03:00. A 02:00 digest goes out at 03:00 CEST (01:00 UTC).
    expect([
      due('2027-03-28T00:00:00Z', 2),
      due('2027-03-28T01:00:00Z', 2),
      due('2027-03-28T02:00:00Z', 2),
    ]).toEqual([false, true, false]);
    // 31 October 2027: 03:00 CEST becomes 02:00 CET, so 02:00 comes twice; only the first sends.
    expect([due('2027-10-31T00:00:00Z', 2), due('2027-10-31T01:00:00Z', 2)]).toEqual([true, false]);
  });
});

/** The daily alert digest: mailed once however many runs overlap, and only while the user wants it. */
describe('notifications: e-mail digests', () => {
  let t: TestApp;
  let fx: IdentityFixture;
  let admin: Headers;
  let api: ReturnType<typeof client>;
  const day = new Date().toISOString().slice(0, 10);
  const at = (hour: number) => new Date(`${day}T${String(hour).padStart(2, '0')}:00:00Z`);

  beforeAll(async () => {
    t = await notifyApp();
    fx = await identityFixture(t, 'digests');
    admin = fx.users.admin.auth;
    api = client(t);
  });
  afterAll(() => t.close());

  /** A new agent whose alerts are e-mailed by `email` (digest at 06:00 UTC), with one alert raised. */
  async function agentWithAlert(email: 'digest' | 'off' | 'immediate', title: string) {
    const agent = await extraUser(t, fx, 'agent');
    await api.ok('PUT', '/notifications/preferences', agent.auth, {
      time_zone: 'UTC',
      digest_hour: 6,
      rules: [{ alert_type: '*', severity: '*', in_app: true, email }],
    });
    await raise(agent.id, title);
    return agent;
  }
  const raise = (ownerId: string, title: string) =>
    api.ok(
      'POST',
      '/alerts',
      admin,
      {
        type: 'stock_low',
        severity: 'low',
        title,
        entity_type: 'user',
        entity_id: ownerId,
        owner_id: ownerId,
      },
      201,
    );
  const digestsTo = async (email: string) =>
    (await t.app.platform.mailer.outbox()).filter(
      (m) => m.to.includes(email) && m.subject.includes('digest'),
    );

  it('lists the waiting alerts in one digest, oldest first, and mails them once', async () => {
    const agent = await agentWithAlert('digest', 'Older');
    await raise(agent.id, 'Newer');
    expect(await sendDigests(t.app.platform, at(5))).toBe(0);
    expect(await sendDigests(t.app.platform, at(6))).toBeGreaterThanOrEqual(1);
    await sendDigests(t.app.platform, at(6));
    const mails = await digestsTo(agent.email);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toBe('Your alerts digest: 2 alerts');
    expect(mails[0]!.text).toMatch(/Older[\s\S]*Newer/);
  });

  it.skipIf(driverUnderTest !== 'postgres')(
    'mails one digest when two runs reach the same waiting alerts at once',
    async () => {
      const agent = await agentWithAlert('digest', 'Held while both runs wait');
      // The agent's waiting rows are held until both runs wait for them; then both go on.
      const runs = await t.app.platform.db.withTenant({ tenantId: fx.tenantId }, async (tx) => {
        await tx.sql.query('select id from notifications where user_id = $1 for update', [agent.id]);
        const started = Promise.all([sendDigests(t.app.platform, at(6)), sendDigests(t.app.platform, at(6))]);
        await untilWaitingForLock(t, 2);
        return { started };
      });
      await runs.started;
      expect(await digestsTo(agent.email)).toHaveLength(1);
    },
  );

  it('stops the digest of alerts already waiting once e-mail is turned off', async () => {
    const agent = await agentWithAlert('digest', 'Waiting, then unwanted');
    await api.ok('PUT', '/notifications/preferences', agent.auth, {
      rules: [{ alert_type: '*', severity: '*', in_app: true, email: 'off' }],
    });
    await sendDigests(t.app.platform, at(6));
    expect(await digestsTo(agent.email)).toHaveLength(0);
    // Still in the inbox.
    const inbox = await api.ok<{ notifications: { title: string }[] }>('GET', '/notifications', agent.auth);
    expect(inbox.notifications.map((n) => n.title)).toContain('Waiting, then unwanted');
  });

  it('keeps a waiting alert in the digest when its rule turns to immediate, and mails it once', async () => {
    const agent = await agentWithAlert('digest', 'Waiting, then immediate');
    await api.ok('PUT', '/notifications/preferences', agent.auth, {
      rules: [{ alert_type: '*', severity: '*', in_app: true, email: 'immediate' }],
    });
    await sendDigests(t.app.platform, at(6));
    const mails = await digestsTo(agent.email);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.text).toContain('Waiting, then immediate');
  });

  it('replaces rules sent at once one after the other: each answers, one set stays whole', async () => {
    const user = await extraUser(t, fx, 'agent');
    const bodies = ['off', 'digest', 'immediate'].map((email) => ({
      rules: [
        { alert_type: '*', severity: '*', in_app: true, email },
        { alert_type: 'stock_low', severity: 'low', in_app: false, email },
      ],
    }));
    const answers = await Promise.all(
      bodies.map((b) => api.call('PUT', '/notifications/preferences', user.auth, b)),
    );
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200]);
    const { rules } = await api.ok<{ rules: { email: string }[] }>(
      'GET',
      '/notifications/preferences',
      user.auth,
    );
    expect(rules).toHaveLength(2);
    expect(new Set(rules.map((r) => r.email)).size).toBe(1);
  });
});

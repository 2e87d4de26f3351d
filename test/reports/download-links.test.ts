import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOWNLOAD_TOKEN_PURPOSE } from '../../src/modules/reports/delivery.js';
import { runDueSchedules } from '../../src/modules/reports/index.js';
import { reportDeps } from '../../src/modules/reports/jobs.js';
import type { TestApp } from '../harness/app.js';
import { identityFixture, type IdentityFixture } from '../identity/fixtures.js';
import { startSmtp } from '../identity/smtp.js';
import { client, createOutlet, extraUser, type Headers } from '../field/helpers.js';
import { completedVisit, reportsApp, type Run } from './helpers.js';

type Schedule = { id: string; next_run_at: string };

/** A file larger than the (tiny) attachment limit is mailed as a signed, expiring link. */
describe('reports: signed download links and missed schedules', () => {
  let t: TestApp;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let fx: IdentityFixture;
  let other: IdentityFixture;
  let admin: Headers;
  let api: ReturnType<typeof client>;

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await reportsApp(smtp.port, { reportAttachmentMaxBytes: 1 });
    api = client(t);
    fx = await identityFixture(t, 'links');
    other = await identityFixture(t, 'linksrival');
    admin = fx.users.admin.auth;
    const outlet = await createOutlet(t, admin);
    await completedVisit(t, fx.users.agent.auth, outlet, new Date().toISOString().slice(0, 10));
  }, 120_000);
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  const schedule = (auth: Headers, name: string, email: string) =>
    api.ok<Schedule>(
      'POST',
      '/reports/scheduled',
      auth,
      {
        name,
        report_type: 'field.visit_summary',
        format: 'pdf',
        frequency: 'daily',
        hour: 8,
        recipients: { emails: [email] },
      },
      201,
    );
  const dueSince = (id: string, interval: string) =>
    t.database.db.withSystem((tx) =>
      tx.sql.query(`update report_schedules set next_run_at = now() - $2::interval where id = $1`, [
        id,
        interval,
      ]),
    );
  const fetchLink = (token: string) =>
    t.app.inject({ method: 'GET', url: `/api/v1/reports/download?token=${encodeURIComponent(token)}` });
  const linkIn = (text: string) => {
    const link = /https:\/\/app\.example\.test\/api\/v1\/reports\/download\?token=([\w.-]+)/.exec(text);
    expect(link, text).not.toBeNull();
    return link![1]!;
  };
  const historyOf = async (auth: Headers, scheduleId: string) =>
    (await api.ok<{ reports: Run[] }>('GET', `/reports/history?schedule_id=${scheduleId}`, auth)).reports;

  let token: string;
  let runId: string;

  it('mails a file over the attachment limit as a link that downloads without signing in', async () => {
    const s = await schedule(admin, 'Large report', 'far@outside.example.com');
    await dueSince(s.id, '1 minute');
    expect((await api.ok<{ generated: number }>('POST', '/reports/run-scheduled', admin)).generated).toBe(1);
    const [run] = await historyOf(admin, s.id);
    expect(run).toMatchObject({ status: 'completed', delivery: 'link' });
    runId = run!.id;

    const [mail] = await smtp.waitFor('far@outside.example.com', 1);
    expect(mail!.text).not.toMatch(/Content-Disposition: attachment/i);
    expect(mail!.text).toContain('The link works until');
    token = linkIn(mail!.text);

    const res = await fetchLink(token);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toContain('application/pdf');
    expect(res.headers['content-disposition']).toMatch(/attachment; filename\*=UTF-8''\S+\.pdf/);
    expect(res.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    // The same file as the signed-in download.
    const signedIn = await t.app.inject({
      method: 'GET',
      url: `/api/v1/reports/history/${runId}/download`,
      headers: admin,
    });
    expect(signedIn.rawPayload.equals(res.rawPayload)).toBe(true);
  });

  it('answers a problem document for a missing, tampered, expired or foreign token', async () => {
    const problem = (res: { statusCode: number; body: string; headers: Record<string, unknown> }) => {
      expect(res.headers['content-type']).toContain('application/problem+json');
      return JSON.parse(res.body) as { status: number; code: string; detail: string };
    };
    const missing = await t.app.inject({ method: 'GET', url: '/api/v1/reports/download' });
    expect(missing.statusCode).toBe(401);
    expect(problem(missing).code).toBe('INVALID_DOWNLOAD_LINK');

    // One character changed anywhere (here in the ciphertext) breaks the seal.
    const parts = token.split('.');
    const flip = (s: string) => (s[0] === 'A' ? 'B' : 'A') + s.slice(1);
    parts[3] = flip(parts[3]!);
    const tampered = await fetchLink(parts.join('.'));
    expect(tampered.statusCode).toBe(401);
    expect(problem(tampered)).toMatchObject({ code: 'INVALID_DOWNLOAD_LINK', status: 401 });
    expect((await fetchLink(`${token}x`)).statusCode).toBe(401);

    const tokens = t.app.platform.tokens;
    const expired = await tokens.seal(DOWNLOAD_TOKEN_PURPOSE, { tid: fx.tenantId, rid: runId }, -60);
    expect(problem(await fetchLink(expired)).code).toBe('INVALID_DOWNLOAD_LINK');
    // A sealed token of another purpose is not a download link.
    const otherPurpose = await tokens.seal('identity.something', { tid: fx.tenantId, rid: runId }, 600);
    expect((await fetchLink(otherPurpose)).statusCode).toBe(401);

    // A link names one tenant and one report: pointed at another tenant's report it finds nothing.
    const rivalSchedule = await schedule(other.users.admin.auth, 'Rival report', 'rival@outside.example.com');
    await dueSince(rivalSchedule.id, '1 minute');
    await api.ok('POST', '/reports/run-scheduled', other.users.admin.auth);
    const [rivalRun] = await historyOf(other.users.admin.auth, rivalSchedule.id);
    const crossed = await tokens.seal(DOWNLOAD_TOKEN_PURPOSE, { tid: fx.tenantId, rid: rivalRun!.id }, 600);
    const notFound = await fetchLink(crossed);
    expect(notFound.statusCode).toBe(404);
    expect(problem(notFound).status).toBe(404);
    // The rival's own link serves only the rival's file.
    const rivalToken = linkIn((await smtp.waitFor('rival@outside.example.com', 1))[0]!.text);
    expect((await fetchLink(rivalToken)).statusCode).toBe(200);

    // A suspended organisation's links serve nothing, as its users cannot sign in; reactivated, they do.
    const setStatus = (status: string) =>
      t.database.db.withSystem((tx) =>
        tx.sql.query('update tenants set status = $2 where id = $1', [other.tenantId, status]),
      );
    await setStatus('suspended');
    const suspended = await fetchLink(rivalToken);
    expect(suspended.statusCode).toBe(403);
    expect(problem(suspended).code).toBe('TENANT_SUSPENDED');
    await setStatus('active');
    expect((await fetchLink(rivalToken)).statusCode).toBe(200);
  });

  it("shows a run only to those who may run its type: the file holds that type's data", async () => {
    const reader = await api.ok<{ key: string }>(
      'POST',
      '/roles',
      admin,
      { key: 'report_reader', name: 'Report reader', level: 50, permissions: ['reports:read'] },
      201,
    );
    const user = await extraUser(t, fx, reader.key);
    const history = await api.ok<{ reports: Run[] }>('GET', '/reports/history?limit=500', user.auth);
    expect(history.reports.map((r) => r.id)).not.toContain(runId);
    expect((await api.call('GET', `/reports/history/${runId}`, user.auth)).statusCode).toBe(404);
    expect((await api.call('GET', `/reports/history/${runId}/download`, user.auth)).statusCode).toBe(404);
    expect((await api.call('GET', `/reports/history/${runId}`, admin)).statusCode).toBe(200);
  });

  it('runs a schedule that fell due while no worker ran once, and moves its next run to the future', async () => {
    const s = await schedule(admin, 'Missed for days', 'missed@outside.example.com');
    // Three daily slots passed while the workers were down.
    await dueSince(s.id, '3 days');
    // (The every-minute job of this process may claim it first; either way it runs once.)
    await runDueSchedules({ ...reportDeps(t.app.platform), system: t.app.platform.system });
    expect(await historyOf(admin, s.id)).toHaveLength(1);
    const after = await api.ok<Schedule>('GET', `/reports/scheduled/${s.id}`, admin);
    expect(new Date(after.next_run_at).getTime()).toBeGreaterThan(Date.now());
    // A second pass finds nothing due: one run, not one per missed day.
    const again = await runDueSchedules({ ...reportDeps(t.app.platform), system: t.app.platform.system });
    expect(again.filter((r) => r.scheduleId === s.id)).toHaveLength(0);
    expect(await historyOf(admin, s.id)).toHaveLength(1);
    await smtp.waitFor('missed@outside.example.com', 1);
  });
});

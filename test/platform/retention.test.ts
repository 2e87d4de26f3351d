import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identityModule } from '../../src/modules/identity/index.js';
import type { Tx } from '../../src/platform/db/types.js';
import {
  createRetention,
  PLATFORM_RETENTION_RULES,
  RETENTION_CRON,
  retentionJob,
} from '../../src/platform/retention/index.js';
import { createTestApp, type TestApp } from '../harness/app.js';
import { identityFixture, type IdentityFixture } from '../identity/fixtures.js';

const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY);

/** Polls until `check` returns a truthy value; fails with `what` at the deadline. */
async function waitFor<T>(what: string, check: () => Promise<T>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('retention: the daily job deletes expired and old rows in every tenant, keeps younger ones', () => {
  let t: TestApp;
  let acme: IdentityFixture;
  let beta: IdentityFixture;
  const system = <R>(fn: (tx: Tx) => Promise<R>) => t.database.db.withSystem(fn);
  const ids = async (sql: string, params: unknown[] = []) =>
    system(async (tx) => (await tx.sql.query<{ id: string }>(sql, params)).rows.map((r) => r.id).sort());

  async function session(fx: IdentityFixture, expiresAt: Date, revokedAt: Date | null = null) {
    return system(async (tx) => {
      const { rows } = await tx.sql.query<{ id: string }>(
        `insert into sessions (tenant_id, id, user_id, expires_at, revoked_at)
         values ($1, gen_random_uuid(), $2, $3, $4) returning id`,
        [fx.tenantId, fx.users.agent.id, expiresAt, revokedAt],
      );
      return rows[0]!.id;
    });
  }
  async function refreshToken(fx: IdentityFixture, sessionId: string, expiresAt: Date) {
    return system(async (tx) => {
      const { rows } = await tx.sql.query<{ id: string }>(
        `insert into refresh_tokens (tenant_id, id, session_id, token_hash, expires_at)
         values ($1, gen_random_uuid(), $2, gen_random_uuid()::text, $3) returning id`,
        [fx.tenantId, sessionId, expiresAt],
      );
      return rows[0]!.id;
    });
  }
  async function resetToken(fx: IdentityFixture, expiresAt: Date, usedAt: Date | null = null) {
    return system(async (tx) => {
      const { rows } = await tx.sql.query<{ id: string }>(
        `insert into password_reset_tokens (tenant_id, id, user_id, token_hash, expires_at, used_at)
         values ($1, gen_random_uuid(), $2, gen_random_uuid()::text, $3, $4) returning id`,
        [fx.tenantId, fx.users.agent.id, expiresAt, usedAt],
      );
      return rows[0]!.id;
    });
  }
  async function mail(tenantId: string | null, status: string, createdAt: Date) {
    return system(async (tx) => {
      const { rows } = await tx.sql.query<{ id: string }>(
        `insert into mail_outbox (id, tenant_id, "to", subject, text, status, created_at)
         values (gen_random_uuid(), $1, array['x@example.test'], 'Hello', 'Body', $2, $3) returning id`,
        [tenantId, status, createdAt],
      );
      return rows[0]!.id;
    });
  }
  /** An import run finished at `finishedAt` (null: still running) with `errors` rejected rows. */
  async function importRun(fx: IdentityFixture, finishedAt: Date | null, errors: number) {
    return system(async (tx) => {
      const { rows } = await tx.sql.query<{ id: string }>(
        `insert into import_runs (tenant_id, id, entity, mode, format, file_name, file_key, file_size, status, finished_at)
         values ($1, gen_random_uuid(), 'customers', 'insert', 'csv', 'a.csv', 'k', 1, $2, $3) returning id`,
        [fx.tenantId, finishedAt ? 'completed' : 'validating', finishedAt],
      );
      const runId = rows[0]!.id;
      await tx.sql.query(
        `insert into import_errors (tenant_id, id, import_id, row_number, code, message)
         select $1, gen_random_uuid(), $2, n, 'CELL_INVALID', 'bad' from generate_series(2, $3::int + 1) n`,
        [fx.tenantId, runId, errors],
      );
      return runId;
    });
  }
  const errorCount = async (runId: string) =>
    system(
      async (tx) =>
        (
          await tx.sql.query<{ n: number }>(
            'select count(*)::int as n from import_errors where import_id = $1',
            [runId],
          )
        ).rows[0]!.n,
    );

  beforeAll(async () => {
    t = await createTestApp({
      config: { workers: true },
      deps: {
        modules: [identityModule],
        jobOptions: {
          pollingIntervalSeconds: 0.5,
          cronMonitorIntervalSeconds: 1,
          maintenanceIntervalSeconds: 1,
        },
      },
    });
    acme = await identityFixture(t, 'acme');
    beta = await identityFixture(t, 'beta');
  }, 180_000);
  afterAll(() => t.close());

  it('is scheduled daily with pg-boss cron when the queue starts', async () => {
    const { rows } = await system((tx) =>
      tx.sql.query<{ cron: string }>(`select cron from pgboss.schedule where name = $1`, [retentionJob.name]),
    );
    expect(rows).toEqual([{ cron: RETENTION_CRON }]);
  });

  it('run by the job queue, deletes each kind past its period (defaults: 30, 30, 90 days) and keeps the rest', async () => {
    const live = await ids('select id from sessions where tenant_id = $1', [acme.tenantId]);
    expect(live.length).toBeGreaterThan(0); // the fixture's sign-ins
    const s = {
      oldExpired: await session(acme, ago(31)),
      otherTenantOldExpired: await session(beta, ago(45)),
      youngExpired: await session(acme, ago(29)),
      oldRevoked: await session(acme, new Date(Date.now() + 10 * DAY), ago(40)),
      youngRevoked: await session(acme, new Date(Date.now() + 10 * DAY), ago(5)),
      active: await session(acme, new Date(Date.now() + 10 * DAY)),
    };
    const rt = {
      ofDeletedSession: await refreshToken(acme, s.oldExpired, ago(31)),
      oldOfLiveSession: await refreshToken(acme, s.active, ago(31)),
      youngOfLiveSession: await refreshToken(acme, s.active, ago(1)),
      current: await refreshToken(acme, s.active, new Date(Date.now() + DAY)),
    };
    const reset = {
      oldExpired: await resetToken(acme, ago(31)),
      oldUsed: await resetToken(beta, new Date(Date.now() + DAY), ago(31)),
      youngExpired: await resetToken(acme, ago(2)),
      open: await resetToken(acme, new Date(Date.now() + DAY)),
    };
    const outbox = {
      oldSent: await mail(acme.tenantId, 'sent', ago(31)),
      oldLogged: await mail(null, 'logged', ago(60)),
      youngSent: await mail(beta.tenantId, 'sent', ago(29)),
      oldFailed: await mail(acme.tenantId, 'failed', ago(100)),
      oldQueued: await mail(acme.tenantId, 'queued', ago(100)),
    };
    const runs = {
      old: await importRun(acme, ago(91), 3),
      otherTenantOld: await importRun(beta, ago(200), 2),
      young: await importRun(acme, ago(89), 2),
      unfinished: await importRun(acme, null, 2),
    };

    const jobId = await t.app.platform.jobs.send(retentionJob, {});
    await waitFor('the retention job to complete', async () => {
      const { rows } = await system((tx) =>
        tx.sql.query<{ state: string }>('select state::text as state from pgboss.job where id = $1', [jobId]),
      );
      if (rows[0]?.state === 'failed') throw new Error('the retention job failed');
      return rows[0]?.state === 'completed';
    });

    const sessionsLeft = await ids('select id from sessions');
    for (const gone of [s.oldExpired, s.otherTenantOldExpired, s.oldRevoked])
      expect(sessionsLeft).not.toContain(gone);
    for (const kept of [s.youngExpired, s.youngRevoked, s.active, ...live])
      expect(sessionsLeft).toContain(kept);

    const tokensLeft = await ids('select id from refresh_tokens');
    expect(tokensLeft).not.toContain(rt.ofDeletedSession);
    expect(tokensLeft).not.toContain(rt.oldOfLiveSession);
    expect(tokensLeft).toEqual(expect.arrayContaining([rt.youngOfLiveSession, rt.current]));

    const resetLeft = await ids('select id from password_reset_tokens');
    expect(resetLeft).not.toContain(reset.oldExpired);
    expect(resetLeft).not.toContain(reset.oldUsed);
    expect(resetLeft).toEqual(expect.arrayContaining([reset.youngExpired, reset.open]));

    const mailLeft = await ids('select id from mail_outbox');
    expect(mailLeft).not.toContain(outbox.oldSent);
    expect(mailLeft).not.toContain(outbox.oldLogged);
    expect(mailLeft).toEqual(expect.arrayContaining([outbox.youngSent, outbox.oldFailed, outbox.oldQueued]));

    expect(await errorCount(runs.old)).toBe(0);
    expect(await errorCount(runs.otherTenantOld)).toBe(0);
    expect(await errorCount(runs.young)).toBe(2);
    expect(await errorCount(runs.unfinished)).toBe(2);
    // The runs themselves stay as history.
    expect(await ids('select id from import_runs')).toEqual(expect.arrayContaining(Object.values(runs)));

    // The signed-in users are still signed in.
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: acme.users.admin.auth });
    expect(me.statusCode, me.body).toBe(200);
  });

  it('honours the configured periods and works off a backlog in bounded batches', async () => {
    const sent = await Promise.all(Array.from({ length: 7 }, () => mail(acme.tenantId, 'sent', ago(8))));
    const young = await mail(acme.tenantId, 'sent', ago(6));
    const retention = createRetention({
      db: t.database.db,
      config: { ...t.config, retentionOutboxDays: 7 },
      log: { info: () => {}, warn: () => {}, error: () => {} },
      rules: PLATFORM_RETENTION_RULES.filter((rule) => rule.name === 'platform.mail_outbox'),
      batchSize: 2,
    });
    const deleted = await retention.run();
    expect(deleted['platform.mail_outbox']).toBeGreaterThanOrEqual(7);
    const left = await ids('select id from mail_outbox');
    for (const id of sent) expect(left).not.toContain(id);
    expect(left).toContain(young);
    expect(await retention.run()).toEqual({ 'platform.mail_outbox': 0 });
  });
});

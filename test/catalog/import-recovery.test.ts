import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, driverUnderTest, type TestDatabase } from '../harness/database.js';
import { multipart } from '../harness/multipart.js';
import { spawnNode, type Spawned } from '../harness/process.js';
import type { ImportRun as Run } from './imports.helpers.js';

type ImportRun = Run & { started_at: string | null };

// Enough for a write pass of many chunks (killed in its middle), few enough to keep the test short.
const ROWS = 3_000;
const customersCsv = (prefix: string) =>
  ['code,name', ...Array.from({ length: ROWS }, (_, i) => `${prefix}-${i + 1},Customer ${i + 1}`)].join('\n');

/**
 * A server killed with SIGKILL while an import writes: after a restart the run is found (its
 * heartbeat stopped) and resumed by a new job, and it completes with every row exactly once — not
 * an hour later, when pg-boss would expire the dead worker's job. Real processes, on PostgreSQL or
 * on PGlite in a data directory on disk (what `npm start` uses).
 */
describe('imports: a run whose worker was killed is resumed', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'salesops-import-recovery-'));
  let database: TestDatabase | undefined;
  let env: Record<string, string>;
  let server: Spawned | undefined;
  let base = '';
  let auth: Record<string, string> = {};

  async function startServer(): Promise<Spawned> {
    const proc = spawnNode(['bin/salesops.js', 'serve'], env);
    const [, port] = await proc.waitFor(/API\s+http:\/\/localhost:(\d+)/, 90_000);
    base = `http://127.0.0.1:${port}/api/v1`;
    return proc;
  }

  async function api<T>(method: string, url: string, body?: unknown): Promise<{ status: number; body: T }> {
    const res = await fetch(`${base}${url}`, {
      method,
      headers: { ...auth, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: (await res.json()) as T };
  }

  async function upload(csv: string, fields: Record<string, string>): Promise<string> {
    const { payload, contentType } = multipart(
      { name: 'customers.csv', type: 'text/csv', bytes: Buffer.from(csv) },
      { entity: 'customers', ...fields },
    );
    const res = await fetch(`${base}/imports`, {
      method: 'POST',
      headers: { ...auth, 'content-type': contentType },
      body: payload,
    });
    expect(res.status, await res.clone().text()).toBe(202);
    return ((await res.json()) as { id: string }).id;
  }

  const runOf = async (id: string) => (await api<ImportRun>('GET', `/imports/${id}`)).body;

  /** Polls the run every `everyMs` until `done` says so (or fails after `timeoutMs`). */
  async function waitForRun(id: string, done: (run: ImportRun) => boolean, timeoutMs: number, everyMs = 25) {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const run = await runOf(id);
      if (done(run)) return run;
      if (Date.now() > until) {
        throw new Error(`run ${id} stayed ${JSON.stringify(run)}\n${server?.output() ?? ''}`);
      }
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  }

  const ended = (run: ImportRun) => run.status === 'completed' || run.status === 'failed';

  /**
   * Kills the server with SIGKILL once the run is importing and `importing` says so (the run is
   * returned as then seen; a run that already ended is returned too, for the test to refuse).
   */
  async function killWhileImporting(id: string, importing: (run: ImportRun) => boolean): Promise<ImportRun> {
    const caught = await waitForRun(
      id,
      (run) => ended(run) || (run.status === 'importing' && importing(run)),
      60_000,
    );
    server!.child.kill('SIGKILL');
    await server!.exited;
    server = undefined;
    return caught;
  }

  const customersCount = async (prefix: string) =>
    (await api<{ total: number }>('GET', `/customers?q=${prefix}-&limit=1`)).body.total;

  beforeAll(async () => {
    env = {
      DATA_DIR: dir,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      DEMO_DATA: 'false',
      // Short enough for a test: a dead worker's run is seen after 2 s, looked for every half second.
      IMPORT_STALE_MS: '2000',
      IMPORT_RECOVERY_INTERVAL_MS: '500',
    };
    if (driverUnderTest === 'postgres') {
      database = await createTestDatabase();
      env.DATABASE_URL = database.url!;
    } else {
      env.DATABASE_URL = ''; // the embedded database, on disk in DATA_DIR/pglite
    }
    const tenant = spawnNode(
      [
        'bin/salesops.js',
        'create-tenant',
        '--name',
        'Recovery Co',
        '--slug',
        'recovery-co',
        '--admin-email',
        'admin@recovery.test',
        '--admin-password',
        'Str0ng-pass!',
      ],
      env,
    );
    const { code } = await tenant.exited;
    expect(code, tenant.output()).toBe(0);
    server = await startServer();
    const login = await api<{ access_token: string }>('POST', '/auth/login', {
      email: 'admin@recovery.test',
      password: 'Str0ng-pass!',
    });
    expect(login.status).toBe(200);
    auth = { authorization: `Bearer ${login.body.access_token}` };
  }, 180_000);

  afterAll(async () => {
    server?.child.kill('SIGKILL');
    await server?.exited;
    await database?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('default mode: resumes after the last committed chunk; every row once', async () => {
    const id = await upload(customersCsv('KILL'), {});
    const killed = await killWhileImporting(id, (run) => (run.progress.rows_written ?? 0) > 0);
    // Killed in the middle of the write pass (else this test proves nothing).
    expect(killed.status).toBe('importing');
    expect(killed.progress.rows_written).toBeLessThan(ROWS);

    server = await startServer();
    const restartedAt = Date.now();
    // Resumed within a minute of the restart (not when pg-boss expires the dead job, an hour later)…
    await waitForRun(
      id,
      (run) => ended(run) || run.progress.rows_written! > killed.progress.rows_written!,
      60_000,
      250,
    );
    expect(Date.now() - restartedAt).toBeLessThan(60_000);
    // … and finished (how long that takes is the machine's business).
    const done = await waitForRun(id, ended, 300_000, 500);
    expect(done).toMatchObject({
      status: 'completed',
      error: null,
      progress: {
        rows_read: ROWS,
        rows_valid: ROWS,
        rows_invalid: 0,
        rows_created: ROWS,
        rows_written: ROWS,
      },
    });
    expect(await customersCount('KILL')).toBe(ROWS);
    expect(server.output()).toContain('import run lost its worker; resuming it');
  }, 240_000);

  it('all-or-nothing: starts over and writes the whole file at once; nothing twice', async () => {
    const id = await upload(customersCsv('AON'), { all_or_nothing: 'true' });
    // Importing: staging chunk by chunk (rows_written stays 0 until the one transaction that applies them).
    const killed = await killWhileImporting(id, () => true);
    expect(killed.status).toBe('importing');
    server = await startServer();
    const restartedAt = Date.now();
    // Started over (all-or-nothing never resumes part of a run) within a minute of the restart.
    await waitForRun(id, (run) => ended(run) || run.started_at !== killed.started_at, 60_000, 250);
    expect(Date.now() - restartedAt).toBeLessThan(60_000);
    const done = await waitForRun(id, ended, 300_000, 500);
    expect(done).toMatchObject({
      status: 'completed',
      error: null,
      progress: { rows_read: ROWS, rows_valid: ROWS, rows_created: ROWS, rows_written: ROWS },
    });
    expect(await customersCount('AON')).toBe(ROWS);
  }, 240_000);
});

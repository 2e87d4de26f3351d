import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { afterAll, describe, expect, it } from 'vitest';
import { PGlite } from '@electric-sql/pglite';
import { openDatabase } from '../../src/platform/db/index.js';
import { startEmbeddedMaintenance } from '../../src/platform/db/pglite-maintenance.js';
import { loadEmbeddedTemplate, loadSchemaTemplate } from '../../src/platform/db/pglite-template.js';
import { spawnNode, TSX } from '../harness/process.js';

/** The embedded database's own guarantees; these run real processes against a real data directory. */
describe('embedded database (PGlite) on disk', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'salesops-embedded-'));
    dirs.push(dir);
    return dir;
  };
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('refuses a second process on the same data directory, and the first keeps working (and tells how to sign in)', async () => {
    const dataDir = tempDir();
    const env = { DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', DEMO_DATA: 'false' };
    const first = spawnNode(['bin/salesops.js', 'serve'], env);
    try {
      const [, port] = await first.waitFor(/API\s+http:\/\/localhost:(\d+)/, 60_000);
      // Without demo data and with no account yet, the banner says how to get one.
      await first.waitFor(/Press Ctrl\+C to stop/);
      expect(first.output()).toMatch(
        /Nobody can sign in yet[\s\S]*npx salesops seed[\s\S]*create-superadmin/,
      );
      const second = spawnNode(['bin/salesops.js', 'serve'], env);
      const { code } = await second.exited;
      expect(code).toBe(1);
      expect(second.output()).toMatch(/in use by another SalesOps process \(pid \d+\)/);
      const ready = await fetch(`http://127.0.0.1:${port}/health/ready`);
      expect(ready.status).toBe(200);
      first.child.kill('SIGTERM');
      expect(await first.exited).toEqual({ code: 0, signal: null });
      expect(existsSync(path.join(dataDir, 'pglite.lock'))).toBe(false);
    } finally {
      first.child.kill('SIGKILL');
    }
  }, 120_000);

  it('starts with demo data on a fresh directory, as `npm start` does, and its workers generate the demo reports', async () => {
    const env = { DATA_DIR: tempDir(), PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', DEMO_DATA: 'true' };
    const server = spawnNode(['bin/salesops.js', 'serve'], env);
    try {
      const [, port] = await server.waitFor(/API\s+http:\/\/localhost:(\d+)/, 180_000);
      expect(server.output()).toMatch(/admin@demo\.salesops\.local\s+Demo1234!/);
      // The demo data was loaded before the server opened the new database: by the seeding process.
      const output = server.output();
      expect(output.indexOf('✔ Demo data ready')).toBeGreaterThan(-1);
      expect(output.indexOf('✔ Demo data ready')).toBeLessThan(output.indexOf('✔ Embedded database in'));
      const api = `http://127.0.0.1:${port}/api/v1`;
      const signedIn = await fetch(`${api}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'admin@demo.salesops.local', password: 'Demo1234!' }),
      });
      expect(signedIn.status).toBe(200);
      const { access_token: token } = (await signedIn.json()) as { access_token: string };
      const statuses = async () => {
        const res = await fetch(`${api}/reports/history`, { headers: { authorization: `Bearer ${token}` } });
        return ((await res.json()) as { reports: { status: string }[] }).reports.map((r) => r.status);
      };
      const deadline = Date.now() + 120_000;
      let seen = await statuses();
      while (seen.some((s) => s !== 'completed') && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        seen = await statuses();
      }
      // The four field reports and the two success reports the demo schedules.
      expect(seen).toEqual(Array.from({ length: 6 }, () => 'completed'));
      server.child.kill('SIGTERM');
      expect(await server.exited).toEqual({ code: 0, signal: null });
    } finally {
      server.child.kill('SIGKILL');
    }
  }, 360_000);

  it('stops the seeding process with the server, and the next start completes the demo data', async () => {
    const env = { DATA_DIR: tempDir(), PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', DEMO_DATA: 'true' };
    const first = spawnNode(['bin/salesops.js', 'serve'], env);
    try {
      await first.waitFor(/Demo data/, 120_000);
      first.child.kill('SIGTERM');
      expect((await first.exited).code).toBe(1);
      expect(first.output()).toMatch(/Stopped \(SIGTERM\) while the demo data was loading/);
      // No seeding process was left holding the directory: a new start opens it and seeds the rest.
      const second = spawnNode(['bin/salesops.js', 'serve'], env);
      try {
        await second.waitFor(/Press Ctrl\+C to stop/, 180_000);
        expect(second.output()).toMatch(/admin@demo\.salesops\.local\s+Demo1234!/);
        second.child.kill('SIGTERM');
        expect(await second.exited).toEqual({ code: 0, signal: null });
      } finally {
        second.child.kill('SIGKILL');
      }
    } finally {
      first.child.kill('SIGKILL');
    }
  }, 360_000);

  it('keeps no copy of the template tarball once a database was made from it', async () => {
    const tarball = loadSchemaTemplate() ?? loadEmbeddedTemplate();
    expect(tarball, 'npm ci makes the templates').toBeDefined();
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    // PGlite keeps its start options for the database's life: the bytes must not be reachable there.
    let read: WeakRef<ArrayBuffer> | undefined;
    const watched = {
      type: '',
      arrayBuffer: async () => {
        const bytes = await tarball!.arrayBuffer();
        read = new WeakRef(bytes);
        return bytes;
      },
    } as unknown as Blob;
    const db = await openDatabase({ driver: 'pglite', loadDataDir: watched });
    try {
      expect((await db.query<{ ok: number }>('select 1 as ok')).rows).toEqual([{ ok: 1 }]);
      expect(read).toBeDefined();
      await new Promise((resolve) => setTimeout(resolve, 0));
      gc();
      // Compared as booleans: a failure message must not print 40–47 MB.
      expect(read!.deref() === undefined, 'the tarball is still reachable').toBe(true);
      // Nor does the template keep its bytes: it hands them over once.
      const again = await tarball!.arrayBuffer().then(
        () => 'read again',
        (error: Error) => error.message,
      );
      expect(again).toMatch(/already read/);
    } finally {
      await db.close();
    }
  }, 60_000);

  it('loses no committed row when the process is killed with SIGKILL', async () => {
    const dataDir = path.join(tempDir(), 'pglite');
    const writer = spawnNode([...TSX, 'test/fixtures/pglite-writer.ts', dataDir]);
    await writer.waitFor(/committed 40\n/, 60_000);
    writer.child.kill('SIGKILL');
    await writer.exited;
    const lastCommitted = Math.max(
      ...[...writer.output().matchAll(/committed (\d+)/g)].map((m) => Number(m[1])),
    );

    // The stale lock of the killed process is taken over; every reported commit is there.
    const db = await openDatabase({ driver: 'pglite', dataDir });
    try {
      const { rows } = await db.query<{ max: number; count: number }>(
        'select max(n)::int as max, count(*)::int as count from durability',
      );
      expect(rows[0]!.max).toBeGreaterThanOrEqual(lastCommitted);
      expect(rows[0]!.count).toBe(rows[0]!.max);
    } finally {
      await db.close();
    }
  }, 120_000);
});

describe('embedded database (PGlite) maintenance', () => {
  it('vacuums and analyzes a table that grew, so the planner sees its size and dead rows are reclaimed', async () => {
    const db = await openDatabase({ driver: 'pglite', maintenanceIntervalMs: 50 });
    try {
      await db.exec(`create table grown (id int primary key, v text);
        insert into grown select i, repeat('x', 40) || i from generate_series(1, 20000) i;
        delete from grown where id <= 5000;`);
      const stats = async () =>
        (
          await db.query<{ reltuples: number; analyzed: boolean; vacuumed: boolean }>(
            `select c.reltuples::int as reltuples, s.last_analyze is not null as analyzed,
                    s.last_vacuum is not null as vacuumed
               from pg_class c join pg_stat_user_tables s on s.relid = c.oid where c.relname = 'grown'`,
          )
        ).rows[0]!;
      // Before maintenance PostgreSQL has never counted the table (reltuples -1).
      const deadline = Date.now() + 10_000;
      while ((await stats()).reltuples < 0 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      expect(await stats()).toEqual({ reltuples: 15000, analyzed: true, vacuumed: true });
    } finally {
      await db.close();
    }
  }, 30_000);

  it('looks at table sizes only after enough was written to make a table due (the look blocks every request)', async () => {
    const client = await PGlite.create();
    const scans: string[] = [];
    const query = client.query.bind(client);
    client.query = ((text: string, ...rest: unknown[]) => {
      if (text.includes('pg_relation_size')) scans.push(text);
      return (query as (...args: unknown[]) => unknown)(text, ...rest);
    }) as typeof client.query;
    const maintenance = startEmbeddedMaintenance(client, 0);
    try {
      await client.exec(`create table grown (id int primary key, v text);
        insert into grown select i, repeat('x', 40) || i from generate_series(1, 20000) i;`);
      expect(await maintenance.runOnce()).toEqual(['public.grown']);
      expect(scans).toHaveLength(1);
      await maintenance.runOnce(); // the VACUUM's own writes: one more look, nothing due
      const looked = scans.length;
      // Reads and a small write: the log moved by less than a table needs to grow, so no look.
      await client.query('select count(*) from grown');
      await client.query(`update grown set v = 'y' where id = 1`);
      expect(await maintenance.runOnce()).toEqual([]);
      expect(scans).toHaveLength(looked);
      // The table grows again: the next pass looks and vacuums it.
      await client.exec(
        `insert into grown select i, repeat('x', 40) || i from generate_series(20001, 40000) i`,
      );
      expect(await maintenance.runOnce()).toEqual(['public.grown']);
      expect(scans).toHaveLength(looked + 1);
    } finally {
      await maintenance.stop();
      await client.close();
    }
  }, 60_000);
});

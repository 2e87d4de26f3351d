/**
 * `npm run fuzz`: the full fuzz pass (10,000 requests by default) over every route of
 * openapi/openapi.json, on PGlite, or on PostgreSQL when TEST_DATABASE_URL is set (a database of
 * its own is created on that server and dropped after). `--seed N` (or FUZZ_SEED) repeats a run,
 * `--requests N` (or FUZZ_REQUESTS) sizes it. Exits 1 on any failure.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { openDatabase } from '../../src/platform/db/index.js';
import { migrate } from '../../src/schema.js';
import type { TestDatabase } from '../harness/database.js';
import { pgliteTemplate } from '../harness/global-setup.js';
import { adminQuery, TEST_DB_PREFIX, testDatabaseUrl, urlFor } from '../harness/template.js';
import { closeConnections } from './http.js';
import { seedFrom } from './random.js';
import { formatReport } from './report.js';
import { fuzz, serverAlive } from './run.js';
import { startFuzzServer } from './server.js';
import { prepareWorld } from './setup.js';
import { loadOperations } from './spec.js';

async function openFuzzDatabase(): Promise<TestDatabase> {
  if (!testDatabaseUrl()) {
    // The test suite's cached template: migrating from scratch takes longer than a short run.
    const tarball = await readFile(await pgliteTemplate());
    const db = await openDatabase({ driver: 'pglite', loadDataDir: new Blob([tarball]) });
    return { db, close: () => db.close() };
  }
  const name = `${TEST_DB_PREFIX}fuzz_${randomBytes(4).toString('hex')}`;
  await adminQuery(`create database "${name}"`);
  const db = await openDatabase({ driver: 'postgres', url: urlFor(name), poolSize: 5 });
  await migrate(db);
  return {
    db,
    name,
    async close() {
      await db.close();
      await adminQuery(`drop database if exists "${name}" with (force)`);
    },
  };
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { seed: { type: 'string' }, requests: { type: 'string' } } });
  const seed = seedFrom(values.seed ?? process.env.FUZZ_SEED);
  const requests = Number(values.requests ?? process.env.FUZZ_REQUESTS ?? 10_000);
  const driver = testDatabaseUrl() ? 'postgres' : 'pglite';
  console.log(`fuzz: seed ${seed}, ${requests} requests, ${driver} (repeat with --seed ${seed})`);
  const database = await openFuzzDatabase();
  const server = await startFuzzServer(database);
  try {
    const operations = loadOperations();
    let started = Date.now();
    const world = await prepareWorld(server.t, server.port, operations);
    console.log(`demo data and ids ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    started = Date.now();
    const report = await fuzz(world, operations, seed, requests);
    const alive = await serverAlive(world);
    console.log(formatReport(report, driver, (f) => server.errorFor(f.requestId)));
    console.log(`${((Date.now() - started) / 1000).toFixed(1)} s; server ${alive ? 'still up' : 'DOWN'}`);
    return report.failures.length || !alive ? 1 : 0;
  } finally {
    closeConnections();
    await server.t.close();
    await database.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(2);
  },
);

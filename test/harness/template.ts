import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { openDatabase, PGLITE_EXTENSIONS } from '../../src/platform/db/index.js';
import { migrate } from '../../src/schema.js';

export const TEST_DB_PREFIX = 'salesops_test_';

export function testDatabaseUrl(): string | undefined {
  return process.env.TEST_DATABASE_URL || undefined;
}

/** A URL for database `name` on the server of TEST_DATABASE_URL. */
export function urlFor(name: string): string {
  const url = new URL(testDatabaseUrl()!);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: testDatabaseUrl() });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

export type Template = { kind: 'pglite'; tarball: Buffer } | { kind: 'postgres'; name: string };

export async function buildTemplate(): Promise<Template> {
  if (!testDatabaseUrl()) {
    const instance = await PGlite.create({ extensions: PGLITE_EXTENSIONS });
    const db = await openDatabase({ driver: 'pglite', instance });
    await migrate(db);
    // Uncompressed: every test file loads it, and gunzip costs each of them ~0.5 s of CPU.
    const blob = await instance.dumpDataDir('none');
    await instance.close();
    return { kind: 'pglite', tarball: Buffer.from(await blob.arrayBuffer()) };
  }
  const name = `${TEST_DB_PREFIX}tpl_${randomBytes(4).toString('hex')}`;
  await adminQuery(`create database "${name}"`);
  try {
    const db = await openDatabase({ driver: 'postgres', url: urlFor(name), poolSize: 2 });
    try {
      await migrate(db);
    } finally {
      await db.close();
    }
    // A template must have no connections while copies are made from it.
    await adminQuery(`alter database "${name}" is_template true allow_connections false`);
  } catch (error) {
    // A run that cannot build its template leaves none behind.
    await adminQuery(`drop database if exists "${name}" with (force)`);
    throw error;
  }
  return { kind: 'postgres', name };
}

export async function dropTemplate(name: string): Promise<void> {
  await adminQuery(`alter database "${name}" is_template false`);
  await adminQuery(`drop database if exists "${name}" with (force)`);
}

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';
import { buildTemplate, dropTemplate, testDatabaseUrl } from './template.js';
import { templateKey } from './template-cache.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** PGlite: path of the migrated data-dir tarball. Postgres: name of the template database. */
    dbTemplate: string;
    /** DDL of the probe tables, as drizzle-kit generates it (see probe-ddl.ts). */
    probeTableDdl: string[];
  }
}

const CACHE_PREFIX = 'salesops-test-template-';
const STALE_MS = 24 * 60 * 60 * 1000;

/**
 * Migrates one template database per run; every test file then starts from a copy of it.
 * PGlite: the template is an uncompressed data-dir tarball (no gunzip in every test file), kept in
 * the temp directory under a key of everything that shapes the schema (see template-cache.ts), so
 * later runs, including one-file runs, skip migrating until a migration or a driver changes.
 */
export default async function setup(project: TestProject) {
  project.provide('probeTableDdl', await probeTableDdl());
  if (!testDatabaseUrl()) {
    project.provide('dbTemplate', await pgliteTemplate());
    return;
  }
  const built = await buildTemplate();
  if (built.kind !== 'postgres') throw new Error('expected a PostgreSQL template');
  project.provide('dbTemplate', built.name);
  return async () => dropTemplate(built.name);
}

/** drizzle-kit patches `Array.prototype`, so it runs in a process of its own (see probe-ddl.ts). */
async function probeTableDdl(): Promise<string[]> {
  const script = fileURLToPath(new URL('probe-ddl.ts', import.meta.url));
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script]);
  return JSON.parse(stdout) as string[];
}

export async function pgliteTemplate(): Promise<string> {
  const file = path.join(os.tmpdir(), `${CACHE_PREFIX}${templateKey()}.tar`);
  if (existsSync(file)) {
    const now = new Date();
    await utimes(file, now, now); // in use: not stale
    return file;
  }
  const built = await buildTemplate();
  if (built.kind !== 'pglite') throw new Error('expected a PGlite template');
  // Written aside and renamed, so a concurrent run never reads half a tarball.
  const partial = `${file}.${process.pid}.partial`;
  await writeFile(partial, built.tarball);
  await rename(partial, file);
  await pruneStaleTemplates(file);
  return file;
}

/** Removes templates of other keys unused for a day (a run reads its template while it lasts). */
async function pruneStaleTemplates(keep: string): Promise<void> {
  const dir = path.dirname(keep);
  for (const name of await readdir(dir)) {
    const file = path.join(dir, name);
    if (!name.startsWith(CACHE_PREFIX) || file === keep) continue;
    const info = await stat(file).catch(() => undefined);
    if (info && Date.now() - info.mtimeMs > STALE_MS) await rm(file, { force: true });
  }
}

import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';

/**
 * A new PGlite database runs `initdb` inside WebAssembly: a second PostgreSQL instance bootstraps
 * the catalogs in memory and is copied into the data directory. That is most of a first start
 * (about 9 s of CPU and a peak of about 800 MB), and it produces the same cluster every time for a
 * given PGlite release. So the cluster is made once, at install time (`npm ci` runs `prepare`), and
 * kept as a tarball beside the installed packages; a new database starts from a copy of it
 * (about 2.5 s, 370 MB peak). The file is named after the PGlite version, so an upgraded PGlite
 * never loads a cluster made by another release: without a matching file PGlite runs initdb as usual.
 */
function pglitePackage(): { version: string; nodeModules: string } {
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  let dir = path.dirname(entry);
  while (!existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  const { version } = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string };
  // …/node_modules/@electric-sql/pglite → …/node_modules
  return { version, nodeModules: path.dirname(path.dirname(dir)) };
}

export function embeddedTemplatePath(): string {
  const { version, nodeModules } = pglitePackage();
  return path.join(nodeModules, '.cache', 'salesops', `pglite-${version}-cluster.tar`);
}

/** The empty cluster for the installed PGlite, or undefined when none was made. */
export function loadEmbeddedTemplate(): Blob | undefined {
  try {
    const file = embeddedTemplatePath();
    return existsSync(file) ? new Blob([readFileSync(file)]) : undefined;
  } catch {
    return undefined;
  }
}

/** Runs initdb once and writes the cluster's tarball (atomically: a half-written file is never read). */
export async function buildEmbeddedTemplate(): Promise<string> {
  const file = embeddedTemplatePath();
  const db = await PGlite.create();
  try {
    // Uncompressed (~40 MB): gunzip would cost every first start ~0.5 s of CPU.
    const tarball = await db.dumpDataDir('none');
    mkdirSync(path.dirname(file), { recursive: true });
    const partial = `${file}.${process.pid}.partial`;
    writeFileSync(partial, Buffer.from(await tarball.arrayBuffer()));
    renameSync(partial, file);
  } finally {
    await db.close();
  }
  return file;
}

/** Drops a template PGlite could not start from, so the next start runs initdb instead. */
export function discardEmbeddedTemplate(): void {
  rmSync(embeddedTemplatePath(), { force: true });
}

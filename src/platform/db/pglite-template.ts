import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { MIGRATIONS_DIR } from './migrate.js';

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

/**
 * The committed migrations' fingerprint (names and contents). The migrated template below is used
 * only by the code whose migrations made it: after an upgrade, or in a checkout with a new
 * migration, a first start falls back to the empty cluster and migrates it.
 */
export function migrationsFingerprint(dir = MIGRATIONS_DIR): string {
  const hash = createHash('sha256');
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      const file = path.join(at, entry.name);
      if (entry.isDirectory()) walk(file);
      else hash.update(path.relative(dir, file)).update('\0').update(readFileSync(file)).update('\0');
    }
  };
  walk(dir);
  return hash.digest('hex').slice(0, 16);
}

/**
 * The cluster with every committed migration applied (and the job queue's schema): a first start
 * copies it and has nothing left to migrate, instead of spending seconds running ~60 migrations.
 */
export function schemaTemplatePath(): string {
  const { version, nodeModules } = pglitePackage();
  return path.join(
    nodeModules,
    '.cache',
    'salesops',
    `pglite-${version}-schema-${migrationsFingerprint()}.tar`,
  );
}

/**
 * A tarball PGlite reads once, at start. PGlite keeps its start options for the database's whole
 * life (its WebAssembly module's start hooks close over them), so a Blob given as `loadDataDir`
 * stays resident: 40–47 MB for every open database (heap snapshot: Blob ← loadDataDir ←
 * onRuntimeInitialized). This one hands its bytes over once and holds none afterwards. PGlite reads
 * a `loadDataDir` through `arrayBuffer()` and `type` only.
 */
function oneShotTarball(bytes: Buffer): Blob {
  let held: Buffer | undefined = bytes;
  const arrayBuffer = async (): Promise<ArrayBuffer> => {
    const taken = held;
    held = undefined;
    if (!taken) throw new Error('The template tarball was already read');
    const whole = taken.byteOffset === 0 && taken.byteLength === taken.buffer.byteLength;
    return (
      whole ? taken.buffer : taken.buffer.slice(taken.byteOffset, taken.byteOffset + taken.byteLength)
    ) as ArrayBuffer;
  };
  return { type: '', size: bytes.byteLength, arrayBuffer } as unknown as Blob;
}

const load = (file: string): Blob | undefined => {
  try {
    return existsSync(file) ? oneShotTarball(readFileSync(file)) : undefined;
  } catch {
    return undefined;
  }
};

/** The empty cluster for the installed PGlite, or undefined when none was made. */
export function loadEmbeddedTemplate(): Blob | undefined {
  return load(embeddedTemplatePath());
}

/** The migrated cluster for the installed PGlite and these migrations, if one was made. */
export function loadSchemaTemplate(): Blob | undefined {
  return load(schemaTemplatePath());
}

/** Writes a database's data directory as a template tarball (atomically: a half-written file is never read). */
export async function saveTemplate(db: PGlite, file: string): Promise<void> {
  // Uncompressed (~40 MB): gunzip would cost every first start ~0.5 s of CPU.
  const tarball = await db.dumpDataDir('none');
  mkdirSync(path.dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}.partial`;
  writeFileSync(partial, Buffer.from(await tarball.arrayBuffer()));
  renameSync(partial, file);
}

/** Runs initdb once and writes the cluster's tarball. */
export async function buildEmbeddedTemplate(): Promise<string> {
  const file = embeddedTemplatePath();
  const db = await PGlite.create();
  try {
    await saveTemplate(db, file);
  } finally {
    await db.close();
  }
  return file;
}

/** Removes migrated templates of other migrations (each is ~40 MB; only the current one is read). */
export function pruneSchemaTemplates(): void {
  const current = schemaTemplatePath();
  const dir = path.dirname(current);
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir))
    if (/^pglite-.*-schema-[0-9a-f]+\.tar$/.test(name) && path.join(dir, name) !== current)
      rmSync(path.join(dir, name), { force: true });
}

/** Drops the templates PGlite could not start from, so the next start runs initdb instead. */
export function discardEmbeddedTemplate(): void {
  rmSync(embeddedTemplatePath(), { force: true });
  rmSync(schemaTemplatePath(), { force: true });
}

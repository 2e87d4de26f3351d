import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** What the migrated schema is made of: the migrations, the code that applies them, the versions. */
const SOURCES = ['migrations', 'src/schema.ts', 'src/platform/db', 'src/platform/jobs'];
const PACKAGES = ['@electric-sql/pglite', 'pg-boss', 'drizzle-orm'];

function filesUnder(entry: string): string[] {
  if (!statSync(entry).isDirectory()) return [entry];
  return readdirSync(entry)
    .sort()
    .flatMap((name) => filesUnder(path.join(entry, name)));
}

/**
 * A key that changes whenever the migrated template could: a new or edited migration, a change to
 * the migrator or the job-queue schema, another PGlite, pg-boss or Drizzle version. Broader than
 * strictly needed (any edit under src/platform/db rebuilds), so a stale template is never reused.
 */
export function templateKey(root = process.cwd()): string {
  const hash = createHash('sha256');
  for (const source of SOURCES) {
    for (const file of filesUnder(path.join(root, source))) {
      hash.update(path.relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
    }
  }
  for (const name of PACKAGES) {
    const manifest = path.join(root, 'node_modules', name, 'package.json');
    hash.update(name).update((JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version);
  }
  return hash.digest('hex').slice(0, 16);
}

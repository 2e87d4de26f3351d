import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { is } from 'drizzle-orm';
import { PgTable } from 'drizzle-orm/pg-core';
import { accessOf, type TableAccess } from './access.js';

const SRC_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Every table the code defines, with its declared access: the `*.tables.ts` files anywhere under
 * `src/` (the same registry drizzle-kit reads, see drizzle.config.ts), loaded by path so the
 * platform needs no import of any module.
 */
export async function declaredTables(srcDir = SRC_DIR): Promise<TableAccess[]> {
  const files = readdirSync(srcDir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.tables.ts'))
    .sort();
  const tables = new Set<PgTable>();
  for (const file of files) {
    const exports = (await import(pathToFileURL(path.join(srcDir, file)).href)) as Record<string, unknown>;
    for (const value of Object.values(exports)) if (is(value, PgTable)) tables.add(value);
  }
  return [...tables]
    .map(accessOf)
    .sort((a, b) => `${a.schema}.${a.name}`.localeCompare(`${b.schema}.${b.name}`));
}

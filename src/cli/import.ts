import { createReadStream, existsSync } from 'node:fs';
import path from 'node:path';
import { buildApp } from '../app.js';
import { ensureJwtSecret, type Config } from '../config.js';
import { IMPORT_MODES, type ImportMode } from '../platform/bulk/index.js';
import type { Database } from '../platform/db/types.js';
import { CliError, migrateWithProgress, openConfiguredDatabase } from './open.js';
import { createProgress } from './progress.js';

export interface ImportOptions {
  entity?: string;
  file?: string;
  tenant?: string;
  user?: string;
  mode?: string;
  dryRun?: boolean;
  allOrNothing?: boolean;
}

/**
 * `salesops import <entity> <file> --tenant <slug>`: the same run as POST /imports (validation,
 * batches, one write transaction, the run and its errors saved), executed in this process with a
 * progress bar. Whoever has the database has every permission, so no role is checked.
 */
export async function importCommand(rawConfig: Config, options: ImportOptions): Promise<void> {
  const { entity, file, tenant } = options;
  if (!entity || !file || !tenant) {
    throw new CliError(
      'Usage: salesops import <entity> <file> --tenant <slug> [--user <email>] [--mode insert|upsert-by-code] [--dry-run] [--all-or-nothing]',
    );
  }
  const mode = (options.mode ?? 'insert') as ImportMode;
  if (!IMPORT_MODES.includes(mode)) throw new CliError(`--mode must be one of: ${IMPORT_MODES.join(', ')}.`);
  if (!existsSync(file)) throw new CliError(`No such file: ${file}`);
  const config = ensureJwtSecret({ ...rawConfig, logLevel: 'warn' });
  const db = await openConfiguredDatabase(config);
  const progress = createProgress();
  try {
    await migrateWithProgress(db, progress);
    const app = await buildApp({ ...config, workers: false }, { db, start: false });
    try {
      const { tenantId, userId } = await who(db, tenant, options.user);
      const imports = app.platform.imports;
      const caller = { tenantId, userId, may: () => true };
      if (!imports.service.entityNames().includes(entity)) {
        throw new CliError(
          `Unknown entity "${entity}". Importable: ${imports.service.entityNames().join(', ')}.`,
        );
      }
      const run = await imports.service.start(
        caller,
        {
          entity,
          mode,
          dryRun: Boolean(options.dryRun),
          allOrNothing: Boolean(options.allOrNothing),
          fileName: path.basename(file),
        },
        createReadStream(file),
        { enqueue: false },
      );
      progress.step(`Validating ${path.basename(file)}`);
      await imports.runner.run(
        { tenantId, importId: run.id, userId },
        {
          onProgress(p) {
            if (p.phase === 'validating')
              progress.step(`Validating ${path.basename(file)}: ${p.rowsRead} rows read`);
            else progress.count('Importing', p.rowsWritten, p.rowsValid);
          },
        },
      );
      const done = await imports.service.get(caller, run.id);
      const { rows_read, rows_valid, rows_invalid, rows_created, rows_updated, rows_unchanged } =
        done.progress;
      progress.done(`${done.status}: ${rows_read} read, ${rows_valid} valid, ${rows_invalid} invalid`);
      process.stdout.write(
        `${done.dry_run ? 'Dry run (nothing written): would create' : 'Created'} ${rows_created}, updated ${rows_updated}, unchanged ${rows_unchanged}.\n`,
      );
      if (done.error) process.stdout.write(`Failed: ${done.error.code}: ${done.error.message}\n`);
      for (const e of done.first_errors ?? []) {
        process.stdout.write(`  row ${e.row_number}${e.column ? ` [${e.column}]` : ''}: ${e.message}\n`);
      }
      if (rows_invalid > (done.first_errors?.length ?? 0)) {
        process.stdout.write(
          `  … all ${rows_invalid} rejected rows: GET /api/v1/imports/${run.id}/errors?format=csv\n`,
        );
      }
      if (done.status === 'failed') process.exitCode = 1;
    } finally {
      await app.close();
    }
  } finally {
    await db.close();
  }
}

async function who(db: Database, slug: string, email?: string) {
  return db.withSystem(async (tx) => {
    const tenant = (await tx.sql.query<{ id: string }>('select id from tenants where slug = $1', [slug]))
      .rows[0];
    if (!tenant) throw new CliError(`No tenant with slug "${slug}".`);
    if (!email) return { tenantId: tenant.id, userId: null };
    const user = (
      await tx.sql.query<{ id: string }>(
        'select id from users where tenant_id = $1 and lower(email) = lower($2)',
        [tenant.id, email],
      )
    ).rows[0];
    if (!user) throw new CliError(`No user ${email} in tenant ${slug}.`);
    return { tenantId: tenant.id, userId: user.id };
  });
}

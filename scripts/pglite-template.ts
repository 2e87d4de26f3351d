/**
 * `npm run db:template` (and `prepare`, so `npm ci` runs it): makes the embedded database's empty
 * cluster once for the installed PGlite, so a first start copies it instead of running initdb, and
 * the same cluster with every committed migration applied, so a first start has nothing to migrate
 * (see src/platform/db/pglite-template.ts). Never fails the install: without the files a first
 * start runs initdb and the migrations.
 */
import { existsSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { openDatabase, PGLITE_EXTENSIONS } from '../src/platform/db/index.js';
import {
  buildEmbeddedTemplate,
  embeddedTemplatePath,
  loadEmbeddedTemplate,
  pruneSchemaTemplates,
  saveTemplate,
  schemaTemplatePath,
} from '../src/platform/db/pglite-template.js';
import { migrate } from '../src/schema.js';

const force = process.argv.includes('--force');

async function step(name: string, file: string, build: () => Promise<unknown>): Promise<void> {
  try {
    if (existsSync(file) && !force) {
      process.stdout.write(`Embedded database ${name} present: ${file}\n`);
      return;
    }
    const started = Date.now();
    await build();
    process.stdout.write(`Embedded database ${name} written in ${Date.now() - started} ms: ${file}\n`);
  } catch (error) {
    process.stderr.write(
      `Embedded database ${name} not made (first starts do without it): ${String(error)}\n`,
    );
  }
}

await step('template', embeddedTemplatePath(), buildEmbeddedTemplate);
await step('schema template', schemaTemplatePath(), async () => {
  const instance = await PGlite.create({
    loadDataDir: loadEmbeddedTemplate(),
    extensions: PGLITE_EXTENSIONS,
  });
  try {
    await migrate(await openDatabase({ driver: 'pglite', instance }));
    await saveTemplate(instance, schemaTemplatePath());
  } finally {
    await instance.close();
  }
  pruneSchemaTemplates();
});

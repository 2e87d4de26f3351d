/**
 * `npm run db:template` (and `prepare`, so `npm ci` runs it): makes the embedded database's empty
 * cluster once for the installed PGlite, so a first start copies it instead of running initdb (see
 * src/platform/db/pglite-template.ts). Never fails the install: without the file PGlite runs initdb.
 */
import { existsSync } from 'node:fs';
import { buildEmbeddedTemplate, embeddedTemplatePath } from '../src/platform/db/pglite-template.js';

try {
  const file = embeddedTemplatePath();
  if (existsSync(file) && !process.argv.includes('--force')) {
    process.stdout.write(`Embedded database template present: ${file}\n`);
  } else {
    const started = Date.now();
    await buildEmbeddedTemplate();
    process.stdout.write(`Embedded database template written in ${Date.now() - started} ms: ${file}\n`);
  }
} catch (error) {
  process.stderr.write(`Embedded database template not made (first starts run initdb): ${String(error)}\n`);
}

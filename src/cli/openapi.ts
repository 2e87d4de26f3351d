import { readFile, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { buildApp } from '../app.js';
import type { Config } from '../config.js';
import { openDatabase } from '../platform/db/index.js';
import { CliError } from './open.js';

/** The OpenAPI document as committed: stable formatting so diffs show real API changes. */
export async function renderOpenApi(config: Config): Promise<string> {
  // Building the app needs a database object but runs no query: an in-memory one will do.
  const db = await openDatabase({ driver: 'pglite' });
  const app = await buildApp(
    { ...config, logLevel: 'silent', jwtSecret: 'x'.repeat(32) },
    { db, start: false },
  );
  try {
    await app.ready();
    return `${JSON.stringify(app.swagger(), null, 2)}\n`;
  } finally {
    await app.close();
    await db.close();
  }
}

export async function openapiCommand(
  config: Config,
  options: { out?: string; check?: string },
): Promise<void> {
  const document = await renderOpenApi(config);
  if (options.check) {
    const committed = await readFile(options.check, 'utf8').catch(() => '');
    if (committed !== document) {
      throw new CliError(`${options.check} is out of date with the routes. Run: npm run openapi:generate`);
    }
    process.stdout.write(`${options.check} matches the routes\n`);
    return;
  }
  if (options.out) {
    await mkdir(path.dirname(options.out), { recursive: true });
    await writeFile(options.out, document);
    process.stdout.write(`Wrote ${options.out}\n`);
    return;
  }
  process.stdout.write(document);
}

import { generateDrizzleJson, generateMigration } from 'drizzle-kit/api';
import { accessOf, accessStatements } from '../../src/platform/db/access.js';
import * as base from '../../src/platform/db/tenant-table.js';
import * as probe from '../fixtures/probe.tables.js';

/**
 * Prints, as a JSON array, the DDL drizzle-kit generates for the probe tables plus the access
 * their definitions declare: the same path a module's table takes into a migration.
 *
 * Run as its own process (see global-setup.ts) because drizzle-kit adds enumerable methods to
 * `Array.prototype`, which breaks other libraries (pdf.js) in a test worker shared across files.
 */
const empty = generateDrizzleJson({});
const next = generateDrizzleJson({ ...base, ...probe }, empty.id, undefined, 'snake_case');
const statements = await generateMigration(empty, next);
const access = [probe.rlsProbe, probe.bareProbe].flatMap((table) => accessStatements(accessOf(table)));
process.stdout.write(JSON.stringify([...statements, ...access]));

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnNode } from '../harness/process.js';

describe('salesops import (command line)', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'salesops-cli-import-'));
  const env = { DATA_DIR: dir, DATABASE_URL: '', DEMO_DATA: 'false', LOG_LEVEL: 'warn' };
  const run = async (args: string[]) => {
    const proc = spawnNode(['bin/salesops.js', ...args], env);
    const { code } = await proc.exited;
    return { code, output: proc.output() };
  };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('imports a file into a tenant with progress and reports rejected rows; fails all-or-nothing', async () => {
    const tenant = await run([
      'create-tenant',
      '--name',
      'Cli Co',
      '--slug',
      'cli-co',
      '--admin-email',
      'admin@cli.test',
      '--admin-password',
      'Str0ng-pass!',
    ]);
    expect(tenant.code, tenant.output).toBe(0);
    const file = path.join(dir, 'customers.csv');
    writeFileSync(file, 'code,name\nCLI-1,First\nCLI-2,\nCLI-3,Third\n');

    const first = await run(['import', 'customers', file, '--tenant', 'cli-co', '--user', 'admin@cli.test']);
    expect(first.code, first.output).toBe(0);
    expect(first.output).toContain('completed: 3 read, 2 valid, 1 invalid');
    expect(first.output).toContain('Created 2, updated 0, unchanged 0.');
    expect(first.output).toContain('row 3 [name]: must not be empty');

    const again = await run([
      'import',
      'customers',
      file,
      '--tenant',
      'cli-co',
      '--mode',
      'upsert-by-code',
      '--all-or-nothing',
    ]);
    expect(again.code).toBe(1);
    expect(again.output).toContain('ROWS_INVALID');

    const unknown = await run(['import', 'planets', file, '--tenant', 'cli-co']);
    expect(unknown.code).toBe(1);
    expect(unknown.output).toContain('Unknown entity "planets"');
    const noTenant = await run(['import', 'customers', file, '--tenant', 'nope']);
    expect(noTenant.output).toContain('No tenant with slug "nope"');
  }, 120_000);
});

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { seedsInChildProcess } from '../../src/cli/first-start.js';
import { loadConfig } from '../../src/config.js';

/** `serve` seeds a new embedded database from a child process (the embedded-database test starts one). */
describe('first start: where the demo data is loaded', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'salesops-first-start-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('seeds in a child process only for demo data on an embedded database that does not exist yet', () => {
    const embedded = { DATA_DIR: dataDir, DEMO_DATA: 'true' };
    expect(seedsInChildProcess(loadConfig(embedded))).toBe(true);
    expect(seedsInChildProcess(loadConfig({ ...embedded, DEMO_DATA: 'false' }))).toBe(false);
    expect(seedsInChildProcess(loadConfig({ ...embedded, DATABASE_URL: 'postgres://u@127.0.0.1/x' }))).toBe(
      false,
    );
    // A database made by an earlier start is seeded in the server (the seeders find their data).
    mkdirSync(path.join(dataDir, 'pglite'), { recursive: true });
    writeFileSync(path.join(dataDir, 'pglite', 'PG_VERSION'), '17\n');
    expect(seedsInChildProcess(loadConfig(embedded))).toBe(false);
  });
});

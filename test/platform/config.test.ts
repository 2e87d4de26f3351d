import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, describeSettings, ensureJwtSecret, loadConfig } from '../../src/config.js';

describe('configuration', () => {
  it('applies defaults with no environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      dataDir: './data',
      storageDriver: 'local',
      migrateOnStart: true,
      workers: true,
      demoData: true,
      corsOrigins: ['*'],
    });
    expect(config.databaseUrl).toBeUndefined();
  });

  it('turns demo data off by default on PostgreSQL', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://u@db/x' }).demoData).toBe(false);
  });

  it('names every bad variable at once', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', WORKERS: 'maybe', LOG_LEVEL: 'loud' });
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.problems).toEqual([
      'PORT must be a whole number (got "eighty")',
      'DATABASE_URL must use postgres:// or postgresql:// (got "mysql://x")',
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "loud")',
      'WORKERS must be true or false (got "maybe")',
    ]);
  });

  it('requires a strong JWT_SECRET in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(
      /JWT_SECRET is required when NODE_ENV=production/,
    );
    expect(() => loadConfig({ JWT_SECRET: 'short' })).toThrow(/JWT_SECRET must be at least 32 characters/);
  });

  it('requires a bucket for S3 storage and picks S3 when a bucket is set', () => {
    expect(() => loadConfig({ STORAGE_DRIVER: 's3' })).toThrow(/S3_BUCKET is required/);
    expect(loadConfig({ S3_BUCKET: 'files' }).storageDriver).toBe('s3');
  });

  it('generates the JWT secret once and keeps it in DATA_DIR', () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'salesops-config-'));
    try {
      const first = ensureJwtSecret(loadConfig({ DATA_DIR: dataDir }));
      const second = ensureJwtSecret(loadConfig({ DATA_DIR: dataDir }));
      expect(first.jwtSecret.length).toBeGreaterThanOrEqual(32);
      expect(second.jwtSecret).toBe(first.jwtSecret);
      expect(readFileSync(path.join(dataDir, 'jwt-secret'), 'utf8')).toBe(first.jwtSecret);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('is documented in full in the README configuration table', () => {
    const readme = readFileSync('README.md', 'utf8');
    const missing = describeSettings()
      .map((s) => s.env)
      .filter((env) => !readme.includes(`| \`${env}\``));
    expect(missing).toEqual([]);
  });
});

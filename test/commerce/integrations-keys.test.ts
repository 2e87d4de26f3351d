import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureIntegrationKeys, loadConfig } from '../../src/config.js';
import type { FakeMoysklad } from '../../src/modules/commerce/index.js';
import { createVault } from '../../src/modules/commerce/integrations/credentials.js';
import { createTestDatabase, type TestDatabase } from '../harness/database.js';
import { identityFixture } from '../identity/fixtures.js';
import {
  client,
  createIntegration,
  expectNoSecrets,
  fakeMoysklad,
  integrationsApp,
  type IntegrationJson,
} from './integrations.helpers.js';

const key = (id: string) => ({ id, key: randomBytes(32) });

describe('integration credentials: sealing and key rotation', () => {
  it('seals with the first key, opens with any, and refuses altered or unknown ciphertext', () => {
    const k1 = key('k1');
    const k2 = key('k2');
    const old = createVault([k1]);
    const sealed = old.seal({ type: 'basic', login: 'admin@shop', password: 'pw-123456' });
    expect(sealed.keyId).toBe('k1');
    expect(sealed.cipher).not.toContain('pw-123456');
    expect(old.seal('x').cipher).not.toBe(old.seal('x').cipher); // a fresh IV every time

    const rotated = createVault([k2, k1]);
    expect(rotated.currentKeyId).toBe('k2');
    expect(rotated.open(sealed.cipher, sealed.keyId)).toEqual({
      type: 'basic',
      login: 'admin@shop',
      password: 'pw-123456',
    });
    expect(rotated.seal('x').keyId).toBe('k2');

    const unreadable = { status: 409, code: 'INTEGRATION_CREDENTIALS_UNREADABLE' };
    expect(() => createVault([k2]).open(sealed.cipher, 'k1')).toThrow(expect.objectContaining(unreadable));
    // The key id is authenticated: the same bytes under another id do not open.
    expect(() => createVault([{ id: 'k3', key: k1.key }]).open(sealed.cipher, 'k3')).toThrow(
      expect.objectContaining(unreadable),
    );
    const bytes = Buffer.from(sealed.cipher.slice(3), 'base64url');
    bytes[bytes.length - 1]! ^= 1;
    expect(() => old.open(`v1.${bytes.toString('base64url')}`, 'k1')).toThrow(
      expect.objectContaining(unreadable),
    );
  });

  it('reads INTEGRATION_KEYS, requires it in production and generates one key elsewhere', () => {
    const b64 = randomBytes(32).toString('base64');
    expect(
      loadConfig({ INTEGRATION_KEYS: `k2:${b64}, k1:${b64}` }).integrationKeys!.map((k) => k.id),
    ).toEqual(['k2', 'k1']);
    expect(() => loadConfig({ INTEGRATION_KEYS: 'k1:c2hvcnQ=' })).toThrow(
      /INTEGRATION_KEYS key k1 must be 32 bytes/,
    );
    expect(() => loadConfig({ INTEGRATION_KEYS: `k1:${b64},k1:${b64}` })).toThrow(/must not repeat a key id/);
    expect(() => loadConfig({ INTEGRATION_KEYS: 'no-colon' })).toThrow(/INTEGRATION_KEYS must list/);
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40) })).toThrow(
      /INTEGRATION_KEYS is required when NODE_ENV=production/,
    );
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'salesops-keys-'));
    try {
      const first = ensureIntegrationKeys(loadConfig({ DATA_DIR: dataDir })).integrationKeys;
      const second = ensureIntegrationKeys(loadConfig({ DATA_DIR: dataDir })).integrationKeys;
      expect(first[0]!.key).toHaveLength(32);
      expect(second[0]!.key.equals(first[0]!.key)).toBe(true);
      expect(readFileSync(path.join(dataDir, 'integration-key'), 'utf8').trim()).toBe(
        first[0]!.key.toString('base64'),
      );
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  describe('through the API, on one database', () => {
    let database: TestDatabase;
    let fake: FakeMoysklad;
    afterAll(async () => {
      await fake?.close();
      await database?.close();
    });

    it('rows sealed with k1 still open under k2,k1 and are re-sealed with k2 when read', async () => {
      database = await createTestDatabase();
      fake = await fakeMoysklad();
      const k1 = key('k1');
      const k2 = key('k2');
      const keyIdOf = async (id: string) =>
        (
          await database.db.query<{ credentials_key_id: string; credentials_cipher: string }>(
            'select credentials_key_id, credentials_cipher from integrations where id = $1',
            [id],
          )
        ).rows[0]!;

      const before = await integrationsApp({ database, config: { integrationKeys: [k1] } });
      const fx = await identityFixture(before, 'rotation');
      const created = await createIntegration(before, fx.users.admin.auth, fake);
      const sealedWithK1 = await keyIdOf(created.id);
      expect(sealedWithK1.credentials_key_id).toBe('k1');
      expectNoSecrets(sealedWithK1.credentials_cipher, [fake.credentials.password]);
      await before.close();

      const after = await integrationsApp({ database, config: { integrationKeys: [k2, k1] } });
      try {
        const read = await client(after).ok<IntegrationJson>(
          'GET',
          `/admin/integrations/${created.id}`,
          fx.users.admin.auth,
        );
        expect(read).toMatchObject({ login: 'a***@shop', webhook_url: created.webhook_url });
        const resealed = await keyIdOf(created.id);
        expect(resealed.credentials_key_id).toBe('k2');
        expect(resealed.credentials_cipher).not.toBe(sealedWithK1.credentials_cipher);
        expect(
          await client(after).ok('POST', `/admin/integrations/${created.id}/test`, fx.users.admin.auth),
        ).toMatchObject({ ok: true, account_id: fake.accountId });
      } finally {
        await after.close();
      }

      // k1 can go now: everything read since is sealed with k2.
      const k2Only = await integrationsApp({ database, config: { integrationKeys: [k2] } });
      try {
        const read = await client(k2Only).ok<IntegrationJson>(
          'GET',
          `/admin/integrations/${created.id}`,
          fx.users.admin.auth,
        );
        expect(read.webhook_url).toBe(created.webhook_url);
      } finally {
        await k2Only.close();
      }
    }, 180_000);
  });
});

import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { hashPassword, setPasswordHashCost, verifyPassword } from '../../src/modules/identity/passwords.js';

const SECRET = 'x'.repeat(40);
const KEYS = `k1:${Buffer.alloc(32, 7).toString('base64')}`;

describe('PASSWORD_HASH_COST', () => {
  it('defaults to standard and refuses anything weaker in production', () => {
    expect(loadConfig({}).passwordHashCost).toBe('standard');
    expect(
      loadConfig({ NODE_ENV: 'production', JWT_SECRET: SECRET, INTEGRATION_KEYS: KEYS }).passwordHashCost,
    ).toBe('standard');
    expect(loadConfig({ NODE_ENV: 'test', PASSWORD_HASH_COST: 'low' }).passwordHashCost).toBe('low');
    expect(() =>
      loadConfig({
        NODE_ENV: 'production',
        JWT_SECRET: SECRET,
        INTEGRATION_KEYS: KEYS,
        PASSWORD_HASH_COST: 'low',
      }),
    ).toThrow(/PASSWORD_HASH_COST must be standard when NODE_ENV=production/);
    expect(() => loadConfig({ PASSWORD_HASH_COST: 'none' })).toThrow(/must be one of standard, low/);
  });

  it('hashes with the chosen parameters, and hashes of either cost keep verifying', async () => {
    try {
      setPasswordHashCost('standard');
      const strong = await hashPassword('Passw0rd!strong');
      expect(strong).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
      setPasswordHashCost('low');
      const cheap = await hashPassword('Passw0rd!cheap');
      expect(cheap).toMatch(/^\$argon2id\$v=19\$m=1024,t=1,p=1\$/);
      expect(await verifyPassword(strong, 'Passw0rd!strong')).toBe(true);
      expect(await verifyPassword(strong, 'Passw0rd!wrong')).toBe(false);
      setPasswordHashCost('standard');
      expect(await verifyPassword(cheap, 'Passw0rd!cheap')).toBe(true);
      expect(await verifyPassword(cheap, 'Passw0rd!wrong')).toBe(false);
    } finally {
      setPasswordHashCost('low');
    }
  });
});

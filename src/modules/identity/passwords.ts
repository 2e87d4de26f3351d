import { hash, verify, type Options } from '@node-rs/argon2';
import type { Config } from '../../config.js';
import { AppError } from '../../platform/http/errors.js';

/**
 * argon2id parameters of new hashes, by PASSWORD_HASH_COST. `standard` is the library's default
 * (19 MiB, 2 passes): OWASP's recommended minimum. `low` exists so test runs, which create
 * thousands of users, do not spend minutes hashing; configuration refuses it in production.
 * A hash records its own parameters, so hashes made under either cost keep verifying.
 */
const COSTS = {
  standard: {},
  low: { memoryCost: 1024, timeCost: 1, parallelism: 1 },
} satisfies Record<string, Options>;

let options: Options = COSTS.standard;

/** Applies PASSWORD_HASH_COST for this process (the identity module does so when it starts). */
export function setPasswordHashCost(cost: Config['passwordHashCost']): void {
  const next: Options | undefined = COSTS[cost as keyof typeof COSTS];
  if (!next) throw new Error(`Unknown password hash cost ${cost}`);
  if (options === next) return;
  options = next;
  decoy = undefined;
}

export const hashPassword = (password: string): Promise<string> => hash(password, options);

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/**
 * A hash of a random password, verified against when the user does not exist, so an unknown login
 * costs the same time as a wrong password (no user enumeration by timing).
 */
let decoy: Promise<string> | undefined;
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword(`decoy-${Math.random()}`);
  return decoy;
}

export const PASSWORD_MAX_LENGTH = 128;

/**
 * The password policy: length between the tenant's minimum (default 8) and 128, at least one letter
 * and one digit, and not the e-mail address. Fails with 422 naming the rule broken.
 */
export function checkPasswordPolicy(
  password: string,
  options: { minLength: number; email?: string },
  path = '/body/password',
): void {
  const rule = (code: string, message: string) =>
    new AppError(422, 'PASSWORD_POLICY', message, {
      errors: [{ path, message }],
      extensions: { rule: code },
    });
  if (password.length < options.minLength)
    throw rule('min_length', `must be at least ${options.minLength} characters`);
  if (password.length > PASSWORD_MAX_LENGTH)
    throw rule('max_length', `must be at most ${PASSWORD_MAX_LENGTH} characters`);
  if (!/\p{L}/u.test(password) || !/\p{Nd}/u.test(password))
    throw rule('letters_and_digits', 'must contain letters and digits');
  const email = options.email?.trim().toLowerCase();
  if (email && (password.toLowerCase() === email || password.toLowerCase() === email.split('@')[0])) {
    throw rule('not_email', 'must not be the e-mail address');
  }
}

import { createInterface } from 'node:readline/promises';
import type { Config } from '../config.js';
import { checkPasswordPolicy, createSuperAdmin, hashPassword } from '../modules/identity/index.js';
import { AppError } from '../platform/http/errors.js';
import { CliError, migrateWithProgress, openConfiguredDatabase } from './open.js';
import { createProgress } from './progress.js';

/**
 * Fills in missing values: prompts on a terminal (password input hidden), fails with the flag
 * names otherwise, so scripts get a clear error instead of a hang.
 */
export async function ask(
  questions: { key: string; flag: string; label: string; secret?: boolean; optional?: boolean }[],
  given: Record<string, string | undefined>,
): Promise<Record<string, string>> {
  const answers: Record<string, string> = {};
  const missing = questions.filter((q) => !given[q.key] && !q.optional);
  if (missing.length > 0 && !process.stdin.isTTY)
    throw new CliError(`Missing ${missing.map((q) => `--${q.flag}`).join(', ')} (no terminal to ask on).`);
  const rl =
    missing.length > 0
      ? createInterface({ input: process.stdin, output: process.stderr, terminal: true })
      : undefined;
  try {
    for (const q of questions) {
      let value = given[q.key];
      if (!value && rl && !q.optional) {
        if (q.secret) {
          // Mute echo while the secret is typed.
          const output = rl as unknown as { _writeToOutput?: (s: string) => void };
          process.stderr.write(`${q.label}: `);
          output._writeToOutput = () => undefined;
          value = await rl.question('');
          output._writeToOutput = undefined;
          delete output._writeToOutput;
          process.stderr.write('\n');
        } else {
          value = await rl.question(`${q.label}: `);
        }
      }
      if (value?.trim()) answers[q.key] = q.secret ? value : value.trim();
      else if (!q.optional) throw new CliError(`${q.label} is required (--${q.flag}).`);
    }
  } finally {
    rl?.close();
  }
  return answers;
}

export function policyOrExit(password: string, email: string): void {
  try {
    checkPasswordPolicy(password, { minLength: 8, email });
  } catch (error) {
    if (error instanceof AppError)
      throw new CliError(`Password ${error.errors?.[0]?.message ?? error.detail}.`);
    throw error;
  }
}

/** `salesops create-superadmin --email E --password P [--name N]` (prompts for what is missing). */
export async function createSuperAdminCommand(
  config: Config,
  flags: { email?: string; password?: string; name?: string },
): Promise<void> {
  const a = await ask(
    [
      { key: 'email', flag: 'email', label: 'E-mail' },
      { key: 'password', flag: 'password', label: 'Password', secret: true },
      { key: 'name', flag: 'name', label: 'Name', optional: true },
    ],
    flags,
  );
  if (!/^[^\s@]+@[^\s@]+$/.test(a.email!)) throw new CliError('The e-mail address is not valid.');
  policyOrExit(a.password!, a.email!);
  const [firstName = 'Super', ...rest] = (a.name ?? 'Super Admin').split(/\s+/);
  const passwordHash = await hashPassword(a.password!);
  const db = await openConfiguredDatabase(config);
  try {
    await migrateWithProgress(db, createProgress());
    const id = await db.withSystem(async (tx) => {
      const taken = await tx.sql.query('select 1 from users where lower(email) = lower($1)', [a.email]);
      if (taken.rows.length > 0) throw new CliError(`A user with the e-mail ${a.email} exists already.`);
      return createSuperAdmin(tx, {
        email: a.email!,
        passwordHash,
        firstName,
        lastName: rest.join(' '),
      });
    });
    process.stdout.write(`Super admin created: ${a.email} (id ${id})\n`);
  } finally {
    await db.close();
  }
}

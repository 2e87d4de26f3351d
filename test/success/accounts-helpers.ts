import { expect } from 'vitest';
import type { TestApp } from '../harness/app.js';
import type { IdentityFixture } from '../identity/fixtures.js';
import { client, createCustomer, type Headers } from './helpers.js';

export type Row = Record<string, unknown> & { id: string };
export type Listed = { total: number | null; next_cursor: string | null } & Record<string, unknown>;
export type Problem = { code: string; errors?: { path: string; message: string }[] };

const DAY = 86_400_000;

/** The calendar date `days` from today in `timeZone`, YYYY-MM-DD. */
export function dayIn(timeZone: string, days = 0): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone }).format(new Date(Date.now() + days * DAY));
}

/** A customer whose account manager is `ownerId`. */
export const ownedCustomer = (t: TestApp, fx: IdentityFixture, ownerId: string | null, body: object = {}) =>
  createCustomer(t, fx.users.admin.auth, { owner_id: ownerId, ...body });

export async function createDeployment(
  t: TestApp,
  auth: Headers,
  customerId: string,
  body: object = {},
): Promise<Row> {
  return client(t).ok<Row>(
    'POST',
    '/deployments',
    auth,
    { customer_id: customerId, product_name: 'MonetX', ...body },
    201,
  );
}

export async function logInteraction(
  t: TestApp,
  auth: Headers,
  customerId: string,
  body: object = {},
): Promise<Row> {
  return client(t).ok<Row>(
    'POST',
    '/interactions',
    auth,
    { customer_id: customerId, interaction_type: 'call', subject: 'Check-in', ...body },
    201,
  );
}

/** The ids of a list page under `key`. */
export const idsOf = (page: Listed, key: string) => (page[key] as Row[]).map((row) => row.id);

/** The pointers of a 422's field errors. */
export const pathsOf = (problem: Problem) => (problem.errors ?? []).map((e) => e.path);

/** Sets the tenant's time zone (tenant settings are read on every request). */
export async function setTimeZone(t: TestApp, tenantId: string, timeZone: string): Promise<void> {
  await t.database.db.query(
    `update tenants set settings = coalesce(settings, '{}'::jsonb) || jsonb_build_object('time_zone', $2::text) where id = $1`,
    [tenantId, timeZone],
  );
}

export const expectProblem = (problem: Problem, code: string, path?: string) => {
  expect(problem.code).toBe(code);
  if (path) expect(pathsOf(problem)).toContain(path);
};

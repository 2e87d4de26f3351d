import { expect } from 'vitest';
import type { TestApp } from '../harness/app.js';
import { FIXTURE_PASSWORD, identityFixture } from '../identity/fixtures.js';
import type { JobRun } from '../notify/helpers.js';
import type { Res } from '../field/helpers.js';
import { dayIn, pathsOf, type Problem } from './accounts-helpers.js';
import { client, expectStatus, uniq, type Headers } from './helpers.js';

/*
 * Shared by the three files that adapt the Success Manager specification's API test script
 * (`backend/test_api.py`). The script runs against a seeded server with demo accounts
 * (admin@…, sarah.manager@…, emily.viewer@…); here every tenant is a fresh identity fixture and
 * its data is created through the API, so each figure is known exactly.
 */

/** The tenant's today (fixture tenants keep the default time zone, UTC), `days` ahead. */
export const day = (days = 0): string => dayIn('UTC', days);

export interface TokenPair {
  access_token: string;
  refresh_token: string;
  token_type: string;
  expires_in: number;
  user: { id: string; email: string; roles: string[]; scope: string };
}

/** A urlencoded post to the login route, as an OAuth2 password-grant client sends it. */
export const formPost = (t: TestApp, fields: Record<string, string>) =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams(fields).toString(),
  }) as unknown as Promise<Res>;

/** The script's login: an OAuth2 password form (`username`, `password`). */
export async function formLogin(t: TestApp, username: string, password = FIXTURE_PASSWORD) {
  const pair = expectStatus(await formPost(t, { username, password }), 200).json<TokenPair>();
  expect(pair).toMatchObject({ token_type: 'bearer', user: { email: username } });
  return { pair, auth: { authorization: `Bearer ${pair.access_token}` } as Headers };
}

/** A 422 naming `path` among its field errors. */
export const expectInvalid = (res: Res, path: string) =>
  expect(pathsOf(expectStatus(res, 422).json<Problem>())).toContain(path);

/** Polls a job run route (`GET …/{id}` answering a job run) until it has finished. */
export async function waitForJob(t: TestApp, auth: Headers, url: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await client(t).ok<JobRun>('GET', url, auth);
    if (run.status === 'succeeded' || run.status === 'failed') return run;
    if (Date.now() > deadline) throw new Error(`${url} still ${run.status}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

type Call = [
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  url: string,
  body: object | undefined,
  status: number,
];

/** Makes each call and compares every status at once, so a role's matrix fails with one diff. */
export async function expectStatuses(t: TestApp, auth: Headers, calls: Call[]): Promise<void> {
  const seen: string[] = [];
  for (const [method, url, body] of calls)
    seen.push(`${method} ${url} ${(await client(t).call(method, url, auth, body)).statusCode}`);
  expect(seen).toEqual(calls.map(([method, url, , status]) => `${method} ${url} ${status}`));
}

export type WorldIds = Record<'alpha' | 'beta' | 'gamma' | 'monetx' | 'supportx', string>;

/**
 * The script's seeded data, built through the API: Alpha Telecom (the agent's; contract of 12,000
 * USD ending in 60 days; MonetX and SupportX deployed; a positive meeting and an escalation;
 * scored 57, high risk, so at_risk), Beta Retail (archived: churned) and Gamma Health (the
 * agent's, onboarding, never scored). The escalation and the score raise one alert each.
 */
export async function scriptWorld(t: TestApp, name: string) {
  const { ok } = client(t);
  const fx = await identityFixture(t, name);
  const { auth: admin } = await formLogin(t, fx.users.admin.email);
  const customer = async (body: object) =>
    (await ok('POST', '/customers', admin, { code: uniq('CU'), ...body }, 201)).id;
  const ids = {} as WorldIds;
  ids.alpha = await customer({
    name: 'Alpha Telecom',
    industry: 'Telecom',
    owner_id: fx.users.agent.id,
    contract_start: day(-100),
    contract_end: day(60),
    contract_value: '12000.00',
    currency: 'USD',
  });
  ids.beta = await customer({ name: 'Beta Retail', industry: 'Retail' });
  expectStatus(await client(t).call('DELETE', `/customers/${ids.beta}`, admin), 204);
  ids.gamma = await customer({
    name: 'Gamma Health',
    industry: 'Health',
    owner_id: fx.users.agent.id,
    status: 'onboarding',
  });
  const deploy = async (body: object) =>
    (await ok('POST', '/deployments', admin, { customer_id: ids.alpha, ...body }, 201)).id;
  ids.monetx = await deploy({ product_name: 'MonetX', licence_expiry: day(20) });
  ids.supportx = await deploy({ product_name: 'SupportX', environment: 'on_premise' });
  const log = (auth: Headers, body: object) =>
    ok('POST', '/interactions', auth, { customer_id: ids.alpha, ...body }, 201);
  await log(fx.users.agent.auth, { interaction_type: 'meeting', subject: 'QBR', sentiment: 'positive' });
  await log(admin, { interaction_type: 'escalation', subject: 'Outage' });
  // Adoption 70, support 90, engagement 15, financial 50: 14 + 27 + 3.75 + 12.5 = 57.25 → 57.
  const score = await ok<{ overall_score: number }>(
    'POST',
    `/health-scores/calculate/${ids.alpha}`,
    admin,
    undefined,
    201,
  );
  expect(score.overall_score).toBe(57);
  return { fx, admin, ids };
}

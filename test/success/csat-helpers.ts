import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { deployments } from '../../src/modules/success/tables/deployments.tables.js';
import { surveyToken } from '../../src/modules/success/csat/survey-token.js';
import type { TestApp } from '../harness/app.js';
import { identityFixture, type FixtureUser, type IdentityFixture } from '../identity/fixtures.js';
import { client, createCustomer, createTeam, extraUser, type Headers } from './helpers.js';

export type Problem = {
  status: number;
  code: string;
  detail: string;
  errors?: { path: string; message: string }[];
};

export interface CsatResponse {
  id: string;
  customer_id: string;
  customer_name: string;
  deployment_id: string | null;
  survey_type: string;
  score: number;
  feedback_text: string | null;
  submitted_by_user: string | null;
  link_id: string | null;
  submitted_at: string;
}

export interface SurveyLink {
  id: string;
  url: string;
  token: string;
  expires_at: string;
}

/**
 * A tenant on Tashkent time (UTC+5) with its fixture users, a peer agent outside the team leader's
 * team, and customers: the agent's (`mine`), the peer's (`peers`) and one without an account
 * manager (`unowned`).
 */
export async function csatTenant(t: TestApp, name: string) {
  const fx: IdentityFixture = await identityFixture(t, name);
  const admin = fx.users.admin.auth;
  await client(t).ok('PUT', `/tenants/${fx.tenantId}`, admin, { settings: { time_zone: 'Asia/Tashkent' } });
  const peer: FixtureUser = await extraUser(t, fx, 'agent');
  await createTeam(t, fx, fx.users.team_leader.id, [fx.users.agent.id]);
  const mine = await createCustomer(t, admin, { owner_id: fx.users.agent.id });
  const peers = await createCustomer(t, admin, { owner_id: peer.id });
  const unowned = await createCustomer(t, admin);
  return { fx, admin, peer, customers: { mine, peers, unowned } };
}

export type CsatTenant = Awaited<ReturnType<typeof csatTenant>>;

/** A deployment of the customer (written directly: deployments have their own routes). */
export async function insertDeployment(t: TestApp, tenantId: string, customerId: string): Promise<string> {
  return t.database.db.withTenant({ tenantId }, async (tx) => {
    const [row] = await tx.db
      .insert(deployments)
      .values({ tenantId, customerId, productName: 'MonetX' })
      .returning({ id: deployments.id });
    return row!.id;
  });
}

export async function recordResponse(t: TestApp, who: Headers, body: object): Promise<CsatResponse> {
  return client(t).ok<CsatResponse>('POST', '/csat', who, body, 201);
}

export async function createLink(t: TestApp, who: Headers, body: object): Promise<SurveyLink> {
  return client(t).ok<SurveyLink>('POST', '/csat/survey-link', who, body, 201);
}

let address = 0;
/** A client address of its own, so one test's requests do not spend another's rate-limit budget. */
export const freshIp = () => `10.${(++address >> 16) & 255}.${(address >> 8) & 255}.${address & 255}`;

/** A request without authentication from a given client address. */
export function anonymous(t: TestApp, ip = freshIp()) {
  return (method: 'GET' | 'POST', url: string, payload?: object | string, headers: Headers = {}) =>
    t.app.inject({ method, url: `/api/v1${url}`, payload, headers, remoteAddress: ip });
}

/** Moves a link's expiry into the past and answers a token naming it, as the server would sign it. */
export async function expireLink(t: TestApp, tenantId: string, linkId: string): Promise<string> {
  const expiresAt = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000);
  await t.database.db.withSystem((tx) =>
    tx.db.execute(sql`update csat_survey_links set expires_at = ${expiresAt.toISOString()}::timestamptz
      where tenant_id = ${tenantId} and id = ${linkId}`),
  );
  return surveyToken(t.app.platform.tokens, { tenantId, linkId, expiresAt });
}

export const expectProblem = (res: { statusCode: number; body: string }, status: number, code: string) => {
  expect(res.statusCode, res.body).toBe(status);
  const problem = JSON.parse(res.body) as Problem;
  expect(problem.code).toBe(code);
  return problem;
};

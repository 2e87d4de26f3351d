import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { surveyToken } from '../../src/modules/success/csat/survey-token.js';
import { PUBLIC_SURVEY_LIMITS } from '../../src/modules/success/csat/public.routes.js';
import { createTokenService } from '../../src/platform/http/tokens.js';
import type { TestApp } from '../harness/app.js';
import { driverUnderTest } from '../harness/database.js';
import {
  anonymous,
  createLink,
  csatTenant,
  expectProblem,
  expireLink,
  insertDeployment,
  type CsatResponse,
  type CsatTenant,
} from './csat-helpers.js';
import { client, successApp } from './helpers.js';

const DAY = 86_400_000;

describe('success: survey links', () => {
  let t: TestApp;
  let a: CsatTenant;
  let b: CsatTenant;
  let api: ReturnType<typeof client>;
  let manager: { authorization: string };

  const link = (body: object = {}) =>
    createLink(t, manager, { customer_id: a.customers.mine, survey_type: 'post_ticket', ...body });
  const info = (token: string) => anonymous(t)('GET', `/csat/public/info/${token}`);
  const submit = (token: string, body: object) => anonymous(t)('POST', `/csat/public/submit/${token}`, body);
  const responsesOfLink = async (linkId: string) =>
    (
      await api.ok<{ responses: CsatResponse[] }>(
        'GET',
        `/csat?customer_id=${a.customers.mine}&limit=500`,
        a.admin,
      )
    ).responses.filter((r) => r.link_id === linkId);

  beforeAll(async () => {
    t = await successApp();
    a = await csatTenant(t, 'csat-links');
    b = await csatTenant(t, 'csat-links-rival');
    api = client(t);
    manager = a.fx.users.team_leader.auth;
  });
  afterAll(() => t.close());

  it('creates a signed link that expires in 7 days by default and opens the public page', async () => {
    const before = Date.now();
    const created = await link({
      recipient_name: 'Aziz',
      recipient_email: 'aziz@client.test',
      ticket_reference: 'T-9',
    });
    expect(created.url).toBe(
      `${t.config.publicUrl.replace(/\/+$/, '')}/api/v1/csat/public/survey/${created.token}`,
    );
    expect(created.token).toMatch(/^[A-Za-z0-9_-]{40,200}$/);
    const expires = Date.parse(created.expires_at);
    expect(expires).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 7 * DAY);
    expect(expires).toBeLessThanOrEqual(Date.now() + 7 * DAY);
    expect(expires % 1000).toBe(0);
    const inFive = await link({ expires_in_days: 5, survey_type: 'nps' });
    expect(Date.parse(inFive.expires_at) - Date.now()).toBeGreaterThan(5 * DAY - 60_000);
    const at = new Date(Date.now() + 2 * DAY).toISOString();
    expect(Date.parse((await link({ expires_at: at })).expires_at)).toBe(
      Math.floor(Date.parse(at) / 1000) * 1000,
    );
  });

  it('lets managers create links for customers in their scope; agents and viewers cannot', async () => {
    const body = { customer_id: a.customers.mine, survey_type: 'quarterly' };
    for (const role of ['agent', 'viewer'] as const)
      expectProblem(
        await api.call('POST', '/csat/survey-link', a.fx.users[role].auth, body),
        403,
        'FORBIDDEN',
      );
    expectProblem(await api.call('POST', '/csat/survey-link', {}, body), 401, 'UNAUTHENTICATED');
    for (const role of ['national_manager', 'admin'] as const)
      await createLink(t, a.fx.users[role].auth, { ...body, customer_id: a.customers.unowned });
    const outOfScope = await api.call('POST', '/csat/survey-link', manager, {
      ...body,
      customer_id: a.customers.peers,
    });
    expect(expectProblem(outOfScope, 422, 'VALIDATION_FAILED').errors).toEqual([
      { path: '/body/customer_id', message: 'no such customer' },
    ]);
  });

  it('checks the expiry, the type and the deployment', async () => {
    const other = await insertDeployment(t, a.fx.tenantId, a.customers.unowned);
    const soon = new Date(Date.now() + DAY).toISOString();
    const cases: [object, string][] = [
      [{ expires_in_days: 0 }, '/body/expires_in_days'],
      [{ expires_in_days: 91 }, '/body/expires_in_days'],
      [{ expires_at: new Date(Date.now() - 1000).toISOString() }, '/body/expires_at'],
      [{ expires_at: new Date(Date.now() + 91 * DAY).toISOString() }, '/body/expires_at'],
      [{ expires_at: soon, expires_in_days: 3 }, '/body/expires_at'],
      [{ survey_type: 'weekly' }, '/body/survey_type'],
      [{ deployment_id: other }, '/body/deployment_id'],
      [{ recipient_email: 'nope' }, '/body/recipient_email'],
      [{ customer_id: b.customers.mine }, '/body/customer_id'],
    ];
    for (const [patch, path] of cases) {
      const body = { customer_id: a.customers.mine, survey_type: 'quarterly', ...patch };
      const problem = expectProblem(
        await api.call('POST', '/csat/survey-link', a.admin, body),
        422,
        'VALIDATION_FAILED',
      );
      expect(problem.errors?.map((e) => e.path)).toContain(path);
    }
  });

  it('shows only the tenant’s name and the question, takes one answer, then answers 410 used', async () => {
    const deployment = await insertDeployment(t, a.fx.tenantId, a.customers.mine);
    const created = await link({
      deployment_id: deployment,
      recipient_name: 'Aziz',
      ticket_reference: 'T-42',
    });
    const opened = await info(created.token);
    expect(opened.statusCode, opened.body).toBe(200);
    const tenantName = (await api.ok<{ name: string }>('GET', `/tenants/${a.fx.tenantId}`, a.admin)).name;
    expect(opened.json()).toEqual({
      tenant_name: tenantName,
      question: 'How satisfied are you with the support you received?',
      scale: { min: 1, max: 5, min_label: 'Very dissatisfied', max_label: 'Very satisfied' },
    });
    const answered = await submit(created.token, { score: 4, feedback_text: 'Solved fast' });
    expect(answered.statusCode, answered.body).toBe(201);
    expect(answered.json()).toEqual({ message: 'Thank you for your feedback.' });
    expect(await responsesOfLink(created.id)).toEqual([
      expect.objectContaining({
        survey_type: 'post_ticket',
        score: 4,
        deployment_id: deployment,
        submitted_by_name: 'Aziz',
        ticket_reference: 'T-42',
        submitted_by_user: null,
        feedback_text: 'Solved fast',
      }),
    ]);
    expectProblem(await submit(created.token, { score: 5 }), 410, 'SURVEY_LINK_USED');
    expectProblem(await info(created.token), 410, 'SURVEY_LINK_USED');
    expect(await responsesOfLink(created.id)).toHaveLength(1);
  });

  it('scores an nps link 0–10 and a CSAT link 1–5; a refused score leaves the link open', async () => {
    const nps = await link({ survey_type: 'nps' });
    expect((await info(nps.token)).json()).toMatchObject({ scale: { min: 0, max: 10 } });
    const over = expectProblem(await submit(nps.token, { score: 11 }), 422, 'VALIDATION_FAILED');
    expect(over.errors?.[0]?.path).toBe('/body/score');
    expect((await submit(nps.token, { score: 0 })).statusCode).toBe(201);
    const csat = await link({ survey_type: 'onboarding' });
    const zero = expectProblem(await submit(csat.token, { score: 0 }), 422, 'VALIDATION_FAILED');
    expect(zero.errors).toEqual([
      { path: '/body/score', message: 'must be between 1 and 5 for an onboarding survey' },
    ]);
    for (const body of [
      {},
      { score: 3, extra: 1 },
      { score: 3, feedback_text: 'a\u0000b' },
      { score: 3, submitted_by_email: 'x' },
    ])
      expectProblem(await submit(csat.token, body), 422, 'VALIDATION_FAILED');
    expect((await submit(csat.token, { score: 5 })).statusCode).toBe(201);
  });

  it('answers 410 expired for a link past its time', async () => {
    const created = await link();
    const token = await expireLink(t, a.fx.tenantId, created.id);
    expectProblem(await info(token), 410, 'SURVEY_LINK_EXPIRED');
    expectProblem(await submit(token, { score: 5 }), 410, 'SURVEY_LINK_EXPIRED');
    expect(await responsesOfLink(created.id)).toEqual([]);
    // The token it was issued with no longer matches the link's expiry: not a link.
    expectProblem(await info(created.token), 404, 'SURVEY_LINK_NOT_FOUND');
  });

  it('answers every token it did not sign with the same 404, leaking nothing', async () => {
    const created = await link();
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
    const tokens = t.app.platform.tokens;
    const foreign = createTokenService('another-secret-another-secret-0123456789');
    const expiresAt = new Date(Date.parse(created.expires_at));
    const bad = [
      flip(created.token, 5), // the payload changed
      flip(created.token, created.token.length - 3), // the signature changed
      created.token.slice(0, -4),
      'abc',
      'not.a-token!',
      Buffer.alloc(80, 7).toString('base64url'),
      surveyToken(foreign, { tenantId: a.fx.tenantId, linkId: created.id, expiresAt }), // another secret
      surveyToken(tokens, { tenantId: a.fx.tenantId, linkId: crypto.randomUUID(), expiresAt }), // unknown link
    ];
    const answers = new Set<string>();
    for (const token of bad) {
      for (const res of [await info(token), await submit(token, { score: 5 })]) {
        const { request_id: _id, ...problem } = expectProblem(res, 404, 'SURVEY_LINK_NOT_FOUND') as object & {
          request_id?: string;
        };
        answers.add(JSON.stringify(problem));
      }
    }
    expect([...answers]).toEqual([
      JSON.stringify({
        type: 'urn:salesops:problem:survey-link-not-found',
        title: 'Not Found',
        status: 404,
        detail: 'This survey link is not valid.',
        code: 'SURVEY_LINK_NOT_FOUND',
      }),
    ]);
    expectProblem(await info(`${'A'.repeat(300)}`), 414, 'URI_TOO_LONG');
    expect(await responsesOfLink(created.id)).toEqual([]);
  });

  it('never reveals another tenant: a token names its tenant and is read there only', async () => {
    const rival = await createLink(t, b.admin, { customer_id: b.customers.mine, survey_type: 'quarterly' });
    const expiresAt = new Date(Date.parse(rival.expires_at));
    const crossed = surveyToken(t.app.platform.tokens, {
      tenantId: a.fx.tenantId,
      linkId: rival.id,
      expiresAt,
    });
    expectProblem(await info(crossed), 404, 'SURVEY_LINK_NOT_FOUND');
    expectProblem(await submit(crossed, { score: 5 }), 404, 'SURVEY_LINK_NOT_FOUND');
    const rivalName = (await api.ok<{ name: string }>('GET', `/tenants/${b.fx.tenantId}`, b.admin)).name;
    expect((await info(rival.token)).json()).toMatchObject({ tenant_name: rivalName });
    const mine = await link();
    expect((await info(mine.token)).json()).not.toMatchObject({ tenant_name: rivalName });
  });

  it('stores exactly one of simultaneous answers; the others are 410 used', async () => {
    const created = await link();
    const results = await Promise.all(
      [5, 1, 4, 2, 3].map((score) => anonymous(t)('POST', `/csat/public/submit/${created.token}`, { score })),
    );
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 410, 410, 410, 410]);
    for (const loser of results.filter((r) => r.statusCode === 410))
      expectProblem(loser, 410, 'SURVEY_LINK_USED');
    const stored = await responsesOfLink(created.id);
    expect(stored).toHaveLength(1);
    const winner = results.findIndex((r) => r.statusCode === 201);
    expect(stored[0]!.score).toBe([5, 1, 4, 2, 3][winner]);
  });

  // Requests through inject rarely overlap enough for both to read the link open; holding its row
  // makes them: both pass the read, both queue on the claim, and only the first can claim it.
  it.skipIf(driverUnderTest !== 'postgres')(
    'lets one of two submits that both read the link open claim it',
    async () => {
      const created = await link();
      let release!: () => void;
      let locked!: () => void;
      const isLocked = new Promise<void>((resolve) => (locked = resolve));
      const holder = t.database.db.withSystem(async (tx) => {
        await tx.sql.query('select 1 from csat_survey_links where id = $1 for update', [created.id]);
        locked();
        await new Promise<void>((resolve) => (release = resolve));
      });
      await isLocked;
      const submits = Promise.all([submit(created.token, { score: 5 }), submit(created.token, { score: 4 })]);
      const waiting = async () =>
        Number(
          (
            await t.database.db.query<{ n: string }>(
              "select count(*) as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'",
            )
          ).rows[0]?.n,
        );
      for (let i = 0; i < 200 && (await waiting()) < 2; i++) await new Promise((r) => setTimeout(r, 25));
      expect(await waiting()).toBe(2);
      release();
      await holder;
      const results = await submits;
      expect(results.map((r) => r.statusCode).sort()).toEqual([201, 410]);
      expectProblem(
        results.find((r) => r.statusCode === 410)!,
        410,
        'SURVEY_LINK_USED',
      );
      expect(await responsesOfLink(created.id)).toHaveLength(1);
    },
  );

  it('limits requests per link and client address, and per address', async () => {
    const created = await link();
    const ip = anonymous(t);
    for (let i = 0; i < PUBLIC_SURVEY_LIMITS.perLinkAndIp; i++)
      expect((await ip('GET', `/csat/public/info/${created.token}`)).statusCode).toBe(200);
    const limited = await ip('GET', `/csat/public/info/${created.token}`);
    expectProblem(limited, 429, 'RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expectProblem(
      await ip('POST', `/csat/public/submit/${created.token}`, { score: 5 }),
      429,
      'RATE_LIMITED',
    );
    // Another address still gets through, and can answer.
    expect((await submit(created.token, { score: 5 })).statusCode).toBe(201);

    const guesser = anonymous(t);
    for (let i = 0; i < PUBLIC_SURVEY_LIMITS.perIp; i++)
      expect((await guesser('GET', `/csat/public/info/guess${i}`)).statusCode).toBe(404);
    expectProblem(await guesser('GET', '/csat/public/info/guess-more'), 429, 'RATE_LIMITED');
  });
});

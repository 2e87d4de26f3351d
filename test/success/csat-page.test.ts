import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PUBLIC_SURVEY_LIMITS } from '../../src/modules/success/csat/public.routes.js';
import type { TestApp } from '../harness/app.js';
import {
  anonymous,
  createLink,
  csatTenant,
  expectProblem,
  expireLink,
  type CsatResponse,
  type CsatTenant,
} from './csat-helpers.js';
import { client, successApp } from './helpers.js';

/** What a browser sends when it opens a page or posts its form. */
const BROWSER = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };
const FORM = { ...BROWSER, 'content-type': 'application/x-www-form-urlencoded' };
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
type Page = { statusCode: number; body: string; headers: Record<string, unknown> };

/** What every survey page answer must be: HTML under a policy that allows its one style sheet only. */
function expectPage(res: Page, status: number): string {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
  const csp = String(res.headers['content-security-policy']);
  const style = /<style>([\s\S]*?)<\/style>/.exec(res.body)?.[1] ?? '';
  expect(csp).toBe(
    `default-src 'none'; style-src 'sha256-${createHash('sha256').update(style).digest('base64')}'; ` +
      "form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  );
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(res.headers['referrer-policy']).toBe('no-referrer');
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.body).not.toMatch(/<script|\son\w+=/i);
  return res.body;
}

describe('success: the public survey page', () => {
  let t: TestApp;
  let a: CsatTenant;
  let api: ReturnType<typeof client>;

  const link = (body: object = {}) =>
    createLink(t, a.admin, { customer_id: a.customers.mine, survey_type: 'post_ticket', ...body });
  const pagePath = (token: string) => `/csat/public/survey/${token}`;
  const open = (token: string) => anonymous(t)('GET', pagePath(token), undefined, BROWSER);
  const post = (token: string, fields: Record<string, string>) =>
    anonymous(t)('POST', pagePath(token), form(fields), FORM);
  const stored = async (linkId: string) =>
    (await api.ok<{ responses: CsatResponse[] }>('GET', '/csat?limit=500', a.admin)).responses.filter(
      (r) => r.link_id === linkId,
    );

  beforeAll(async () => {
    t = await successApp();
    a = await csatTenant(t, 'csat-page');
    api = client(t);
  });
  afterAll(() => t.close());

  it('renders the tenant’s name, the question and the 1–5 scale as an accessible form', async () => {
    const created = await link();
    const html = expectPage(await open(created.token), 200);
    const name = (await api.ok<{ name: string }>('GET', `/tenants/${a.fx.tenantId}`, a.admin)).name;
    expect(html).toContain(`<p class="tenant">${name}</p>`);
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('<form method="post">');
    expect(html).toContain('<legend>How satisfied are you with the support you received?</legend>');
    expect(html.match(/<input type="radio" name="score" value="(\d+)"/g)).toHaveLength(5);
    expect(html).toContain('1 = Very dissatisfied, 5 = Very satisfied');
    expect(html).toContain('<label class="field" for="feedback_text">Comments (optional)</label>');
    expect(html).toContain('id="feedback_text" name="feedback_text"');
    expect(html).not.toContain(a.customers.mine);
    const nps = await link({ survey_type: 'nps' });
    const npsHtml = expectPage(await open(nps.token), 200);
    expect([...npsHtml.matchAll(/name="score" value="(\d+)"/g)].map((m) => Number(m[1]))).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
    ]);
  });

  it('escapes a tenant name that holds markup', async () => {
    const evil = await csatTenant(t, 'csat-page-evil');
    await api.ok('PUT', `/tenants/${evil.fx.tenantId}`, evil.admin, {
      name: '<script>alert("x")</script> & Co',
    });
    const created = await createLink(t, evil.admin, {
      customer_id: evil.customers.mine,
      survey_type: 'quarterly',
    });
    const html = expectPage(await open(created.token), 200);
    expect(html).toContain(
      '<p class="tenant">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co</p>',
    );
    expect(html).toContain(
      '<title>Survey — &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co</title>',
    );
    const info = await anonymous(t)('GET', `/csat/public/info/${created.token}`);
    expect(info.json()).toMatchObject({ tenant_name: '<script>alert("x")</script> & Co' });
  });

  it('stores the answer of a plain form post and thanks; a second post finds the link used', async () => {
    const created = await link({ recipient_email: 'ann@client.test' });
    const thanks = expectPage(
      await post(created.token, { score: '2', feedback_text: 'Too slow', submitted_by_name: 'Ann' }),
      200,
    );
    expect(thanks).toContain('<h1>Thank you for your feedback</h1>');
    expect(await stored(created.id)).toEqual([
      expect.objectContaining({
        score: 2,
        feedback_text: 'Too slow',
        submitted_by_name: 'Ann',
        submitted_by_email: 'ann@client.test',
        survey_type: 'post_ticket',
      }),
    ]);
    expect(expectPage(await post(created.token, { score: '5' }), 410)).toContain('already been answered');
    expect(expectPage(await open(created.token), 410)).toContain('already been answered');
    expect(await stored(created.id)).toHaveLength(1);
  });

  it('brings the form back with the reason and the escaped input when it cannot be stored', async () => {
    const created = await link();
    const cases: [Record<string, string>, string][] = [
      [{ score: '9', feedback_text: '<b>fine</b>' }, 'Please choose a score from 1 to 5.'],
      [{ feedback_text: 'no score' }, 'Please choose a score from 1 to 5.'],
      [{ score: 'two' }, 'Please choose a score from 1 to 5.'],
      [{ score: '3', submitted_by_email: 'ann@' }, 'Please check your e-mail address, or leave it empty.'],
      [{ score: '3', feedback_text: 'x'.repeat(5001) }, 'Please keep your comments under 5,000 characters.'],
    ];
    for (const [fields, message] of cases) {
      const html = expectPage(await post(created.token, fields), 422);
      expect(html).toContain(`<p class="error" role="alert" id="form-error">${message}</p>`);
      expect(html).toContain('aria-describedby="scale-hint form-error"');
    }
    const again = expectPage(await post(created.token, { score: '9', feedback_text: '<b>fine</b>' }), 422);
    expect(again).toContain('>&lt;b&gt;fine&lt;/b&gt;</textarea>');
    expect(again).not.toContain('<b>fine</b>');
    expect(expectPage(await post(created.token, { score: '3', feedback_text: 'a\u0000b' }), 422)).toContain(
      'The form could not be read',
    );
    expect(await stored(created.id)).toEqual([]);
    expectPage(await post(created.token, { score: '4', submitted_by_email: '' }), 200);
    expect(await stored(created.id)).toEqual([
      expect.objectContaining({ score: 4, submitted_by_email: null }),
    ]);
  });

  it('shows clear pages for invalid, expired and rate-limited links', async () => {
    const created = await link();
    for (const token of ['nonsense', `${created.token.slice(0, -2)}AA`])
      expect(expectPage(await open(token), 404)).toContain('<h1>This survey link is not valid</h1>');
    expect(expectPage(await post('nonsense', { score: '3' }), 404)).toContain('not valid');
    const expired = await expireLink(t, a.fx.tenantId, (await link()).id);
    expect(expectPage(await open(expired), 410)).toContain('<h1>This survey link has expired</h1>');
    expect(expectPage(await post(expired, { score: '3' }), 410)).toContain('has expired');

    const ip = anonymous(t);
    for (let i = 0; i < PUBLIC_SURVEY_LIMITS.perLinkAndIp; i++)
      expect((await ip('GET', pagePath(created.token), undefined, BROWSER)).statusCode).toBe(200);
    const limited = await ip('GET', pagePath(created.token), undefined, BROWSER);
    expect(expectPage(limited, 429)).toContain('<h1>Too many attempts</h1>');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  });

  it('answers other clients’ errors with problem documents, like the rest of the API', async () => {
    const created = await link();
    const plain = anonymous(t);
    expectProblem(await plain('GET', pagePath('nonsense')), 404, 'SURVEY_LINK_NOT_FOUND');
    const refused = await plain('POST', pagePath(created.token), form({ score: '7' }), {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(expectProblem(refused, 422, 'VALIDATION_FAILED').errors).toEqual([
      { path: '/body/score', message: 'Please choose a score from 1 to 5.' },
    ]);
    expectPage(await plain('GET', pagePath(created.token)), 200);
  });
});

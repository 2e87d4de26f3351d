import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roundRatio } from '../../src/modules/success/csat/figures.js';
import type { TestApp } from '../harness/app.js';
import {
  csatTenant,
  expectProblem,
  recordResponse,
  type CsatResponse,
  type CsatTenant,
} from './csat-helpers.js';
import { client, createCustomer, expectStatus, successApp, type Headers } from './helpers.js';

type Figures = {
  total_responses: number;
  csat: { responses: number; average: number | null };
  nps: { responses: number; promoters: number; passives: number; detractors: number; score: number | null };
  by_type: { survey_type: string; responses: number; average_score: number | null }[];
};
type Summary = Figures & {
  customer_id: string;
  customer_name: string;
  last_response_at: string | null;
  latest: CsatResponse[];
};
type Analytics = Figures & {
  from: string;
  to: string;
  time_zone: string;
  trends: {
    month: string;
    responses: number;
    csat_responses: number;
    average_csat: number | null;
    nps_responses: number;
    nps: number | null;
  }[];
};

const byType = (
  post_ticket: [number, number | null],
  quarterly: [number, number | null],
  nps: [number, number | null],
  onboarding: [number, number | null],
) =>
  Object.entries({ post_ticket, quarterly, nps, onboarding }).map(
    ([survey_type, [responses, average_score]]) => ({
      survey_type,
      responses,
      average_score,
    }),
  );

describe('success: CSAT summary and analytics', () => {
  let t: TestApp;
  let a: CsatTenant;
  let api: ReturnType<typeof client>;

  const record = (
    who: Headers,
    customer_id: string,
    survey_type: string,
    score: number,
    submitted_at: string,
  ) => recordResponse(t, who, { customer_id, survey_type, score, submitted_at });

  beforeAll(async () => {
    t = await successApp();
    a = await csatTenant(t, 'csat-stats');
    api = client(t);
    const { mine, peers } = a.customers;
    // The agent's customer. 20:00 UTC on 31 January is 1 February in Tashkent (UTC+5).
    await record(a.admin, mine, 'post_ticket', 5, '2025-01-10T09:00:00Z');
    await record(a.admin, mine, 'quarterly', 4, '2025-01-20T09:00:00Z');
    await record(a.admin, mine, 'onboarding', 2, '2025-01-31T20:00:00Z');
    await record(a.admin, mine, 'nps', 10, '2025-02-15T09:00:00Z');
    await record(a.admin, mine, 'nps', 9, '2025-02-16T09:00:00Z');
    await record(a.admin, mine, 'nps', 8, '2025-02-17T09:00:00Z');
    await record(a.admin, mine, 'nps', 3, '2025-02-18T09:00:00Z');
    // The peer's customer.
    await record(a.admin, peers, 'post_ticket', 1, '2025-03-05T09:00:00Z');
    await record(a.admin, peers, 'nps', 6, '2025-03-06T09:00:00Z');
    await record(a.admin, peers, 'nps', 10, '2025-03-07T09:00:00Z');
  });
  afterAll(() => t.close());

  it('rounds half away from zero on the exact fraction', () => {
    expect(roundRatio(100, 8)).toBe(13); // 12.5
    expect(roundRatio(-100, 8)).toBe(-13); // −12.5 (Math.round would say −12)
    expect(roundRatio(100, 6)).toBe(17); // 16.67
    expect(roundRatio(-100, 6)).toBe(-17);
    expect(roundRatio(11, 3, 2)).toBe(3.67);
    expect(roundRatio(1, 8, 2)).toBe(0.13); // 0.125
    expect(roundRatio(-1, 1000)).toBe(0);
    expect(roundRatio(0, 5)).toBe(0);
  });

  it('summarises one customer: counts, CSAT average, NPS, by type, the newest five', async () => {
    const summary = await api.ok<Summary>(
      'GET',
      `/csat/customer/${a.customers.mine}/summary`,
      a.fx.users.agent.auth,
    );
    expect(summary).toMatchObject({
      customer_id: a.customers.mine,
      total_responses: 7,
      last_response_at: '2025-02-18T09:00:00.000Z',
      // (5 + 4 + 2) ÷ 3 = 3.666…
      csat: { responses: 3, average: 3.67 },
      // 10, 9 promote; 8 is passive; 3 detracts: (2 − 1) ÷ 4 = 25 %.
      nps: { responses: 4, promoters: 2, passives: 1, detractors: 1, score: 25 },
      by_type: byType([1, 5], [1, 4], [4, 7.5], [1, 2]),
    });
    expect(summary.latest.map((r) => [r.survey_type, r.score])).toEqual([
      ['nps', 3],
      ['nps', 8],
      ['nps', 9],
      ['nps', 10],
      ['onboarding', 2],
    ]);
  });

  it('rounds the NPS of 12.5 to 13 and of −12.5 to −13', async () => {
    const up = await createCustomer(t, a.admin);
    const down = await createCustomer(t, a.admin);
    for (const [customer, first] of [
      [up, 9],
      [down, 6],
    ] as const) {
      await record(a.admin, customer, 'nps', first, '2025-04-01T09:00:00Z');
      for (let i = 0; i < 7; i++) await record(a.admin, customer, 'nps', 7 + (i % 2), '2025-04-02T09:00:00Z');
    }
    const nps = async (customer: string) =>
      (await api.ok<Summary>('GET', `/csat/customer/${customer}/summary`, a.admin)).nps;
    expect(await nps(up)).toEqual({ responses: 8, promoters: 1, passives: 7, detractors: 0, score: 13 });
    expect(await nps(down)).toEqual({ responses: 8, promoters: 0, passives: 7, detractors: 1, score: -13 });
  });

  it('answers an empty summary with nulls, and 404 for a customer out of scope', async () => {
    const empty = await createCustomer(t, a.admin, { owner_id: a.fx.users.agent.id });
    const summary = await api.ok<Summary>('GET', `/csat/customer/${empty}/summary`, a.fx.users.agent.auth);
    expect(summary).toMatchObject({
      total_responses: 0,
      last_response_at: null,
      csat: { responses: 0, average: null },
      nps: { responses: 0, promoters: 0, passives: 0, detractors: 0, score: null },
      latest: [],
      by_type: byType([0, null], [0, null], [0, null], [0, null]),
    });
    expectProblem(
      await api.call('GET', `/csat/customer/${a.customers.peers}/summary`, a.fx.users.agent.auth),
      404,
      'NOT_FOUND',
    );
    expectProblem(
      await api.call('GET', `/csat/customer/${crypto.randomUUID()}/summary`, a.admin),
      404,
      'NOT_FOUND',
    );
  });

  it('computes the period’s analytics with monthly trends in the tenant’s time zone', async () => {
    const analytics = await api.ok<Analytics>(
      'GET',
      '/csat/analytics?from=2025-01-01&to=2025-03-31',
      a.fx.users.viewer.auth,
    );
    expect(analytics).toEqual({
      from: '2025-01-01',
      to: '2025-03-31',
      time_zone: 'Asia/Tashkent',
      total_responses: 10,
      // 5, 4, 2, 1
      csat: { responses: 4, average: 3 },
      // 10, 9, 10 promote; 8 passive; 3, 6 detract: (3 − 2) ÷ 6 = 16.67 → 17.
      nps: { responses: 6, promoters: 3, passives: 1, detractors: 2, score: 17 },
      // nps average: 46 ÷ 6 = 7.666…
      by_type: byType([2, 3], [1, 4], [6, 7.67], [1, 2]),
      trends: [
        { month: '2025-01', responses: 2, csat_responses: 2, average_csat: 4.5, nps_responses: 0, nps: null },
        // The onboarding answer of 31 January 20:00 UTC is February in Tashkent; NPS (2 − 1) ÷ 4.
        { month: '2025-02', responses: 5, csat_responses: 1, average_csat: 2, nps_responses: 4, nps: 25 },
        { month: '2025-03', responses: 3, csat_responses: 1, average_csat: 1, nps_responses: 2, nps: 0 },
      ],
    });
    const january = await api.ok<Analytics>('GET', '/csat/analytics?from=2025-01-01&to=2025-01-31', a.admin);
    expect(january.total_responses).toBe(2);
  });

  it('limits analytics to the caller’s scope', async () => {
    const agent = await api.ok<Analytics>(
      'GET',
      '/csat/analytics?from=2025-01-01&to=2025-03-31',
      a.fx.users.agent.auth,
    );
    expect(agent).toMatchObject({
      total_responses: 7,
      csat: { responses: 3, average: 3.67 },
      nps: { responses: 4, promoters: 2, passives: 1, detractors: 1, score: 25 },
    });
    const peer = await api.ok<Analytics>('GET', '/csat/analytics?from=2025-01-01&to=2025-03-31', a.peer.auth);
    // 6 detracts, 10 promotes: 0; the one CSAT answer is 1.
    expect(peer).toMatchObject({ total_responses: 3, csat: { responses: 1, average: 1 }, nps: { score: 0 } });
  });

  it('defaults to the twelve months up to today and checks the period', async () => {
    const analytics = await api.ok<Analytics>('GET', '/csat/analytics', a.admin);
    expect(analytics.trends).toHaveLength(12);
    expect(analytics.from).toBe(`${analytics.trends[0]!.month}-01`);
    expect(analytics.to.slice(0, 7)).toBe(analytics.trends[11]!.month);
    const cases: [string, string][] = [
      ['from=2025-03-02&to=2025-03-01', '/query/from'],
      ['from=2020-01-01&to=2025-01-01', '/query/from'],
      ['from=2025-13-01', '/query/from'],
      ['to=yesterday', '/query/to'],
      ['period=last_year', '/query/period'],
    ];
    for (const [query, path] of cases) {
      const problem = expectProblem(
        await api.call('GET', `/csat/analytics?${query}`, a.admin),
        422,
        'VALIDATION_FAILED',
      );
      expect(problem.errors?.map((e) => e.path)).toContain(path);
    }
    expectStatus(await api.call('GET', '/csat/analytics'), 401);
  });
});

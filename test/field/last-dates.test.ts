import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../harness/app.js';
import { identityFixture, type IdentityFixture } from '../identity/fixtures.js';
import { client, createOutlet, expectStatus, fieldApp } from './helpers.js';

/**
 * 9999-12-31 is the last date the API takes. A period ending on it ("until further notice") is read
 * like any other: the day after it, the exclusive bound of its times, is in year 10000, which no
 * date-time text PostgreSQL reads can carry; those bounds were 500s, and one such goal broke the
 * overview of everyone it covered.
 */
describe('field: periods ending on the last date', () => {
  let t: TestApp;
  let fx: IdentityFixture;
  let api: ReturnType<typeof client>;

  beforeAll(async () => {
    t = await fieldApp();
    fx = await identityFixture(t, 'last-dates');
    api = client(t);
  });
  afterAll(() => t.close());

  it('keeps an open-ended goal readable, and the overview of those it covers', async () => {
    const admin = fx.users.admin.auth;
    const goal = await api.ok<{ id: string }>(
      'POST',
      '/goals',
      admin,
      {
        name: 'Until further notice',
        metric: 'visits_completed',
        target: 10,
        period_start: '2025-01-01',
        period_end: '9999-12-31',
        assignees: [{ type: 'user', id: fx.users.agent.id }],
      },
      201,
    );
    const progress = await api.ok<{ assignees: { actual: number }[] }>(
      'GET',
      `/goals/${goal.id}/progress`,
      admin,
    );
    expect(progress.assignees.map((a) => a.actual)).toEqual([0]);
    for (const who of [admin, fx.users.agent.auth])
      expectStatus(await api.call('GET', '/analytics/overview', who), 200);
  });

  it('answers periods that end on 9999-12-31 with their (empty) rows', async () => {
    const admin = fx.users.admin.auth;
    for (const url of [
      '/photos?date_to=9999-12-31',
      '/analytics/shelf-share?from=9999-12-01&to=9999-12-31',
      '/analytics/overview?from=9999-12-01&to=9999-12-31',
    ])
      expectStatus(await api.call('GET', url, admin), 200);
  });

  it('plans a call cycle that ends on the last date', async () => {
    const outlet = await createOutlet(t, fx.users.admin.auth);
    const res = await api.call('POST', '/call-cycles', fx.users.admin.auth, {
      name: 'Last days',
      agent_id: fx.users.agent.id,
      start_date: '9999-12-20',
      end_date: '9999-12-31',
      frequency: 'weekly',
      locations: [{ outlet_id: outlet }],
    });
    expect(expectStatus(res, 201).json()).toMatchObject({ end_date: '9999-12-31', status: 'active' });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../src/modules/field/formulas.js';
import type { TestApp } from '../harness/app.js';
import { identityFixture, type IdentityFixture } from '../identity/fixtures.js';
import { client, createBrand, expectStatus, fieldApp } from './helpers.js';

const today = new Date().toISOString().slice(0, 10);

/** A goal turned into a shelf share goal: every target it carries becomes a percentage. */
describe('field: a goal’s metric changed to shelf_share', () => {
  let t: TestApp;
  let fx: IdentityFixture;
  let brand: string;

  beforeAll(async () => {
    t = await fieldApp();
    fx = await identityFixture(t, 'goalmetric');
    brand = await createBrand(t, fx.users.admin.auth, true);
  });
  afterAll(() => t.close());

  it('is refused while an assignee’s target is over 100, and taken once it is not', async () => {
    const api = client(t);
    const admin = fx.users.admin.auth;
    const goal = await api.ok<{ id: string }>(
      'POST',
      '/goals',
      admin,
      {
        name: 'Visits',
        metric: 'visits_completed',
        target: 50,
        period_start: addDays(today, -5),
        period_end: addDays(today, 5),
        assignees: [{ type: 'user', id: fx.users.agent.id, target: 120 }],
      },
      201,
    );
    const change = { metric: 'shelf_share', brand_id: brand };
    const refused = expectStatus(await api.call('PUT', `/goals/${goal.id}`, admin, change), 422);
    expect(refused.json<{ errors: { path: string }[] }>().errors.map((e) => e.path)).toEqual([
      '/body/metric',
    ]);

    await api.ok('POST', `/goals/${goal.id}/assign`, admin, {
      assignees: [{ type: 'user', id: fx.users.agent.id, target: 80 }],
    });
    expect(await api.ok<{ metric: string }>('PUT', `/goals/${goal.id}`, admin, change)).toMatchObject({
      metric: 'shelf_share',
    });
  });
});

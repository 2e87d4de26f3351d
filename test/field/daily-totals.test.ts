import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../harness/app.js';
import { identityFixture, type IdentityFixture } from '../identity/fixtures.js';
import {
  client,
  createBrand,
  createOutlet,
  expectStatus,
  fieldApp,
  jpeg,
  OUTLET_POINT,
  uploadPhoto,
  type Headers,
} from './helpers.js';

/**
 * The overview reads `field_daily_totals`, which triggers keep in step with every write. After a
 * mix of writes through the API (and a photo deleted underneath it), the totals must equal a
 * recomputation from the raw rows, to the cent.
 */

const DAY = 86_400_000;
const day = (offset: number) => new Date(Date.now() + offset * DAY).toISOString().slice(0, 10);
const NEAR = { latitude: OUTLET_POINT.latitude + 0.0004, longitude: OUTLET_POINT.longitude, accuracy_m: 8 };
const FAR = { latitude: OUTLET_POINT.latitude + 0.01, longitude: OUTLET_POINT.longitude, accuracy_m: 20 };

/** What the triggers should have produced: the same measures computed from visits, photos and marks. */
const RECOMPUTED = `
  select agent_id, day::text, sum(planned)::int as visits_planned, sum(completed)::int as visits_completed,
    sum(surveys)::int as surveys_completed, sum(verified)::int as geofence_verified,
    sum(inside)::int as geofence_inside, sum(photos)::int as photos,
    sum(own)::numeric(12, 2)::text as share_own, sum(share)::numeric(12, 2)::text as share_all
  from (
    select agent_id, planned_date as day, 1 as planned,
      (status = 'completed')::int as completed,
      (status = 'completed' and survey_id is not null)::int as surveys,
      (status = 'completed' and completion_within_geofence is not null)::int as verified,
      (status = 'completed' and completion_within_geofence and check_in_within_geofence is not false)::int as inside,
      0 as photos, 0::numeric as own, 0::numeric as share
    from visits where tenant_id = $1
    union all
    select agent_id, (created_at at time zone 'UTC')::date, 0, 0, 0, 0, 0, 1, 0, 0 from photos where tenant_id = $1
    union all
    select p.agent_id, (p.created_at at time zone 'UTC')::date, 0, 0, 0, 0, 0, 0,
      case when b.is_own then s.share else 0 end, s.share
    from shelf_quadrants q
    join photos p on p.tenant_id = q.tenant_id and p.id = q.photo_id
    join brands b on b.tenant_id = q.tenant_id and b.id = q.brand_id
    cross join lateral (select round(coalesce(q.area_percent,
      jsonb_array_length(q.cells) * 100.0 / (p.grid_rows * p.grid_cols))::numeric, 2) as share) s
    where q.tenant_id = $1
  ) u
  group by 1, 2
  having sum(planned) + sum(photos) + count(*) filter (where share <> 0) > 0
  order by 1, 2`;

const STORED = `
  select agent_id, day::text, visits_planned, visits_completed, surveys_completed, geofence_verified,
    geofence_inside, photos, (share_own_bp / 100.0)::numeric(12, 2)::text as share_own,
    (share_all_bp / 100.0)::numeric(12, 2)::text as share_all
  from field_daily_totals
  where tenant_id = $1 and (visits_planned <> 0 or photos <> 0 or share_all_bp <> 0)
  order by 1, 2`;

/** The tenant-wide buckets, summed per day, against the recomputation summed per day. */
const BY_DAY = (rows: string) => `
  select day, sum(visits_planned)::int as planned, sum(visits_completed)::int as completed,
    sum(surveys_completed)::int as surveys, sum(geofence_verified)::int as verified,
    sum(geofence_inside)::int as inside, sum(photos)::int as photos,
    sum(share_own::numeric)::numeric(12, 2)::text as own, sum(share_all::numeric)::numeric(12, 2)::text as share
  from (${rows}) r
  group by day having sum(visits_planned) + sum(photos) + sum(share_all::numeric) > 0
  order by day`;
const TENANT_STORED = BY_DAY(`
  select day::text, visits_planned, visits_completed, surveys_completed, geofence_verified,
    geofence_inside, photos, share_own_bp / 100.0 as share_own, share_all_bp / 100.0 as share_all
  from field_daily_tenant_totals where tenant_id = $1`);
const TENANT_RECOMPUTED = BY_DAY(RECOMPUTED.replace('order by 1, 2', ''));

describe('field: daily totals behind the overview', () => {
  let t: TestApp;
  let fx: IdentityFixture;
  let admin: Headers;
  let agent: Headers;
  let api: ReturnType<typeof client>;
  let outlet: string;
  let own: string;
  let rival: string;
  let survey: string;

  const visit = async (body: object = {}) =>
    (await api.ok('POST', '/visits', agent, { outlet_id: outlet, planned_date: day(0), ...body }, 201)).id;
  const shelfPhoto = async (visitId: string, quadrants: object[]) => {
    const res = await uploadPhoto(
      t,
      agent,
      { visit_id: visitId, purpose: 'shelf' },
      { name: 's.jpg', bytes: await jpeg() },
    );
    const id = expectStatus(res, 201).json<{ id: string }>().id;
    await api.ok('POST', `/photos/${id}/shelf-quadrants`, agent, { quadrants });
    return id;
  };
  const owner = <R>(text: string) =>
    t.database.db.query<R>(text, [fx.tenantId]).then((r) => (r as { rows: R[] }).rows);
  const expectConsistent = async () => {
    const stored = await owner(STORED);
    expect(stored.length).toBeGreaterThan(0);
    expect(stored).toEqual(await owner(RECOMPUTED));
    expect(await owner(TENANT_STORED)).toEqual(await owner(TENANT_RECOMPUTED));
  };

  beforeAll(async () => {
    t = await fieldApp();
    api = client(t);
    fx = await identityFixture(t, 'daily-totals');
    admin = fx.users.admin.auth;
    agent = fx.users.agent.auth;
    outlet = await createOutlet(t, admin);
    own = await createBrand(t, admin, true);
    rival = await createBrand(t, admin, false);
    survey = (
      await api.ok('POST', '/surveys', admin, { title: 'S', questions: [{ text: 'n', type: 'number' }] }, 201)
    ).id;
  });
  afterAll(() => t?.close());

  it('visits: created, checked in, completed inside and outside, cancelled, moved to another day', async () => {
    const inside = await visit({ survey_id: survey });
    await api.ok('PUT', `/visits/${inside}/check-in`, agent, NEAR);
    await api.ok('PUT', `/visits/${inside}/complete`, agent, NEAR);
    const outside = await visit();
    await api.ok('PUT', `/visits/${outside}/complete`, agent, FAR);
    const cancelled = await visit({ planned_date: day(-3) });
    await api.ok('PUT', `/visits/${cancelled}/cancel`, agent, { reason: 'Closed' });
    const moved = await visit({ planned_date: day(-5) });
    // No route moves a visit; a correction underneath the API (a script, a future job) must still count.
    await t.database.db.withSystem((tx) =>
      tx.sql.query('update visits set planned_date = $2 where id = $1', [moved, day(-4)]),
    );
    await expectConsistent();

    const [today] = await owner<{
      visits_planned: number;
      visits_completed: number;
      geofence_inside: number;
    }>(`${STORED.replace('order by 1, 2', '')} and day = current_date`);
    expect(today).toMatchObject({ visits_planned: 2, visits_completed: 2, geofence_inside: 1 });
  });

  it('updates that change nothing counted leave the totals rows alone; a visit handed over moves its counts', async () => {
    const rowVersions = () =>
      owner<{ agent_id: string; version: string }>(
        `select agent_id, xmin::text as version from field_daily_totals
          where tenant_id = $1 and day = '${day(-9)}' order by agent_id`,
      );
    const checkedIn = await visit({ planned_date: day(-9) });
    const cancelled = await visit({ planned_date: day(-9) });
    const before = await rowVersions();
    expect(before).toHaveLength(1);
    await api.ok('PUT', `/visits/${checkedIn}/check-in`, agent, NEAR);
    await api.ok('PUT', `/visits/${cancelled}/cancel`, agent, { reason: 'Closed' });
    // Not a single totals row was rewritten by the check-in or the cancellation.
    expect(await rowVersions()).toEqual(before);

    await api.ok('PUT', `/visits/${checkedIn}/complete`, agent, NEAR);
    const leader = fx.users.team_leader.id;
    await t.database.db.withSystem((tx) =>
      tx.sql.query('update visits set agent_id = $2 where id = $1', [checkedIn, leader]),
    );
    const [handedOver] = await owner<{ planned: number; completed: number }>(
      `select visits_planned as planned, visits_completed as completed from field_daily_totals
        where tenant_id = $1 and agent_id = '${leader}' and day = '${day(-9)}'`,
    );
    expect(handedOver).toEqual({ planned: 1, completed: 1 });
    await expectConsistent();
  });

  it('twenty visits created at once on one day all count', async () => {
    const before = await owner<{ n: number }>(
      `select coalesce(sum(visits_planned), 0)::int as n from field_daily_totals where tenant_id = $1`,
    );
    await Promise.all(Array.from({ length: 20 }, () => visit({ planned_date: day(-1) })));
    const after = await owner<{ n: number }>(
      `select coalesce(sum(visits_planned), 0)::int as n from field_daily_totals where tenant_id = $1`,
    );
    expect(after[0]!.n - before[0]!.n).toBe(20);
    await expectConsistent();
  });

  it('one statement over visits of several days, and one that matches none, keep the totals exact', async () => {
    const ids = [
      await visit({ planned_date: day(-7) }),
      await visit({ planned_date: day(-8) }),
      await visit(),
    ];
    // A bulk correction underneath the API: several keys in one statement take the grouped path.
    await t.database.db.withSystem((tx) =>
      tx.sql.query(
        `update visits set status = 'completed', completed_at = now(), completion_within_geofence = true
          where id = any($1::uuid[])`,
        [ids],
      ),
    );
    await t.database.db.withSystem((tx) =>
      tx.sql.query(`update visits set notes = 'none' where id = any($1::uuid[]) and false`, [ids]),
    );
    await expectConsistent();
    const [week] = await owner<{ completed: number }>(
      `select sum(visits_completed)::int as completed from field_daily_totals
        where tenant_id = $1 and day in (current_date - 7, current_date - 8)`,
    );
    expect(week!.completed).toBe(2);
  });

  it('shelf marks: set, replaced, a brand turned competitor, a photo deleted with its marks', async () => {
    const v = await visit();
    const first = await shelfPhoto(v, [
      { brand_id: own, cells: [{ row: 0, col: 0 }] },
      { brand_id: rival, cells: [{ row: 1, col: 1 }] },
    ]);
    const second = await shelfPhoto(v, [{ brand_id: own, area_percent: 33.333 }]);
    await expectConsistent();

    await api.ok('POST', `/photos/${first}/shelf-quadrants`, agent, {
      quadrants: [
        {
          brand_id: rival,
          cells: [
            { row: 0, col: 0 },
            { row: 0, col: 1 },
          ],
        },
      ],
    });
    await expectConsistent();

    await api.ok('PUT', `/brands/${own}`, admin, { is_own: false });
    await expectConsistent();
    await api.ok('PUT', `/brands/${own}`, admin, { is_own: true });

    await t.database.db.withSystem((tx) => tx.sql.query('delete from photos where id = $1', [second]));
    await expectConsistent();
    const [{ photos }] = (await owner<{ photos: number }>(
      `select sum(photos)::int as photos from field_daily_totals where tenant_id = $1`,
    )) as [{ photos: number }];
    expect(photos).toBe(1);
  });
});

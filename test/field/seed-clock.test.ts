import { getTableName, is } from 'drizzle-orm';
import { PgTable } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Progress } from '../../src/cli/progress.js';
import { seedFieldScale } from '../../src/modules/field/seed-scale.js';
import { seedFieldDemo } from '../../src/modules/field/seed.js';
import { localDay, localTime } from '../../src/modules/field/seed-clock.js';
import * as callCycleTables from '../../src/modules/field/tables/call-cycles.tables.js';
import * as dailyTotalTables from '../../src/modules/field/tables/daily-totals.tables.js';
import * as goalTables from '../../src/modules/field/tables/goals.tables.js';
import * as photoTables from '../../src/modules/field/tables/photos.tables.js';
import * as surveyTables from '../../src/modules/field/tables/surveys.tables.js';
import * as visitTables from '../../src/modules/field/tables/visits.tables.js';
import { seedDemo } from '../../src/seed.js';
import type { TestApp } from '../harness/app.js';
import { login } from '../identity/fixtures.js';
import { client, FIELD_MODULES, fieldApp, type Headers } from './helpers.js';

const quiet: Progress = { step: () => undefined, count: () => undefined, done: () => undefined };
const ZONE = 'Asia/Tashkent'; // the demo tenant's time zone (UTC+5)
const TODAY = '2026-11-25'; // a Wednesday: yesterday is a working day
const YESTERDAY = '2026-11-24';
const SEED_TIMEOUT = 180_000;

/** Every table the field module owns: each of their timestamp columns is checked. */
const FIELD_TABLES = [callCycleTables, dailyTotalTables, goalTables, photoTables, surveyTables, visitTables]
  .flatMap((tables) => Object.values(tables))
  .filter((value): value is PgTable => is(value, PgTable))
  .map((table) => getTableName(table));

type Visit = {
  agent_id: string;
  status: string;
  planned_date: string;
  check_in_at: string | null;
  completed_at: string | null;
  call_cycle_id: string | null;
};

/** The demo tenant seeded with the field demo at `now` (identity and catalog first, as at start-up). */
async function seededAt(now: Date) {
  const t = await fieldApp();
  await seedDemo(t.app.platform, FIELD_MODULES.slice(0, 2), quiet);
  await seedFieldDemo(t.app.platform, { now });
  const admin = (await login(t, 'admin@demo.salesops.local', 'Demo1234!')).auth;
  return { t, admin };
}

/** Timestamps of the demo tenant's field rows later than `now`, as `table.column: latest`. */
async function laterThan(t: TestApp, now: Date) {
  return t.database.db.withSystem(async (tx) => {
    const { rows: columns } = await tx.sql.query<{ table_name: string; column_name: string }>(
      `select table_name, column_name from information_schema.columns
        where table_schema = 'public' and data_type like 'timestamp%' and table_name = any($1::text[])
        order by table_name, column_name`,
      [FIELD_TABLES],
    );
    const late: Record<string, string> = {};
    for (const { table_name: table, column_name: column } of columns) {
      const { rows } = await tx.sql.query<{ latest: Date | null }>(
        `select max("${column}") as latest from "${table}"
          where tenant_id = (select id from tenants where slug = 'demo') and "${column}" > $1`,
        [now.toISOString()],
      );
      if (rows[0]?.latest) late[`${table}.${column}`] = new Date(rows[0].latest).toISOString();
    }
    return { checked: columns.map((c) => `${c.table_name}.${c.column_name}`), late };
  });
}

async function visitsOn(t: TestApp, admin: Headers, day: string) {
  const page = await client(t).ok<{ visits: Visit[] }>(
    'GET',
    `/visits?date_from=${day}&date_to=${day}&limit=500`,
    admin,
  );
  return page.visits;
}

const count = (visits: Visit[], status: string) => visits.filter((v) => v.status === status).length;

describe('field demo data is never dated after the moment of seeding', () => {
  it('reads local days and times in the tenant’s zone, daylight saving time included', () => {
    expect(localTime(TODAY, 5, ZONE).toISOString()).toBe('2026-11-24T19:05:00.000Z');
    expect(localDay(new Date('2026-11-24T19:05:00Z'), ZONE)).toBe(TODAY);
    expect(localDay(new Date('2026-11-24T18:59:00Z'), ZONE)).toBe(YESTERDAY);
    // Berlin: 09:00 is UTC+1 in winter and UTC+2 in summer, also on the days the clocks change.
    expect(localTime('2026-01-15', 9 * 60, 'Europe/Berlin').toISOString()).toBe('2026-01-15T08:00:00.000Z');
    expect(localTime('2026-03-29', 9 * 60, 'Europe/Berlin').toISOString()).toBe('2026-03-29T07:00:00.000Z');
    expect(localTime('2026-10-25', 9 * 60, 'Europe/Berlin').toISOString()).toBe('2026-10-25T08:00:00.000Z');
  });

  describe('seeded at 00:05 local time', () => {
    const now = localTime(TODAY, 5, ZONE);
    let t: TestApp;
    let admin: Headers;
    // Seeding draws and stores a month of shelf photos: slow on a busy machine.
    beforeAll(async () => {
      ({ t, admin } = await seededAt(now));
    }, SEED_TIMEOUT);
    afterAll(() => t.close());

    it('dates every visit, check-in, completion, photo, answer, mark, slot and goal at or before now', async () => {
      const { checked, late } = await laterThan(t, now);
      expect(checked).toEqual(
        expect.arrayContaining([
          'visits.check_in_at',
          'visits.completed_at',
          'visits.cancelled_at',
          'visits.created_at',
          'visits.updated_at',
          'visit_answers.created_at',
          'photos.taken_at',
          'photos.created_at',
          'shelf_quadrants.created_at',
          'surveys.created_at',
          'survey_questions.updated_at',
          'call_cycles.created_at',
          'call_cycle_slots.updated_at',
          'goals.created_at',
        ]),
      );
      expect(late).toEqual({});
    });

    it('moves today’s completed visits to yesterday evening; the visit in progress checked in just now', async () => {
      const today = await visitsOn(t, admin, TODAY);
      const agents = new Set(today.map((v) => v.agent_id));
      expect(agents.size).toBe(2);
      expect(count(today, 'completed')).toBe(0);
      expect(count(today, 'in_progress')).toBe(agents.size);
      expect(count(today, 'planned')).toBe(agents.size);
      for (const visit of today.filter((v) => v.status === 'in_progress')) {
        expect(Date.parse(visit.check_in_at!)).toBeGreaterThanOrEqual(localTime(TODAY, 0, ZONE).getTime());
        expect(Date.parse(visit.check_in_at!)).toBeLessThanOrEqual(now.getTime());
      }
      const yesterday = await visitsOn(t, admin, YESTERDAY);
      const evening = yesterday.filter(
        (v) =>
          v.status === 'completed' &&
          Date.parse(v.check_in_at!) >= localTime(YESTERDAY, 18 * 60, ZONE).getTime(),
      );
      expect(evening).toHaveLength(agents.size);
      // No longer the visit of today's route.
      expect(evening.every((v) => v.call_cycle_id === null)).toBe(true);
      expect(evening.every((v) => Date.parse(v.completed_at!) < localTime(TODAY, 0, ZONE).getTime())).toBe(
        true,
      );
    });

    it('counts no future work toward goals', async () => {
      const goals = await client(t).ok<{ goals: { id: string; metric: string }[] }>('GET', '/goals', admin);
      const visitsGoal = goals.goals.find((g) => g.metric === 'visits_completed')!;
      const progress = await client(t).ok<{ overall: { actual: string | number } }>(
        'GET',
        `/goals/${visitsGoal.id}/progress`,
        admin,
      );
      const completed = await t.database.db.withSystem(async (tx) => {
        const { rows } = await tx.sql.query<{ n: number }>(
          `select count(*)::int as n from visits v join tenants t on t.id = v.tenant_id
            where t.slug = 'demo' and v.status = 'completed' and v.completed_at <= $1`,
          [now.toISOString()],
        );
        return rows[0]!.n;
      });
      expect(Number(progress.overall.actual)).toBeGreaterThan(0);
      expect(Number(progress.overall.actual)).toBeLessThanOrEqual(completed);
    });
  });

  describe('seeded at 10:30 local time', () => {
    const now = localTime(TODAY, 10 * 60 + 30, ZONE);
    let t: TestApp;
    let admin: Headers;
    // Seeding draws and stores a month of shelf photos: slow on a busy machine.
    beforeAll(async () => {
      ({ t, admin } = await seededAt(now));
    }, SEED_TIMEOUT);
    afterAll(() => t.close());

    it('keeps today’s visits today, earlier in the day where their usual hour has not come yet', async () => {
      expect((await laterThan(t, now)).late).toEqual({});
      const today = await visitsOn(t, admin, TODAY);
      const agents = new Set(today.map((v) => v.agent_id)).size;
      expect([count(today, 'completed'), count(today, 'in_progress'), count(today, 'planned')]).toEqual([
        agents,
        agents,
        agents,
      ]);
      const midnight = localTime(TODAY, 0, ZONE).getTime();
      for (const visit of today.filter((v) => v.status !== 'planned')) {
        expect(Date.parse(visit.check_in_at!)).toBeGreaterThanOrEqual(midnight);
        expect(Date.parse(visit.completed_at ?? visit.check_in_at!)).toBeLessThanOrEqual(now.getTime());
      }
      // The visit in progress would usually begin at 11:00; it checked in before now instead.
      const started = today.find((v) => v.status === 'in_progress')!;
      expect(Date.parse(started.check_in_at!)).toBeGreaterThan(localTime(TODAY, 10 * 60, ZONE).getTime());
      const tomorrow = await visitsOn(t, admin, '2026-11-26');
      expect(count(tomorrow, 'planned')).toBe(tomorrow.length);
      expect(tomorrow.length).toBeGreaterThan(0);
    });

    it('the scale seed dates its visits, photos and marks before today (UTC) too', async () => {
      const result = await seedFieldScale(t.app.platform.system, { visits: 400 });
      expect(result.photos).toBe(80);
      const midnight = new Date(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`);
      // The demo rows lie in November 2026; whatever is later than today's midnight is the scale seed's.
      expect((await laterThan(t, midnight)).late).toEqual({});
      const latest = await t.database.db.withSystem(async (tx) => {
        const { rows } = await tx.sql.query<{ day: string }>(
          `select to_char(max(planned_date), 'YYYY-MM-DD') as day from visits
            where tenant_id = (select id from tenants where slug = 'demo')`,
        );
        return rows[0]!.day;
      });
      expect(latest).toBe(new Date(midnight.getTime() - 86_400_000).toISOString().slice(0, 10));
    });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { photos, shelfQuadrants } from '../../src/modules/field/tables/photos.tables.js';
import { surveyQuestions, surveys } from '../../src/modules/field/tables/surveys.tables.js';
import { visitAnswers, visits } from '../../src/modules/field/tables/visits.tables.js';
import { sqlState } from '../../src/platform/db/pg-errors.js';
import type { TestApp } from '../harness/app.js';
import { identityFixture, type IdentityFixture } from '../identity/fixtures.js';
import {
  client,
  createBrand,
  createOutlet,
  expectStatus,
  fieldApp,
  jpeg,
  uploadPhoto,
  type Method,
} from './helpers.js';

const GPS = { latitude: 41.2995, longitude: 69.2401, accuracy_m: 5 };

/**
 * Tenant isolation for surveys, questions, visits, photos and shelf quadrants: tenant A's admin gets
 * 404 on every route addressing one of B's ids, 422 when referencing B's rows, never sees B's rows
 * in lists, and RLS alone keeps them out of queries without a tenant filter.
 */
describe('field tenant isolation', () => {
  let t: TestApp;
  let a: IdentityFixture;
  let b: IdentityFixture;
  let api: ReturnType<typeof client>;
  const B: Record<string, string> = {};

  beforeAll(async () => {
    t = await fieldApp();
    api = client(t);
    a = await identityFixture(t, 'alpha');
    b = await identityFixture(t, 'beta');
    const bAdmin = b.users.admin.auth;
    B.outlet = await createOutlet(t, bAdmin);
    B.brand = await createBrand(t, bAdmin);
    const survey = await api.ok<{ id: string; questions: { id: string }[] }>(
      'POST',
      '/surveys',
      bAdmin,
      { title: 'Beta survey', questions: [{ text: 'Beta question', type: 'yes_no' }] },
      201,
    );
    B.survey = survey.id;
    B.question = survey.questions[0]!.id;
    B.clientUuid = crypto.randomUUID();
    B.visit = (
      await api.ok(
        'POST',
        '/visits',
        b.users.agent.auth,
        { outlet_id: B.outlet, survey_id: B.survey, client_uuid: B.clientUuid },
        201,
      )
    ).id;
    const photo = await uploadPhoto(
      t,
      b.users.agent.auth,
      { visit_id: B.visit, purpose: 'shelf' },
      { name: 'b.jpg', bytes: await jpeg() },
    );
    B.photo = expectStatus(photo, 201).json<{ id: string }>().id;
    await api.ok('POST', `/photos/${B.photo}/shelf-quadrants`, b.users.agent.auth, {
      quadrants: [{ brand_id: B.brand, cells: [{ row: 0, col: 0 }] }],
    });
    B.openVisit = (await api.ok('POST', '/visits', b.users.agent.auth, { outlet_id: B.outlet }, 201)).id;
    B.cycle = (
      await api.ok(
        'POST',
        '/call-cycles',
        bAdmin,
        {
          name: 'Beta round',
          agent_id: b.users.agent.id,
          start_date: '2030-01-01',
          end_date: '2030-01-31',
          frequency: 'weekly',
        },
        201,
      )
    ).id;
    await api.ok('PUT', `/visits/${B.visit}/complete`, b.users.agent.auth, {
      ...GPS,
      answers: [{ question_id: B.question, value: true }],
    });
  });
  afterAll(() => t.close());

  const byIdRoutes = (): [Method, string, object?][] => [
    ['GET', `/surveys/${B.survey}`],
    ['PUT', `/surveys/${B.survey}`, { title: 'Pwned' }],
    ['DELETE', `/surveys/${B.survey}`],
    ['GET', `/surveys/${B.survey}/questions`],
    ['POST', `/surveys/${B.survey}/questions`, { text: 'Pwned', type: 'text' }],
    ['PUT', `/surveys/${B.survey}/questions/order`, { question_ids: [B.question] }],
    ['PUT', `/questions/${B.question}`, { text: 'Pwned' }],
    ['DELETE', `/questions/${B.question}`],
    ['GET', `/visits/${B.visit}`],
    ['GET', `/visits/${B.visit}/photos`],
    ['GET', `/visits/${B.visit}/answers`],
    ['PUT', `/visits/${B.openVisit}/check-in`, GPS],
    ['PUT', `/visits/${B.openVisit}/complete`, { ...GPS, answers: [] }],
    ['PUT', `/visits/${B.openVisit}/cancel`, { reason: 'Pwned' }],
    ['GET', `/photos/${B.photo}`],
    ['GET', `/photos/${B.photo}/file`],
    ['GET', `/photos/${B.photo}/thumbnail`],
    ['GET', `/photos/${B.photo}/shelf-quadrants`],
    ['POST', `/photos/${B.photo}/shelf-quadrants`, { quadrants: [] }],
  ];

  it("answers 404 for every route addressing B's ids, and changes nothing", async () => {
    for (const [method, url, body] of byIdRoutes()) {
      const res = await api.call(method, url, a.users.admin.auth, body);
      expect(res.statusCode, `${method} ${url}`).toBe(404);
    }
    const upload = await uploadPhoto(
      t,
      a.users.admin.auth,
      { visit_id: B.openVisit!, purpose: 'shelf' },
      { name: 'a.jpg', bytes: await jpeg() },
    );
    expect(upload.statusCode).toBe(404);

    const bAdmin = b.users.admin.auth;
    const survey = await api.ok<{ title: string; question_count: number; archived_at: null }>(
      'GET',
      `/surveys/${B.survey}`,
      bAdmin,
    );
    expect(survey).toMatchObject({ title: 'Beta survey', question_count: 1, archived_at: null });
    expect(await api.ok('GET', `/visits/${B.openVisit}`, bAdmin)).toMatchObject({ status: 'planned' });
    const marks = await api.ok<{ quadrants: unknown[] }>('GET', `/photos/${B.photo}/shelf-quadrants`, bAdmin);
    expect(marks.quadrants).toHaveLength(1);
  });

  it("answers 422 when A references B's outlet, survey, agent, call cycle or brand; B's client_uuid is A's to use", async () => {
    const aAdmin = a.users.admin.auth;
    const outlet = await createOutlet(t, aAdmin);
    for (const body of [
      { outlet_id: B.outlet },
      { outlet_id: outlet, survey_id: B.survey },
      { outlet_id: outlet, agent_id: b.users.agent.id },
    ])
      expectStatus(await api.call('POST', '/visits', aAdmin, body), 422);
    const cycle = expectStatus(
      await api.call('POST', '/visits', aAdmin, { outlet_id: outlet, call_cycle_id: B.cycle }),
      422,
      'VALIDATION_FAILED',
    );
    expect(cycle.json()).toMatchObject({
      errors: [{ path: '/body/call_cycle_id', message: 'no such call cycle' }],
    });
    // Below the service's check, the (tenant_id, call_cycle_id) key refuses it too.
    const direct = t.database.db.withTenant({ tenantId: a.tenantId }, (tx) =>
      tx.db.insert(visits).values({
        tenantId: a.tenantId,
        agentId: a.users.agent.id,
        outletId: outlet,
        callCycleId: B.cycle!,
        plannedDate: '2030-01-07',
      }),
    );
    await expect(direct).rejects.toSatisfy((error) => sqlState(error) === '23503');
    expectStatus(await api.call('POST', '/surveys', aAdmin, { title: 'x', brand_id: B.brand }), 422);
    const visit = await api.ok(
      'POST',
      '/visits',
      aAdmin,
      { outlet_id: outlet, client_uuid: B.clientUuid },
      201,
    );
    expect(visit.id).not.toBe(B.visit);
    const photo = expectStatus(
      await uploadPhoto(
        t,
        aAdmin,
        { visit_id: visit.id, purpose: 'shelf' },
        { name: 'a.jpg', bytes: await jpeg() },
      ),
      201,
    ).json<{ id: string }>();
    const marks = await api.call('POST', `/photos/${photo.id}/shelf-quadrants`, aAdmin, {
      quadrants: [{ brand_id: B.brand, cells: [{ row: 0, col: 0 }] }],
    });
    expectStatus(marks, 422);
  });

  it("never lists B's rows", async () => {
    const lists: [string, string][] = [
      ['/surveys?limit=500', 'surveys'],
      ['/surveys?archived=true&limit=500', 'surveys'],
      ['/visits?limit=500', 'visits'],
      [`/visits?outlet=${B.outlet}`, 'visits'],
      ['/photos?limit=500', 'photos'],
      [`/photos?visit=${B.visit}`, 'photos'],
    ];
    const bIds = Object.values(B);
    for (const [url, key] of lists) {
      const res = await api.call('GET', url, a.users.admin.auth);
      expect(res.statusCode, url).toBe(200);
      const rows = res.json<Record<string, { id: string }[]>>()[key]!;
      expect(
        rows.filter((r) => bIds.includes(r.id)),
        url,
      ).toEqual([]);
    }
  });

  it("keeps B's rows out through RLS even without a tenant filter", async () => {
    const seen = await t.app.platform.db.withTenant({ tenantId: a.tenantId }, async (tx) => [
      ...(await tx.db.select({ id: surveys.id }).from(surveys)),
      ...(await tx.db.select({ id: surveyQuestions.id }).from(surveyQuestions)),
      ...(await tx.db.select({ id: visits.id }).from(visits)),
      ...(await tx.db.select({ id: visitAnswers.id }).from(visitAnswers)),
      ...(await tx.db.select({ id: photos.id }).from(photos)),
      ...(await tx.db.select({ id: shelfQuadrants.id }).from(shelfQuadrants)),
    ]);
    const bIds = Object.values(B);
    expect(seen.filter((r) => bIds.includes(r.id))).toEqual([]);
    const bSees = await t.app.platform.db.withTenant({ tenantId: b.tenantId }, (tx) =>
      tx.db.select({ id: visitAnswers.id }).from(visitAnswers),
    );
    expect(bSees).toHaveLength(1);
  });
});

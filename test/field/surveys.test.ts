import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../harness/app.js';
import { identityFixture, type IdentityFixture } from '../identity/fixtures.js';
import {
  client,
  createBrand,
  createOutlet,
  expectStatus,
  fieldApp,
  walkTwoCursorPages,
  type Headers,
} from './helpers.js';

type Question = { id: string; type: string; position: number; options: string[]; archived_at: string | null };
type Survey = {
  id: string;
  title: string;
  type: string;
  brand_id: string | null;
  is_active: boolean;
  archived_at: string | null;
  question_count: number;
  questions: Question[];
};

describe('field: surveys and questions', () => {
  let t: TestApp;
  let fx: IdentityFixture;
  let admin: Headers;
  let api: ReturnType<typeof client>;

  beforeAll(async () => {
    t = await fieldApp();
    fx = await identityFixture(t, 'survey');
    admin = fx.users.admin.auth;
    api = client(t);
  });
  afterAll(() => t.close());

  const newSurvey = (body: object = {}) =>
    api.ok<Survey>('POST', '/surveys', admin, { title: 'Shelf check', ...body }, 201);

  it('creates a survey with questions, reads, lists, filters and updates it (audited)', async () => {
    const brand = await createBrand(t, admin);
    const survey = await newSurvey({
      title: 'Cooler audit',
      type: 'outlet',
      brand_id: brand,
      questions: [
        { text: 'Cooler present?', type: 'yes_no', required: true },
        { text: 'Facings', type: 'number', validation: { min: 0, max: 50 } },
      ],
    });
    expect(survey).toMatchObject({ type: 'outlet', brand_id: brand, is_active: true, question_count: 2 });
    expect(survey.questions.map((q) => q.position)).toEqual([1, 2]);
    expect(await api.ok('GET', `/surveys/${survey.id}`, fx.users.agent.auth)).toEqual(survey);

    const individual = await newSurvey({ title: 'Agent self-check', type: 'individual' });
    const byType = await api.ok<{ surveys: Survey[]; total: number }>(
      'GET',
      '/surveys?type=individual',
      admin,
    );
    expect(byType.surveys.map((s) => s.id)).toEqual([individual.id]);
    const byBrand = await api.ok<{ surveys: Survey[] }>('GET', `/surveys?brand=${brand}`, admin);
    expect(byBrand.surveys.map((s) => s.id)).toEqual([survey.id]);
    expect(byBrand.surveys[0]!.questions).toBeUndefined();
    expect(byBrand.surveys[0]!.question_count).toBe(2);
    const searched = await api.ok<{ surveys: Survey[] }>('GET', '/surveys?q=cooler', admin);
    expect(searched.surveys.map((s) => s.id)).toEqual([survey.id]);

    const updated = await api.ok<Survey>('PUT', `/surveys/${survey.id}`, admin, {
      title: 'Cooler audit v2',
      is_active: false,
      brand_id: null,
    });
    expect(updated).toMatchObject({ title: 'Cooler audit v2', is_active: false, brand_id: null });
    const inactive = await api.ok<{ surveys: Survey[] }>('GET', '/surveys?active=false', admin);
    expect(inactive.surveys.map((s) => s.id)).toEqual([survey.id]);

    const audit = await api.ok<{ audit: { action: string; entity_id: string }[] }>(
      'GET',
      `/audit?entity_type=survey&entity_id=${survey.id}`,
      admin,
    );
    expect(audit.audit.map((e) => e.action).sort()).toEqual(['survey.create', 'survey.update']);
  });

  it('rejects bad survey and question definitions with 422 and paths', async () => {
    const bad = expectStatus(
      await api.call('POST', '/surveys', admin, {
        title: 'x',
        questions: [
          { text: 'Pick', type: 'single_choice', options: ['a'] },
          { text: 'N', type: 'number', validation: { min: 5, max: 1 } },
          { text: 'T', type: 'text', options: ['a', 'b'] },
          { text: 'Y', type: 'yes_no', validation: { max_length: 3 } },
          // On the default 1–5 scale, a minimum of 6 leaves no answer.
          { text: 'R', type: 'rating', required: true, validation: { min: 6 } },
        ],
      }),
      422,
      'VALIDATION_FAILED',
    ).json<{ errors: { path: string }[] }>();
    expect(bad.errors.map((e) => e.path)).toEqual([
      '/body/questions/0/options',
      '/body/questions/1/validation/min',
      '/body/questions/2/options',
      '/body/questions/3/validation/max_length',
      '/body/questions/4/validation',
    ]);
    expectStatus(await api.call('POST', '/surveys', admin, { title: 'x', type: 'weird' }), 422);
    expectStatus(
      await api.call('POST', '/surveys', admin, {
        title: 'x',
        brand_id: '01900000-0000-7000-8000-000000000000',
      }),
      422,
    );
    expectStatus(
      await api.call('PUT', '/surveys/01900000-0000-7000-8000-000000000000', admin, { title: 'y' }),
      404,
    );
    // Nothing was half-created by the failed request.
    const listed = await api.ok<{ surveys: Survey[] }>('GET', '/surveys?q=x&limit=500', admin);
    expect(listed.surveys.filter((s) => s.title === 'x')).toEqual([]);
  });

  it('adds, updates, reorders and deletes questions', async () => {
    const survey = await newSurvey();
    const q1 = await api.ok<Question>(
      'POST',
      `/surveys/${survey.id}/questions`,
      admin,
      { text: 'A', type: 'text' },
      201,
    );
    const q2 = await api.ok<Question>(
      'POST',
      `/surveys/${survey.id}/questions`,
      admin,
      { text: 'B', type: 'single_choice', options: ['x', 'y'], required: true },
      201,
    );
    const q3 = await api.ok<Question>(
      'POST',
      `/surveys/${survey.id}/questions`,
      admin,
      { text: 'C', type: 'rating' },
      201,
    );
    expect([q1.position, q2.position, q3.position]).toEqual([1, 2, 3]);

    const changed = await api.ok<Question>('PUT', `/questions/${q1.id}`, admin, {
      text: 'A!',
      validation: { max_length: 10 },
    });
    expect(changed).toMatchObject({ text: 'A!', validation: { max_length: 10 } });
    // An unanswered question may change its type; options follow the new type.
    const retyped = await api.ok<Question>('PUT', `/questions/${q3.id}`, admin, {
      type: 'multiple_choice',
      options: ['p', 'q'],
    });
    expect(retyped).toMatchObject({ type: 'multiple_choice', options: ['p', 'q'] });
    expectStatus(
      await api.call('PUT', `/questions/${q2.id}`, admin, { type: 'number', options: ['x'] }),
      422,
    );
    expectStatus(await api.call('PUT', `/questions/${q2.id}`, admin, { options: [] }), 422);

    const reordered = await api.ok<{ questions: Question[] }>(
      'PUT',
      `/surveys/${survey.id}/questions/order`,
      admin,
      {
        question_ids: [q3.id, q1.id, q2.id],
      },
    );
    expect(reordered.questions.map((q) => [q.id, q.position])).toEqual([
      [q3.id, 1],
      [q1.id, 2],
      [q2.id, 3],
    ]);
    const partial = expectStatus(
      await api.call('PUT', `/surveys/${survey.id}/questions/order`, admin, { question_ids: [q3.id, q3.id] }),
      422,
    ).json<{ errors: { path: string }[] }>();
    expect(partial.errors.map((e) => e.path)).toEqual(['/body/question_ids/1', '/body/question_ids']);

    expectStatus(await api.call('DELETE', `/questions/${q1.id}`, admin), 204);
    expectStatus(await api.call('PUT', `/questions/${q1.id}`, admin, { text: 'gone' }), 404);
    const listed = await api.ok<{ questions: Question[] }>(
      'GET',
      `/surveys/${survey.id}/questions`,
      fx.users.agent.auth,
    );
    expect(listed.questions.map((q) => q.id)).toEqual([q3.id, q2.id]);
  });

  it('archives answered questions and used surveys instead of deleting them', async () => {
    const outlet = await createOutlet(t, admin);
    const survey = await newSurvey({
      questions: [
        { text: 'Which?', type: 'single_choice', options: ['red', 'blue'], required: true },
        { text: 'Unused', type: 'text' },
      ],
    });
    const [answered, unused] = survey.questions;
    const agent = fx.users.agent.auth;
    const visit = await api.ok('POST', '/visits', agent, { outlet_id: outlet, survey_id: survey.id }, 201);
    await api.ok('PUT', `/visits/${visit.id}/complete`, agent, {
      latitude: 41.2995,
      longitude: 69.2401,
      accuracy_m: 5,
      answers: [{ question_id: answered!.id, value: 'red' }],
    });

    // The answered question keeps its type and the options its answers use.
    expectStatus(
      await api.call('PUT', `/questions/${answered!.id}`, admin, { type: 'text' }),
      409,
      'QUESTION_ANSWERED',
    );
    expectStatus(
      await api.call('PUT', `/questions/${answered!.id}`, admin, { options: ['blue', 'green'] }),
      409,
      'QUESTION_ANSWERED',
    );
    await api.ok('PUT', `/questions/${answered!.id}`, admin, {
      options: ['red', 'blue', 'green'],
      text: 'Which colour?',
    });

    expectStatus(await api.call('DELETE', `/questions/${answered!.id}`, admin), 204);
    expectStatus(await api.call('DELETE', `/questions/${unused!.id}`, admin), 204);
    const active = await api.ok<{ questions: Question[] }>('GET', `/surveys/${survey.id}/questions`, admin);
    expect(active.questions).toEqual([]);
    const all = await api.ok<{ questions: Question[] }>(
      'GET',
      `/surveys/${survey.id}/questions?include_archived=true`,
      admin,
    );
    expect(all.questions.map((q) => q.id)).toEqual([answered!.id]);
    expect(all.questions[0]!.archived_at).not.toBeNull();
    const answers = await api.ok<{
      answers: { question_id: string; question_text: string; value: unknown }[];
    }>('GET', `/visits/${visit.id}/answers`, admin);
    expect(answers.answers).toEqual([
      expect.objectContaining({ question_id: answered!.id, question_text: 'Which colour?', value: 'red' }),
    ]);

    expectStatus(await api.call('DELETE', `/surveys/${survey.id}`, admin), 204);
    const archived = await api.ok<Survey>('GET', `/surveys/${survey.id}`, admin);
    expect(archived).toMatchObject({ is_active: false });
    expect(archived.archived_at).not.toBeNull();
    const archivedList = await api.ok<{ surveys: Survey[] }>('GET', '/surveys?archived=true', admin);
    expect(archivedList.surveys.map((s) => s.id)).toContain(survey.id);
    // A visit cannot be planned with an archived survey.
    expectStatus(await api.call('POST', '/visits', agent, { outlet_id: outlet, survey_id: survey.id }), 422);

    const unusedSurvey = await newSurvey({ questions: [{ text: 'Q', type: 'date' }] });
    expectStatus(await api.call('DELETE', `/surveys/${unusedSurvey.id}`, admin), 204);
    expectStatus(await api.call('GET', `/surveys/${unusedSurvey.id}`, admin), 404);

    // A survey only a goal names is archived too: the goal keeps counting its visits.
    const goalSurvey = await newSurvey({ questions: [{ text: 'Q', type: 'date' }] });
    const goal = await api.ok<{ id: string }>(
      'POST',
      '/goals',
      admin,
      {
        name: 'Surveyed visits',
        metric: 'visits_completed',
        target: 5,
        period_start: '2025-01-01',
        period_end: '2025-12-31',
        survey_id: goalSurvey.id,
      },
      201,
    );
    expectStatus(await api.call('DELETE', `/surveys/${goalSurvey.id}`, admin), 204);
    expect((await api.ok<Survey>('GET', `/surveys/${goalSurvey.id}`, admin)).archived_at).not.toBeNull();
    expect((await api.ok<{ survey_id: string }>('GET', `/goals/${goal.id}`, admin)).survey_id).toBe(
      goalSurvey.id,
    );
  });

  it('lets everyone read surveys but only admins and national managers change them', async () => {
    const survey = await newSurvey({ questions: [{ text: 'Q', type: 'text' }] });
    for (const role of ['agent', 'viewer', 'team_leader', 'area_manager'] as const) {
      const auth = fx.users[role].auth;
      expectStatus(await api.call('GET', `/surveys/${survey.id}`, auth), 200);
      expectStatus(await api.call('POST', '/surveys', auth, { title: 'nope' }), 403);
      expectStatus(await api.call('PUT', `/surveys/${survey.id}`, auth, { title: 'nope' }), 403);
      expectStatus(await api.call('DELETE', `/surveys/${survey.id}`, auth), 403);
      expectStatus(
        await api.call('POST', `/surveys/${survey.id}/questions`, auth, { text: 'x', type: 'text' }),
        403,
      );
      expectStatus(await api.call('PUT', `/questions/${survey.questions[0]!.id}`, auth, { text: 'x' }), 403);
      expectStatus(await api.call('DELETE', `/questions/${survey.questions[0]!.id}`, auth), 403);
    }
    await api.ok('PUT', `/surveys/${survey.id}`, fx.users.national_manager.auth, { title: 'By NM' });
    expectStatus(await api.call('GET', '/surveys'), 401);
  });

  it('pages the list by keyset cursor: equal titles break ties by id, a garbage cursor is 422', async () => {
    const paged = [];
    for (let i = 0; i < 3; i++) paged.push((await newSurvey({ title: 'Paged survey' })).id);
    const walked = await walkTwoCursorPages(t, fx.users.agent.auth, '/surveys?q=Paged&sort=title', 'surveys');
    expect(walked).toEqual([...paged].sort());
  });
});

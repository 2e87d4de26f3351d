import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../harness/app.js';
import { identityFixture, type IdentityFixture } from '../identity/fixtures.js';
import { client, createOutlet, expectStatus, fieldApp, type Headers } from './helpers.js';

type Question = { id: string; text: string; position: number; archived_at: string | null };
type Survey = { id: string; questions: Question[] };
type Problem = { code: string; errors: { path: string; message: string }[] };

describe('field: question positions stay dense and 1-based', () => {
  let t: TestApp;
  let fx: IdentityFixture;
  let other: IdentityFixture;
  let admin: Headers;
  let api: ReturnType<typeof client>;

  beforeAll(async () => {
    t = await fieldApp();
    fx = await identityFixture(t, 'qorder');
    other = await identityFixture(t, 'qorderother');
    admin = fx.users.admin.auth;
    api = client(t);
  });
  afterAll(() => t.close());

  const survey = (texts: string[]) =>
    api.ok<Survey>(
      'POST',
      '/surveys',
      admin,
      { title: 'Order', questions: texts.map((text) => ({ text, type: 'text' })) },
      201,
    );
  const active = async (id: string) =>
    (await api.ok<{ questions: Question[] }>('GET', `/surveys/${id}/questions`, admin)).questions.map((q) => [
      q.text,
      q.position,
    ]);
  const add = (surveyId: string, body: object, auth = admin) =>
    api.call('POST', `/surveys/${surveyId}/questions`, auth, { type: 'text', ...body });

  it('renumbers after a delete: 1, 2, 3 — never 2, 3, 4', async () => {
    const s = await survey(['A', 'B', 'C', 'D']);
    expectStatus(await api.call('DELETE', `/questions/${s.questions[0]!.id}`, admin), 204);
    expect(await active(s.id)).toEqual([
      ['B', 1],
      ['C', 2],
      ['D', 3],
    ]);
    expectStatus(await api.call('DELETE', `/questions/${s.questions[2]!.id}`, admin), 204);
    expect(await active(s.id)).toEqual([
      ['B', 1],
      ['D', 2],
    ]);
    // The survey read shows the same order.
    const read = await api.ok<Survey>('GET', `/surveys/${s.id}`, admin);
    expect(read.questions.map((q) => q.position)).toEqual([1, 2]);
    // A question appended afterwards is the next one, 3.
    expect(expectStatus(await add(s.id, { text: 'E' }), 201).json<Question>().position).toBe(3);
  });

  it('renumbers after an archive; the archived question keeps its last position', async () => {
    const s = await survey(['A', 'B', 'C']);
    const [a, b, c] = s.questions;
    const outlet = await createOutlet(t, admin);
    const agent = fx.users.agent.auth;
    const visit = await api.ok('POST', '/visits', agent, { outlet_id: outlet, survey_id: s.id }, 201);
    await api.ok('PUT', `/visits/${visit.id}/complete`, agent, {
      latitude: 41.2995,
      longitude: 69.2401,
      accuracy_m: 5,
      answers: [{ question_id: b!.id, value: 'yes' }],
    });
    expectStatus(await api.call('DELETE', `/questions/${b!.id}`, admin), 204);
    expect(await active(s.id)).toEqual([
      ['A', 1],
      ['C', 2],
    ]);
    const all = await api.ok<{ questions: Question[] }>(
      'GET',
      `/surveys/${s.id}/questions?include_archived=true`,
      admin,
    );
    expect(all.questions.find((q) => q.id === b!.id)).toMatchObject({
      position: 2,
      archived_at: expect.any(String),
    });
    // The archived question takes no part in a reorder.
    const reordered = await api.ok<{ questions: Question[] }>(
      'PUT',
      `/surveys/${s.id}/questions/order`,
      admin,
      {
        question_ids: [c!.id, a!.id],
      },
    );
    expect(reordered.questions.map((q) => [q.text, q.position])).toEqual([
      ['C', 1],
      ['A', 2],
    ]);
    const withArchived = expectStatus(
      await api.call('PUT', `/surveys/${s.id}/questions/order`, admin, {
        question_ids: [c!.id, a!.id, b!.id],
      }),
      422,
      'VALIDATION_FAILED',
    ).json<Problem>();
    expect(withArchived.errors.map((e) => e.path)).toEqual(['/body/question_ids/2']);
  });

  it('inserts at a position, moving the questions from there on one place down', async () => {
    const s = await survey(['A', 'B', 'C']);
    const first = expectStatus(await add(s.id, { text: 'First', position: 1 }), 201).json<Question>();
    expect(first.position).toBe(1);
    expect(await active(s.id)).toEqual([
      ['First', 1],
      ['A', 2],
      ['B', 3],
      ['C', 4],
    ]);
    expectStatus(await add(s.id, { text: 'Middle', position: 3 }), 201);
    // n + 1 appends, like no position at all.
    expectStatus(await add(s.id, { text: 'Last', position: 6 }), 201);
    expectStatus(await add(s.id, { text: 'Appended' }), 201);
    expect(await active(s.id)).toEqual([
      ['First', 1],
      ['A', 2],
      ['Middle', 3],
      ['B', 4],
      ['C', 5],
      ['Last', 6],
      ['Appended', 7],
    ]);
    // Beyond n + 1, zero or negative: 422 at /body/position; nothing moves.
    const beyond = expectStatus(
      await add(s.id, { text: 'Far', position: 9 }),
      422,
      'VALIDATION_FAILED',
    ).json<Problem>();
    expect(beyond.errors).toEqual([
      { path: '/body/position', message: expect.stringContaining('between 1 and 8') },
    ]);
    for (const position of [0, -1, 1.5])
      expectStatus(await add(s.id, { text: 'Bad', position }), 422, 'VALIDATION_FAILED');
    expect((await active(s.id)).map(([, p]) => p)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('refuses a reorder with a missing, repeated or unknown id (422) and leaves the order as it was', async () => {
    const s = await survey(['A', 'B', 'C']);
    const [a, b, c] = s.questions.map((q) => q.id);
    const order = (question_ids: string[]) =>
      api.call('PUT', `/surveys/${s.id}/questions/order`, admin, { question_ids });
    const missing = expectStatus(await order([c!, a!]), 422, 'VALIDATION_FAILED').json<Problem>();
    expect(missing.errors).toEqual([{ path: '/body/question_ids', message: expect.stringContaining(b!) }]);
    const repeated = expectStatus(await order([c!, a!, c!, b!]), 422).json<Problem>();
    expect(repeated.errors.map((e) => e.path)).toEqual(['/body/question_ids/2']);
    const foreign = (
      await api.ok<Survey>(
        'POST',
        '/surveys',
        admin,
        { title: 'Other', questions: [{ text: 'X', type: 'text' }] },
        201,
      )
    ).questions[0]!.id;
    const unknown = expectStatus(await order([c!, a!, b!, foreign]), 422).json<Problem>();
    expect(unknown.errors.map((e) => e.path)).toEqual(['/body/question_ids/3']);
    expect(await active(s.id)).toEqual([
      ['A', 1],
      ['B', 2],
      ['C', 3],
    ]);
  });

  it('keeps the order dense when inserts and deletes arrive at the same time', async () => {
    const s = await survey(['A', 'B', 'C', 'D', 'E', 'F']);
    const ids = s.questions.map((q) => q.id);
    const results = await Promise.all([
      add(s.id, { text: 'X', position: 1 }),
      api.call('DELETE', `/questions/${ids[1]}`, admin),
      add(s.id, { text: 'Y', position: 3 }),
      api.call('DELETE', `/questions/${ids[4]}`, admin),
      add(s.id, { text: 'Z' }),
    ]);
    expect(results.map((r) => r.statusCode)).toEqual([201, 204, 201, 204, 201]);
    const positions = (await active(s.id)).map(([, p]) => p);
    expect(positions).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const texts = (await active(s.id)).map(([text]) => text);
    expect(new Set(texts)).toEqual(new Set(['A', 'C', 'D', 'F', 'X', 'Y', 'Z']));
  });

  it('needs surveys:write (403) and hides other tenants’ surveys and questions (404)', async () => {
    const s = await survey(['A', 'B']);
    for (const role of ['agent', 'team_leader', 'viewer'] as const) {
      expectStatus(await add(s.id, { text: 'N', position: 1 }, fx.users[role].auth), 403);
      expectStatus(
        await api.call('PUT', `/surveys/${s.id}/questions/order`, fx.users[role].auth, {
          question_ids: s.questions.map((q) => q.id).reverse(),
        }),
        403,
      );
      expectStatus(await api.call('DELETE', `/questions/${s.questions[0]!.id}`, fx.users[role].auth), 403);
    }
    const outsider = other.users.admin.auth;
    expectStatus(await add(s.id, { text: 'N', position: 1 }, outsider), 404);
    expectStatus(
      await api.call('PUT', `/surveys/${s.id}/questions/order`, outsider, {
        question_ids: s.questions.map((q) => q.id).reverse(),
      }),
      404,
    );
    expectStatus(await api.call('DELETE', `/questions/${s.questions[0]!.id}`, outsider), 404);
    expect(await active(s.id)).toEqual([
      ['A', 1],
      ['B', 2],
    ]);
  });
});

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { observeRoundTrips } from '../../src/platform/db/round-trips.js';
import type { TestApp } from '../harness/app.js';
import { driverUnderTest } from '../harness/database.js';
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
  type Res,
} from './helpers.js';

/**
 * The visit write path's round-trip budget, counted per unit of work by the database driver (a
 * transaction's BEGIN with the tenant preamble is one round trip, each statement one, COMMIT one).
 * Create, check-in and complete are each a read and one write that carries its audit row, outside
 * a transaction: on PostgreSQL after binding the pooled connection to the tenant when it was bound
 * elsewhere (≤ 3, 2 on a bound connection); PGlite runs them in a transaction (4 in-process calls).
 */
const WRITE_BUDGET = driverUnderTest === 'postgres' ? 3 : 4;
/**
 * A read runs outside a transaction: on PostgreSQL its statement, after binding the pooled
 * connection to the tenant when it was bound elsewhere (≤ 2); PGlite runs it in a snapshot
 * transaction (BEGIN with the preamble, the statement, COMMIT: 3 in-process calls).
 */
const READ_BUDGET = driverUnderTest === 'postgres' ? 2 : 3;

describe('field: round trips of the visit write path', () => {
  let t: TestApp;
  let fx: IdentityFixture;
  let agent: Headers;
  let outlet: string;
  let survey: { id: string; questions: { id: string }[] };
  let api: ReturnType<typeof client>;

  beforeAll(async () => {
    t = await fieldApp();
    fx = await identityFixture(t, 'round-trips');
    agent = fx.users.agent.auth;
    api = client(t);
    outlet = await createOutlet(t, fx.users.admin.auth);
    await createBrand(t, fx.users.admin.auth);
    survey = await api.ok(
      'POST',
      '/surveys',
      fx.users.admin.auth,
      {
        title: 'Shelf check',
        questions: [
          { text: 'Facings', type: 'number', required: true },
          { text: 'Shelf photo', type: 'photo' },
        ],
      },
      201,
    );
    // The agent's session is checked once, then cached: later requests run only their own work.
    await api.ok('GET', '/visits', agent);
  });
  afterAll(() => t.close());

  /** The response, and the round trips of each transaction the request ran. */
  async function counted(request: () => Promise<Res>): Promise<{ res: Res; transactions: number[] }> {
    const transactions: number[] = [];
    const stop = observeRoundTrips((n) => transactions.push(n));
    try {
      return { res: await request(), transactions };
    } finally {
      stop();
    }
  }

  it('creates, checks in and completes a visit in a read and a write each; reads it in one statement', async () => {
    const created = await counted(() =>
      api.call('POST', '/visits', agent, {
        outlet_id: outlet,
        survey_id: survey.id,
        client_uuid: randomUUID(),
      }),
    );
    const visit = expectStatus(created.res, 201).json<{ id: string }>();
    expect(created.transactions).toHaveLength(1);
    expect(created.transactions[0]).toBeLessThanOrEqual(WRITE_BUDGET);

    const gps = { ...OUTLET_POINT, accuracy_m: 5 };
    const checkIn = await counted(() => api.call('PUT', `/visits/${visit.id}/check-in`, agent, gps));
    expectStatus(checkIn.res, 200);
    expect(checkIn.transactions).toEqual([expect.any(Number)]);
    expect(checkIn.transactions[0]).toBeLessThanOrEqual(WRITE_BUDGET);

    const photo = expectStatus(
      await uploadPhoto(
        t,
        agent,
        { visit_id: visit.id, purpose: 'shelf' },
        { name: 'a.jpg', bytes: await jpeg() },
      ),
      201,
    ).json<{ id: string }>();
    const [facings, shelf] = survey.questions;
    const complete = await counted(() =>
      api.call('PUT', `/visits/${visit.id}/complete`, agent, {
        ...gps,
        answers: [
          { question_id: facings!.id, value: 4 },
          { question_id: shelf!.id, value: photo.id },
        ],
      }),
    );
    const done = expectStatus(complete.res, 200).json<{
      status: string;
      answers: unknown[];
      photos: unknown[];
    }>();
    expect(done).toMatchObject({ status: 'completed' });
    expect(done.answers).toHaveLength(2);
    expect(done.photos).toHaveLength(1);
    expect(complete.transactions).toEqual([expect.any(Number)]);
    expect(complete.transactions[0]).toBeLessThanOrEqual(WRITE_BUDGET);

    const read = await counted(() => api.call('GET', `/visits/${visit.id}`, agent));
    expect(expectStatus(read.res, 200).json()).toEqual(done);
    expect(read.transactions).toEqual([expect.any(Number)]);
    expect(read.transactions[0]).toBeLessThanOrEqual(READ_BUDGET);
  });

  it('reads a profile, a user, a customer, an outlet and a product in one statement each', async () => {
    const admin = fx.users.admin.auth;
    const customer = await api.ok('POST', '/customers', admin, { code: 'RT-1', name: 'Round trips' }, 201);
    const product = await api.ok('POST', '/products', admin, { code: 'RT-P', name: 'Round trip juice' }, 201);
    const reads = [
      '/auth/me',
      `/users/${fx.users.agent.id}`,
      `/customers/${customer.id}`,
      `/outlets/${outlet}`,
      `/products/${product.id}`,
    ];
    for (const path of reads) {
      const read = await counted(() => api.call('GET', path, admin));
      expectStatus(read.res, 200);
      expect(read.transactions, path).toHaveLength(1);
      expect(read.transactions[0], path).toBeLessThanOrEqual(READ_BUDGET);
    }
  });

  it('uploads a photo and replaces its shelf marks in at most 4 round trips per transaction', async () => {
    const visit = await api.ok(
      'POST',
      '/visits',
      agent,
      { outlet_id: outlet, client_uuid: randomUUID() },
      201,
    );
    const upload = await counted(async () =>
      uploadPhoto(
        t,
        agent,
        { visit_id: visit.id, purpose: 'shelf', client_uuid: randomUUID() },
        { name: 'a.jpg', bytes: await jpeg() },
      ),
    );
    const photo = expectStatus(upload.res, 201).json<{ id: string }>();
    // The visit checked before the image work, then (after the file is stored) the row written.
    expect(upload.transactions).toHaveLength(2);
    for (const n of upload.transactions) expect(n).toBeLessThanOrEqual(4);

    const brand = await createBrand(t, fx.users.admin.auth);
    for (const quadrants of [[{ brand_id: brand, cells: [{ row: 0, col: 0 }] }], []]) {
      const marks = await counted(() =>
        api.call('POST', `/photos/${photo.id}/shelf-quadrants`, agent, { quadrants }),
      );
      expectStatus(marks.res, 200);
      expect(marks.transactions).toEqual([expect.any(Number)]);
      expect(marks.transactions[0]).toBeLessThanOrEqual(4);
    }
  });

  it('adds and reorders survey questions in at most 4 round trips, edits and deletes them in 5', async () => {
    const admin = fx.users.admin.auth;
    const s = await api.ok<{ id: string; questions: { id: string }[] }>(
      'POST',
      '/surveys',
      admin,
      {
        title: 'Order',
        questions: [
          { text: 'A', type: 'text' },
          { text: 'B', type: 'single_choice', options: ['x', 'y'] },
        ],
      },
      201,
    );
    const [a, b] = s.questions;
    const add = await counted(() =>
      api.call('POST', `/surveys/${s.id}/questions`, admin, { text: 'C', type: 'text', position: 1 }),
    );
    const c = expectStatus(add.res, 201).json<{ id: string }>();
    const steps: [string, { res: Res; transactions: number[] }, number][] = [
      ['add', add, 201],
      [
        'edit',
        await counted(() => api.call('PUT', `/questions/${b!.id}`, admin, { options: ['x', 'y', 'z'] })),
        200,
      ],
      [
        'reorder',
        await counted(() =>
          api.call('PUT', `/surveys/${s.id}/questions/order`, admin, { question_ids: [b!.id, a!.id, c.id] }),
        ),
        200,
      ],
      ['delete', await counted(() => api.call('DELETE', `/questions/${a!.id}`, admin)), 204],
    ];
    for (const [name, { res, transactions }, status] of steps) {
      expectStatus(res, status);
      expect(transactions, name).toHaveLength(1);
      // An edit or delete reads the question's answers once it holds its locks: one more statement.
      expect(transactions[0], name).toBeLessThanOrEqual(name === 'edit' || name === 'delete' ? 5 : 4);
    }
    const { questions } = await api.ok<{ questions: { id: string; position: number }[] }>(
      'GET',
      `/surveys/${s.id}/questions`,
      admin,
    );
    expect(questions.map((q) => [q.id, q.position])).toEqual([
      [b!.id, 1],
      [c.id, 2],
    ]);
  });

  it('counts the statements a transaction runs, so a budget can be exceeded', async () => {
    const visit = await api.ok('POST', '/visits', agent, { outlet_id: outlet }, 201);
    const listed = await counted(() => api.call('GET', `/visits/${visit.id}/answers`, agent));
    expectStatus(listed.res, 200);
    // The visit, then its answers: two statements between BEGIN and COMMIT.
    expect(listed.transactions).toEqual([4]);
  });
});

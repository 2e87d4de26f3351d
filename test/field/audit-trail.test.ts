import type { RouteOptions } from 'fastify';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogModule } from '../../src/modules/catalog/index.js';
import { fieldModule } from '../../src/modules/field/index.js';
import { identityModule } from '../../src/modules/identity/index.js';
import { createTestApp, type TestApp } from '../harness/app.js';
import { identityFixture, type FixtureUser, type IdentityFixture } from '../identity/fixtures.js';
import {
  client,
  createBrand,
  createOutlet,
  expectStatus,
  jpeg,
  OUTLET_POINT,
  uploadPhoto,
  type Headers,
  type Method,
  type Res,
} from './helpers.js';

interface AuditRow {
  action: string;
  entity_type: string;
  entity_id: string | null;
  actor_user_id: string | null;
  request_id: string | null;
  changes: { before?: Record<string, unknown>; after?: Record<string, unknown> } | null;
}

/** One write route exercised: who calls, and which entity's audit row the call must leave. */
interface Exercise {
  caller: FixtureUser;
  call(): Promise<Res>;
  entity: (res: Res) => { type: string; id: string };
  action: string;
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const D = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const GPS = { latitude: OUTLET_POINT.latitude, longitude: OUTLET_POINT.longitude, accuracy_m: 5 };

/**
 * Every state-changing route of the field module leaves an audit row naming the actor, the action,
 * the entity and the changed fields. The routes are read from what the module registers, so a new
 * write route without an exercise here (and so without a checked audit row) fails this test.
 */
describe('field: audit trail of every write route', () => {
  const registered: { method: string; url: string }[] = [];
  const recordingField = {
    ...fieldModule,
    async routes(app: Parameters<NonNullable<typeof fieldModule.routes>>[0], platform: never) {
      app.addHook('onRoute', (route: RouteOptions) => {
        for (const method of [route.method].flat())
          if (WRITES.has(method)) registered.push({ method, url: route.url.replace(/^\/api\/v1/, '') });
      });
      await fieldModule.routes!(app, platform);
    },
  };
  let t: TestApp;
  let fx: IdentityFixture;
  let admin: FixtureUser;
  let agent: FixtureUser;
  let api: ReturnType<typeof client>;

  beforeAll(async () => {
    t = await createTestApp({ deps: { modules: [identityModule, catalogModule, recordingField as never] } });
    fx = await identityFixture(t, 'audit-trail');
    admin = fx.users.admin;
    agent = fx.users.agent;
    api = client(t);
  });
  afterAll(() => t.close());

  it('finds the write routes the module registers', () => {
    expect(registered.length).toBeGreaterThanOrEqual(20);
    expect(registered).toContainEqual({ method: 'PUT', url: '/visits/:id/check-in' });
  });

  it('writes an audit row with actor, action, entity and changed fields for each of them', async () => {
    // Each checked call carries its own request id, which its audit row must repeat.
    let requestId = '';
    const auth = (u: FixtureUser): Headers => ({ ...u.auth, 'x-request-id': requestId });
    const json = (res: Res) => res.json<{ id: string }>();
    const outlet = await createOutlet(t, admin.auth);
    const brand = await createBrand(t, admin.auth);
    const newSurvey = () =>
      api.ok(
        'POST',
        '/surveys',
        admin.auth,
        { title: `S ${randomUUID()}`, questions: [{ text: 'Q', type: 'text' }] },
        201,
      );
    const newVisit = async (body: object = {}) =>
      api.ok('POST', '/visits', agent.auth, { outlet_id: outlet, client_uuid: randomUUID(), ...body }, 201);
    const newGoal = () =>
      api.ok(
        'POST',
        '/goals',
        admin.auth,
        { name: 'G', metric: 'manual', target: '10', period_start: D(-1), period_end: D(30) },
        201,
      );
    const newCycle = async () =>
      api.ok<{ id: string; locations: { id: string }[] }>(
        'POST',
        '/call-cycles',
        admin.auth,
        {
          name: 'Route',
          agent_id: agent.id,
          start_date: D(1),
          end_date: D(14),
          frequency: 'weekly',
          locations: [{ outlet_id: outlet }, { outlet_id: await createOutlet(t, admin.auth) }],
        },
        201,
      );
    const newPhoto = async () => {
      const visit = await newVisit();
      const res = expectStatus(
        await uploadPhoto(
          t,
          agent.auth,
          { visit_id: visit.id, purpose: 'shelf' },
          { name: 'a.jpg', bytes: await jpeg() },
        ),
        201,
      );
      return json(res);
    };
    const call =
      (caller: FixtureUser, method: Method, url: string | (() => Promise<string>), body?: object) =>
      async () =>
        api.call(method, typeof url === 'string' ? url : await url(), auth(caller), body);
    const id = (type: string, value: () => string) => () => ({ type, id: value() });
    const created = (type: string) => (res: Res) => ({ type, id: json(res).id });

    // Each exercise prepares what it needs, then makes the one call whose audit row is checked.
    let target = '';
    const on = async (make: () => Promise<{ id: string }>) => (target = (await make()).id);
    const exercises: Record<string, () => Promise<Exercise>> = {
      'POST /surveys': async () => ({
        caller: admin,
        call: call(admin, 'POST', '/surveys', { title: `S ${randomUUID()}` }),
        entity: created('survey'),
        action: 'survey.create',
      }),
      'PUT /surveys/:id': async () => (
        await on(newSurvey),
        {
          caller: admin,
          call: call(admin, 'PUT', `/surveys/${target}`, { title: 'Renamed' }),
          entity: id('survey', () => target),
          action: 'survey.update',
        }
      ),
      'DELETE /surveys/:id': async () => (
        await on(newSurvey),
        {
          caller: admin,
          call: call(admin, 'DELETE', `/surveys/${target}`),
          entity: id('survey', () => target),
          action: 'survey.delete',
        }
      ),
      'POST /surveys/:id/questions': async () => (
        await on(newSurvey),
        {
          caller: admin,
          call: call(admin, 'POST', `/surveys/${target}/questions`, { text: 'Why?', type: 'text' }),
          entity: created('survey_question'),
          action: 'question.create',
        }
      ),
      'PUT /surveys/:id/questions/order': async () => {
        const survey = await api.ok<{ id: string; questions: { id: string }[] }>(
          'POST',
          '/surveys',
          admin.auth,
          {
            title: `S ${randomUUID()}`,
            questions: [
              { text: 'A', type: 'text' },
              { text: 'B', type: 'text' },
            ],
          },
          201,
        );
        return {
          caller: admin,
          call: call(admin, 'PUT', `/surveys/${survey.id}/questions/order`, {
            question_ids: survey.questions.map((q) => q.id).reverse(),
          }),
          entity: () => ({ type: 'survey', id: survey.id }),
          action: 'survey.reorder_questions',
        };
      },
      'PUT /questions/:id': async () => {
        const survey = await api.ok<{ questions: { id: string }[] }>(
          'POST',
          '/surveys',
          admin.auth,
          {
            title: `S ${randomUUID()}`,
            questions: [{ text: 'A', type: 'text' }],
          },
          201,
        );
        target = survey.questions[0]!.id;
        return {
          caller: admin,
          call: call(admin, 'PUT', `/questions/${target}`, { text: 'A, better' }),
          entity: id('survey_question', () => target),
          action: 'question.update',
        };
      },
      'DELETE /questions/:id': async () => {
        const survey = await api.ok<{ questions: { id: string }[] }>(
          'POST',
          '/surveys',
          admin.auth,
          {
            title: `S ${randomUUID()}`,
            questions: [{ text: 'A', type: 'text' }],
          },
          201,
        );
        target = survey.questions[0]!.id;
        return {
          caller: admin,
          call: call(admin, 'DELETE', `/questions/${target}`),
          entity: id('survey_question', () => target),
          action: 'question.delete',
        };
      },
      'POST /visits': async () => ({
        caller: agent,
        call: call(agent, 'POST', '/visits', { outlet_id: outlet, client_uuid: randomUUID() }),
        entity: created('visit'),
        action: 'visit.create',
      }),
      'PUT /visits/:id/check-in': async () => (
        await on(newVisit),
        {
          caller: agent,
          call: call(agent, 'PUT', `/visits/${target}/check-in`, GPS),
          entity: id('visit', () => target),
          action: 'visit.check_in',
        }
      ),
      'PUT /visits/:id/complete': async () => (
        await on(newVisit),
        {
          caller: agent,
          call: call(agent, 'PUT', `/visits/${target}/complete`, GPS),
          entity: id('visit', () => target),
          action: 'visit.complete',
        }
      ),
      'PUT /visits/:id/cancel': async () => (
        await on(newVisit),
        {
          caller: agent,
          call: call(agent, 'PUT', `/visits/${target}/cancel`, { reason: 'Shop closed' }),
          entity: id('visit', () => target),
          action: 'visit.cancel',
        }
      ),
      'POST /photos': async () => {
        const visit = await newVisit();
        return {
          caller: agent,
          call: async () =>
            uploadPhoto(
              t,
              auth(agent),
              { visit_id: visit.id, purpose: 'shelf' },
              { name: 'a.jpg', bytes: await jpeg() },
            ),
          entity: created('photo'),
          action: 'photo.upload',
        };
      },
      'POST /photos/:id/shelf-quadrants': async () => (
        await on(newPhoto),
        {
          caller: agent,
          call: call(agent, 'POST', `/photos/${target}/shelf-quadrants`, {
            quadrants: [{ brand_id: brand, cells: [{ row: 0, col: 0 }] }],
          }),
          entity: id('photo', () => target),
          action: 'photo.shelf_marks',
        }
      ),
      'POST /goals': async () => ({
        caller: admin,
        call: call(admin, 'POST', '/goals', {
          name: 'G',
          metric: 'manual',
          target: '5',
          period_start: D(0),
          period_end: D(9),
        }),
        entity: created('goal'),
        action: 'goal.create',
      }),
      'PUT /goals/:id': async () => (
        await on(newGoal),
        {
          caller: admin,
          call: call(admin, 'PUT', `/goals/${target}`, { name: 'G2' }),
          entity: id('goal', () => target),
          action: 'goal.update',
        }
      ),
      'DELETE /goals/:id': async () => (
        await on(newGoal),
        {
          caller: admin,
          call: call(admin, 'DELETE', `/goals/${target}`),
          entity: id('goal', () => target),
          action: 'goal.',
        }
      ),
      'POST /goals/:id/assign': async () => (
        await on(newGoal),
        {
          caller: admin,
          call: call(admin, 'POST', `/goals/${target}/assign`, {
            assignees: [{ type: 'user', id: agent.id }],
          }),
          entity: id('goal', () => target),
          action: 'goal.',
        }
      ),
      'POST /goals/:id/unassign': async () => {
        await on(newGoal);
        await api.ok('POST', `/goals/${target}/assign`, admin.auth, {
          assignees: [{ type: 'user', id: agent.id }],
        });
        return {
          caller: admin,
          call: call(admin, 'POST', `/goals/${target}/unassign`, {
            assignees: [{ type: 'user', id: agent.id }],
          }),
          entity: id('goal', () => target),
          action: 'goal.',
        };
      },
      'POST /goals/:id/progress': async () => {
        await on(newGoal);
        await api.ok('POST', `/goals/${target}/assign`, admin.auth, {
          assignees: [{ type: 'user', id: agent.id }],
        });
        return {
          caller: agent,
          call: call(agent, 'POST', `/goals/${target}/progress`, { value: '3' }),
          entity: id('goal', () => target),
          action: 'goal.',
        };
      },
      'POST /call-cycles': async () => ({
        caller: admin,
        call: call(admin, 'POST', '/call-cycles', {
          name: 'R',
          agent_id: agent.id,
          start_date: D(1),
          end_date: D(8),
          frequency: 'weekly',
          locations: [{ outlet_id: outlet }],
        }),
        entity: created('call_cycle'),
        action: 'call_cycle.',
      }),
      'PUT /call-cycles/:id': async () => (
        await on(newCycle),
        {
          caller: admin,
          call: call(admin, 'PUT', `/call-cycles/${target}`, { frequency: 'biweekly' }),
          entity: id('call_cycle', () => target),
          action: 'call_cycle.',
        }
      ),
      'DELETE /call-cycles/:id': async () => (
        await on(newCycle),
        {
          caller: admin,
          call: call(admin, 'DELETE', `/call-cycles/${target}`),
          entity: id('call_cycle', () => target),
          action: 'call_cycle.',
        }
      ),
      'POST /call-cycles/:id/locations': async () => (
        await on(newCycle),
        {
          caller: admin,
          call: call(admin, 'POST', `/call-cycles/${target}/locations`, {
            locations: [{ outlet_id: await createOutlet(t, admin.auth) }],
          }),
          entity: id('call_cycle', () => target),
          action: 'call_cycle.',
        }
      ),
      'PUT /call-cycles/:id/locations/order': async () => {
        const cycle = await newCycle();
        target = cycle.id;
        return {
          caller: admin,
          call: call(admin, 'PUT', `/call-cycles/${cycle.id}/locations/order`, {
            location_ids: cycle.locations.map((l) => l.id).reverse(),
          }),
          entity: id('call_cycle', () => target),
          action: 'call_cycle.',
        };
      },
      'DELETE /call-cycles/:id/locations/:location_id': async () => {
        const cycle = await newCycle();
        target = cycle.id;
        return {
          caller: admin,
          call: call(admin, 'DELETE', `/call-cycles/${cycle.id}/locations/${cycle.locations[0]!.id}`),
          entity: id('call_cycle', () => target),
          action: 'call_cycle.',
        };
      },
    };

    const unexercised = registered.map((r) => `${r.method} ${r.url}`).filter((key) => !exercises[key]);
    expect(unexercised, 'write routes without an audit check here').toEqual([]);

    for (const { method, url } of registered) {
      const key = `${method} ${url}`;
      const exercise = await exercises[key]!();
      requestId = randomUUID();
      const res = await exercise.call();
      expect(res.statusCode, `${key}: ${res.body}`).toBeLessThan(300);
      const entity = exercise.entity(res);
      const { audit } = await api.ok<{ audit: AuditRow[] }>(
        'GET',
        `/audit?entity_type=${entity.type}&entity_id=${entity.id}`,
        admin.auth,
      );
      const row = audit.find((a) => a.request_id === requestId);
      expect(row, `${key}: no audit row for its request`).toBeDefined();
      expect(row!.action.startsWith(exercise.action), `${key}: action ${row!.action}`).toBe(true);
      expect(row!.actor_user_id, key).toBe(exercise.caller.id);
      expect(row!.entity_type, key).toBe(entity.type);
      const fields = Object.keys({ ...row!.changes?.before, ...row!.changes?.after });
      expect(fields.length, `${key}: the audit row names no changed field`).toBeGreaterThan(0);
    }
  });
});

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../harness/app.js';
import { driverUnderTest } from '../harness/database.js';
import { identityFixture, type IdentityFixture } from '../identity/fixtures.js';
import {
  client,
  createOutlet,
  expectStatus,
  fieldApp,
  jpeg,
  OUTLET_POINT,
  uploadPhoto,
  type Res,
} from './helpers.js';
import { untilWaitingForLock } from '../harness/locks.js';

/**
 * A check-in or completion reads the visit without locking it and writes once, guarded by the
 * status it read. These tests change the visit between the two (a transaction holds the change
 * uncommitted until the step's write waits for it), which needs two connections: PostgreSQL only.
 */
describe.skipIf(driverUnderTest !== 'postgres')('field: visit steps racing other writers', () => {
  let t: TestApp;
  let fx: IdentityFixture;
  let api: ReturnType<typeof client>;
  let outlet: string;
  const gps = { ...OUTLET_POINT, accuracy_m: 5 };

  beforeAll(async () => {
    t = await fieldApp();
    fx = await identityFixture(t, 'visit-races');
    api = client(t);
    outlet = await createOutlet(t, fx.users.admin.auth);
  });
  afterAll(() => t.close());

  const agent = () => fx.users.agent.auth;
  const newVisit = () =>
    api.ok<{ id: string }>('POST', '/visits', agent(), { outlet_id: outlet, client_uuid: randomUUID() }, 201);

  /**
   * Runs `change` on the visit in a transaction that stays open until `request`'s write waits for
   * the row, then commits; the request's response.
   */
  async function racing(visitId: string, change: string, request: () => Promise<Res>): Promise<Res> {
    const { pending } = await t.app.platform.db.withTenant({ tenantId: fx.tenantId }, async (tx) => {
      await tx.sql.query(change, [visitId]);
      const started = request();
      await untilWaitingForLock(t);
      return { pending: started };
    });
    return pending;
  }

  const auditActions = async (visitId: string) =>
    (
      await t.database.db.query<{ action: string; changes: { before?: { status?: string } } }>(
        'select action, changes from audit_log where entity_id = $1 order by id',
        [visitId],
      )
    ).rows;

  it('answers a check-in whose visit was cancelled meanwhile 409 VISIT_CANCELLED, writing nothing', async () => {
    const visit = await newVisit();
    const res = await racing(
      visit.id,
      "update visits set status = 'cancelled', cancelled_at = now(), cancel_reason = 'closed' where id = $1",
      () => api.call('PUT', `/visits/${visit.id}/check-in`, agent(), gps),
    );
    expectStatus(res, 409, 'VISIT_CANCELLED');
    const stored = await api.ok<{ status: string; check_in_at: string | null }>(
      'GET',
      `/visits/${visit.id}`,
      fx.users.admin.auth,
    );
    expect(stored).toMatchObject({ status: 'cancelled', check_in_at: null });
    expect((await auditActions(visit.id)).map((a) => a.action)).toEqual(['visit.create']);
  });

  it('completes a visit checked in meanwhile from its new state, audited once', async () => {
    const visit = await newVisit();
    const res = await racing(
      visit.id,
      "update visits set status = 'in_progress', check_in_at = now() - interval '1 minute' where id = $1",
      () => api.call('PUT', `/visits/${visit.id}/complete`, agent(), { ...gps, notes: 'done' }),
    );
    expect(expectStatus(res, 200).json()).toMatchObject({ status: 'completed', notes: 'done' });
    const audits = await auditActions(visit.id);
    expect(audits.map((a) => a.action)).toEqual(['visit.create', 'visit.complete']);
    // The completion that landed is the one that read the checked-in visit.
    expect(audits[1]!.changes.before).toEqual({ status: 'in_progress' });
  });

  it('lets one of two concurrent completions win; the other is 409 VISIT_ALREADY_COMPLETED', async () => {
    const visit = await newVisit();
    const [a, b] = await Promise.all([
      api.call('PUT', `/visits/${visit.id}/complete`, agent(), gps),
      api.call('PUT', `/visits/${visit.id}/complete`, agent(), gps),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
    const audits = await auditActions(visit.id);
    expect(audits.filter((x) => x.action === 'visit.complete')).toHaveLength(1);
  });

  it('refuses a photo of a visit cancelled while the photo was being stored: 409 VISIT_CLOSED', async () => {
    const visit = await newVisit();
    const bytes = await jpeg();
    // The cancellation holds the visit (as `PUT /visits/{id}/cancel` does) until the upload waits.
    const { pending } = await t.app.platform.db.withTenant({ tenantId: fx.tenantId }, async (tx) => {
      await tx.sql.query('select id from visits where id = $1 for update', [visit.id]);
      await tx.sql.query(
        "update visits set status = 'cancelled', cancelled_at = now(), cancel_reason = 'closed' where id = $1",
        [visit.id],
      );
      const started = uploadPhoto(
        t,
        agent(),
        { visit_id: visit.id, purpose: 'shelf' },
        { name: 's.jpg', bytes },
      );
      await untilWaitingForLock(t);
      return { pending: started };
    });
    expectStatus(await pending, 409, 'VISIT_CLOSED');
    const photos = await t.database.db.query<{ n: number }>(
      'select count(*)::int as n from photos where visit_id = $1',
      [visit.id],
    );
    expect(photos.rows[0]!.n).toBe(0);
  });

  it('refuses to remove an option that a completion committing meanwhile answered: 409', async () => {
    const admin = fx.users.admin.auth;
    const survey = await api.ok<{ id: string; questions: { id: string }[] }>(
      'POST',
      '/surveys',
      admin,
      {
        title: 'Racing options',
        questions: [{ text: 'Pick', type: 'single_choice', options: ['A', 'B', 'C'] }],
      },
      201,
    );
    const question = survey.questions[0]!.id;
    const visit = await api.ok<{ id: string }>(
      'POST',
      '/visits',
      agent(),
      { outlet_id: outlet, survey_id: survey.id, client_uuid: randomUUID() },
      201,
    );
    // The completion's answers are written (their key check holds the question) but not committed
    // when the option's removal arrives.
    const { pending } = await t.app.platform.db.withTenant({ tenantId: fx.tenantId }, async (tx) => {
      await tx.sql.query(
        `insert into visit_answers (tenant_id, id, visit_id, question_id, value) values ($1, $2, $3, $4, '"B"')`,
        [fx.tenantId, randomUUID(), visit.id, question],
      );
      const started = api.call('PUT', `/questions/${question}`, admin, { options: ['A', 'C'] });
      await untilWaitingForLock(t);
      return { pending: started };
    });
    expectStatus(await pending, 409, 'QUESTION_ANSWERED');
    const stored = await api.ok<{ questions: { options: string[] }[] }>(
      'GET',
      `/surveys/${survey.id}/questions`,
      admin,
    );
    expect(stored.questions[0]!.options).toEqual(['A', 'B', 'C']);
  });

  it('leaves a call-cycle slot with the visit that fulfilled it first when two complete at once', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const place = await createOutlet(t, fx.users.admin.auth);
    await api.ok(
      'POST',
      '/call-cycles',
      fx.users.admin.auth,
      {
        name: 'One slot',
        agent_id: fx.users.agent.id,
        start_date: today,
        end_date: today,
        frequency: 'daily',
        locations: [{ outlet_id: place }],
      },
      201,
    );
    const slotOf = async () =>
      (
        await t.database.db.query<{ id: string; visit_id: string | null; status: string }>(
          'select id, visit_id, status from call_cycle_slots where outlet_id = $1',
          [place],
        )
      ).rows;
    const [slot] = await slotOf();
    const plan = () =>
      api.ok<{ id: string }>(
        'POST',
        '/visits',
        agent(),
        { outlet_id: place, client_uuid: randomUUID() },
        201,
      );
    const first = await plan();
    const second = await plan();
    // The first completion has marked the slot but not committed when the second one writes.
    const { pending } = await t.app.platform.db.withTenant({ tenantId: fx.tenantId }, async (tx) => {
      await tx.sql.query(`update call_cycle_slots set status = 'visited', visit_id = $2 where id = $1`, [
        slot!.id,
        first.id,
      ]);
      const started = api.call('PUT', `/visits/${second.id}/complete`, agent(), gps);
      await untilWaitingForLock(t);
      return { pending: started };
    });
    expectStatus(await pending, 200);
    expect(await slotOf()).toEqual([{ id: slot!.id, visit_id: first.id, status: 'visited' }]);
  });
});

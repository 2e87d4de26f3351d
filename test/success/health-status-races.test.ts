import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../harness/app.js';
import { driverUnderTest } from '../harness/database.js';
import { identityFixture, type IdentityFixture } from '../identity/fixtures.js';
import { client, createCustomer, expectStatus, successApp, type Headers } from './helpers.js';
import { untilWaitingForLock } from '../harness/locks.js';

type Res = Awaited<ReturnType<ReturnType<typeof client>['call']>>;

/**
 * Scoring one customer reads it, then its inputs, then writes the score and the status it moves
 * to. A churned customer is never moved by scoring, including one churned while its score was
 * being computed.
 */
describe('health: scoring a customer whose status changes meanwhile', () => {
  let t: TestApp;
  let fx: IdentityFixture;
  let admin: Headers;
  let api: ReturnType<typeof client>;

  beforeAll(async () => {
    t = await successApp();
    fx = await identityFixture(t, 'hstatus');
    admin = fx.users.admin.auth;
    api = client(t);
  });
  afterAll(() => t.close());

  const status = async (id: string) =>
    (await t.database.db.query<{ status: string }>('select status from customers where id = $1', [id]))
      .rows[0]!.status;
  /** The status changes the score calculations of a customer recorded in the audit log. */
  const auditedStatusChanges = async (id: string) =>
    (
      await t.database.db.query<{ changes: { before: { status?: string }; after: { status?: string } } }>(
        `select changes from audit_log where entity_id = $1 and action = 'health_score.calculate' order by at, id`,
        [id],
      )
    ).rows
      .map((r) => [r.changes.before.status, r.changes.after.status])
      .filter(([before, after]) => before !== undefined || after !== undefined);
  const calculate = (id: string) => api.call('POST', `/health-scores/calculate/${id}`, admin);

  it('keeps a customer churned through the API churned when it is scored again', async () => {
    // Nothing deployed and no activity: a high-risk score, which moves an active customer to at risk.
    const id = await createCustomer(t, admin, { owner_id: fx.users.agent.id });
    expect(expectStatus(await calculate(id), 201).json<{ risk_level: string }>().risk_level).toBe('high');
    expect(await status(id)).toBe('at_risk');
    await api.ok('PUT', `/customers/${id}`, admin, { status: 'churned' });
    expectStatus(await calculate(id), 201);
    expect(await status(id)).toBe('churned');
    expect(await auditedStatusChanges(id)).toEqual([['active', 'at_risk']]);
  });

  /*
   * The churn is held uncommitted by a transaction of the test until the scoring's write waits for
   * the customer row, then committed: the scoring has read the customer before the churn and
   * writes after it. Two connections: PostgreSQL only.
   */
  describe.skipIf(driverUnderTest !== 'postgres')('racing a churn (PostgreSQL)', () => {
    it('leaves a customer churned while its score was computed churned, audited without a status change', async () => {
      const id = await createCustomer(t, admin, { owner_id: fx.users.agent.id });
      const { pending } = await t.app.platform.db.withTenant({ tenantId: fx.tenantId }, async (tx) => {
        await tx.sql.query("update customers set status = 'churned', updated_at = now() where id = $1", [id]);
        const started: Promise<Res> = calculate(id);
        await untilWaitingForLock(t);
        return { pending: started };
      });
      expect(expectStatus(await pending, 201).json<{ risk_level: string }>().risk_level).toBe('high');
      expect(await status(id)).toBe('churned');
      expect(await auditedStatusChanges(id)).toEqual([]);
    });
  });
});

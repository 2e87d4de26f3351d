import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAutoClose, runReminders } from '../../src/modules/planning/cycles/jobs.js';
import type { TestApp } from '../harness/app.js';
import { identityFixture, type IdentityFixture } from '../identity/fixtures.js';
import { client, createCustomer, createMatrixRow, createProduct, planningApp, uniq } from './helpers.js';

const today = new Date().toISOString().slice(0, 10);
const inDays = (n: number) =>
  new Date(Date.parse(`${today}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/** The cycle jobs work tenant by tenant: active tenants only, one failing spares the others. */
describe('S&OP cycle jobs across tenants', () => {
  let t: TestApp;
  let broken: IdentityFixture;
  let healthy: IdentityFixture;
  let suspended: IdentityFixture;
  const cycles = new Map<string, string>();

  /** A tenant whose agent has a matrix row and whose open cycle's deadline is two days away. */
  async function tenantWithOpenCycle(name: string): Promise<IdentityFixture> {
    const fx = await identityFixture(t, name);
    const api = client(t);
    const admin = fx.users.admin.auth;
    const customer = await createCustomer(t, admin);
    const product = await createProduct(t, admin);
    await createMatrixRow(t, admin, {
      customer_id: customer.id,
      product_id: product.id,
      rep_id: fx.users.agent.id,
    });
    // Deadline (end − 7) two days away: within the default reminder window of 3 days.
    const cycle = await api.ok<{ id: string }>(
      'POST',
      '/sop/cycles',
      admin,
      { name: uniq('Cycle'), anchor_month: today.slice(0, 7), start_date: today, end_date: inDays(9) },
      201,
    );
    await api.ok('POST', `/sop/cycles/${cycle.id}/open`, admin);
    cycles.set(fx.tenantId, cycle.id);
    return fx;
  }

  const sql = (text: string, params: unknown[]) => t.database.db.query(text, params);
  const mails = async (fx: IdentityFixture) =>
    (await t.app.platform.mailer.outbox({ tenantId: fx.tenantId, to: fx.users.agent.email })).length;
  const cycleStatus = async (fx: IdentityFixture) =>
    (
      await t.database.db.query<{ status: string }>('select status from sop_cycles where id = $1', [
        cycles.get(fx.tenantId),
      ])
    ).rows[0]!.status;

  beforeAll(async () => {
    t = await planningApp();
    // Created first, so the jobs reach it before the healthy tenant.
    broken = await tenantWithOpenCycle('cjbroken');
    healthy = await tenantWithOpenCycle('cjhealthy');
    suspended = await tenantWithOpenCycle('cjsuspended');
    // A zone that cannot have been stored through the API: the tenant's calendar cannot be read.
    await sql(`update tenants set settings = settings || '{"time_zone": "Mars/Olympus"}' where id = $1`, [
      broken.tenantId,
    ]);
    await sql(`update tenants set status = 'suspended' where id = $1`, [suspended.tenantId]);
  });
  afterAll(() => t.close());

  it('reminds the other tenants when one fails, then fails naming it; suspended tenants are left alone', async () => {
    await expect(runReminders(t.app.platform)).rejects.toThrow(
      new RegExp(`S&OP cycle reminders failed: ${broken.tenantId}: .*Mars/Olympus`),
    );
    expect(await mails(healthy)).toBe(1);
    expect(await mails(broken)).toBe(0);
    expect(await mails(suspended)).toBe(0);
    // Once the tenant's settings are right again, the next tick reminds it (and no one twice).
    await sql(`update tenants set settings = settings - 'time_zone' where id = $1`, [broken.tenantId]);
    expect(await runReminders(t.app.platform)).toBe(1);
    expect([await mails(broken), await mails(healthy), await mails(suspended)]).toEqual([1, 1, 0]);
  });

  it('closes the other tenants’ ended cycles when one fails, then fails naming it; suspended ones stay open', async () => {
    await sql(`update tenants set settings = settings || '{"time_zone": "Mars/Olympus"}' where id = $1`, [
      broken.tenantId,
    ]);
    const afterEnd = new Date(`${inDays(11)}T12:00:00Z`);
    await expect(runAutoClose(t.app.platform, afterEnd)).rejects.toThrow(
      new RegExp(`S&OP cycle auto-close failed: ${broken.tenantId}: .*Mars/Olympus`),
    );
    expect(await cycleStatus(healthy)).toBe('closed');
    expect(await cycleStatus(broken)).toBe('open');
    expect(await cycleStatus(suspended)).toBe('open');
    await sql(`update tenants set settings = settings - 'time_zone' where id = $1`, [broken.tenantId]);
    expect(await runAutoClose(t.app.platform, afterEnd)).toBe(1);
    expect(await cycleStatus(broken)).toBe('closed');
    expect(await cycleStatus(suspended)).toBe('open');
  });
});

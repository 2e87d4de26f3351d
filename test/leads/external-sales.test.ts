import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../harness/app.js';
import type { IdentityFixture } from '../identity/fixtures.js';
import { runImport } from '../catalog/imports.helpers.js';
import { client, createOutlet, expectStatus, leadsApp, uniq, type Headers } from './helpers.js';
import { captureLead, salesTenant, type Conversion, type Ledger } from './sales.helpers.js';

type Rows = {
  counts: Record<string, number>;
  rows: {
    row_number: number;
    external_sale_id: string;
    status: string;
    reason: string | null;
    lead_id: string | null;
  }[];
  total: number;
};

const HEADER =
  'external_sale_id,external_system,outlet_code,agent_code,sale_date,sale_amount,cost_amount,customer_phone,lead_uuid';

describe('external sales imports', () => {
  let t: TestApp;
  let fx: IdentityFixture;
  let admin: Headers;
  let api: ReturnType<typeof client>;
  let outletCode: string;
  let outlet: string;
  const importAs = (csv: string, fields: Record<string, string> = {}) =>
    runImport(
      t,
      fx.users.admin,
      fx.tenantId,
      { bytes: csv },
      { entity: 'external_sales', mode: 'upsert-by-code', ...fields },
    );
  const counts = async () => {
    const conversions = await api.ok<{ conversions: Conversion[] }>('GET', '/conversions?limit=500', admin);
    const ledger = await api.ok<Ledger>('GET', '/ledger?limit=500', admin);
    return { conversions: conversions.conversions.length, entries: ledger.ledger_entries.length };
  };

  beforeAll(async () => {
    t = await leadsApp();
    api = client(t);
    ({ fx, admin } = await salesTenant(t, 'ext', { external_sale_match_days: 30 }));
    outletCode = uniq('O');
    outlet = await createOutlet(t, admin, { code: outletCode });
  }, 120_000);
  afterAll(() => t?.close());

  it('matches by lead uuid and by phone (same outlet first, then latest), records unmatched rows with reasons', async () => {
    const agent = fx.users.agent.auth;
    const day = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString();
    const byUuid = await captureLead(t, agent, {});
    const phone = '901234001';
    const atOutlet = await captureLead(t, agent, { phone, outlet_id: outlet, captured_at: day(10) });
    await captureLead(t, agent, { phone, captured_at: day(5) }); // later, but at no outlet
    const latestA = await captureLead(t, agent, { phone: '901234002', captured_at: day(9) });
    const olderA = await captureLead(t, agent, { phone: '901234002', captured_at: day(12) });
    await captureLead(t, agent, { phone: '901234003', captured_at: day(45) }); // outside the window
    const rejected = await captureLead(t, agent, { phone: '901234004', captured_at: day(3) });
    await api.ok('POST', `/leads/${rejected.id}/status`, agent, { status: 'rejected' });
    const saleDay = day(1).slice(0, 10);
    const csv = [
      HEADER,
      `E-1,,,,${saleDay},100.50,40,,${byUuid.client_uuid}`,
      `E-2,pos,${outletCode},,${saleDay},200,,+998901234001,`,
      `E-3,pos,,,${saleDay},300,10,901234002,`,
      `E-4,pos,,,${saleDay},1,,901234003,`,
      `E-5,pos,,,${saleDay},1,,,${crypto.randomUUID()}`,
      `E-6,pos,,,${saleDay},1,,901234004,`,
    ].join('\n');
    const { run } = await importAs(csv);
    expect(run!.status).toBe('completed');
    expect(run!.progress).toMatchObject({ rows_created: 3, rows_invalid: 0 });
    const rows = await api.ok<Rows>('GET', `/imports/${run!.id}/external-sales`, admin);
    expect(rows.counts).toEqual({ matched: 3, created: 3, updated: 0, unchanged: 0, unmatched: 3 });
    const byId = Object.fromEntries(rows.rows.map((r) => [r.external_sale_id, r]));
    expect(byId['E-1']).toMatchObject({ status: 'created', lead_id: byUuid.id });
    expect(byId['E-2']).toMatchObject({ status: 'created', lead_id: atOutlet.id });
    expect(byId['E-3']).toMatchObject({ status: 'created', lead_id: latestA.id });
    expect(byId['E-3']!.lead_id).not.toBe(olderA.id);
    expect(byId['E-4']).toMatchObject({ status: 'unmatched', reason: 'no_lead_with_phone' });
    expect(byId['E-5']).toMatchObject({ status: 'unmatched', reason: 'lead_uuid_unknown' });
    expect(byId['E-6']).toMatchObject({
      status: 'unmatched',
      reason: 'lead_not_convertible',
      lead_id: rejected.id,
    });
    const unmatched = await api.ok<Rows>('GET', `/imports/${run!.id}/external-sales?status=unmatched`, admin);
    expect(unmatched.rows.map((r) => [r.row_number, r.reason])).toEqual([
      [5, 'no_lead_with_phone'],
      [6, 'lead_uuid_unknown'],
      [7, 'lead_not_convertible'],
    ]);
    expect(unmatched.total).toBe(3);

    const imported = await api.ok<{ conversions: Conversion[] }>(
      'GET',
      '/conversions?origin=import&limit=500',
      admin,
    );
    const e1 = imported.conversions.find((c) => c.external_sale_id === 'E-1')!;
    expect(e1).toMatchObject({
      external_system: 'import',
      amount: '100.50',
      cost: '40.00',
      currency: 'UZS',
      import_run_id: run!.id,
    });
    expect((await api.ok<{ status: string }>('GET', `/leads/${byUuid.id}`, admin)).status).toBe('converted');

    // The same file again: nothing created, nothing changed, no ledger entry.
    const before = await counts();
    const again = (await importAs(csv)).run!;
    expect(again.progress).toMatchObject({ rows_created: 0, rows_updated: 0 });
    expect(await counts()).toEqual(before);
    const againRows = await api.ok<Rows>('GET', `/imports/${again.id}/external-sales`, admin);
    expect(againRows.counts).toMatchObject({ matched: 3, unchanged: 3, created: 0, unmatched: 3 });

    // A changed amount updates the conversion with a correcting entry.
    const changed = (await importAs(`${HEADER}\nE-3,pos,,,${saleDay},350,10,901234002,`)).run!;
    expect(changed.progress).toMatchObject({ rows_updated: 1 });
    const e3 = (
      await api.ok<{ conversions: Conversion[] }>('GET', '/conversions?origin=import&limit=500', admin)
    ).conversions.find((c) => c.external_sale_id === 'E-3')!;
    expect(e3.amount).toBe('350.00');
    const ledger = await api.ok<Ledger>('GET', `/ledger?conversion=${e3.id}`, admin);
    expect(ledger.ledger_entries.map((e) => e.amount).sort()).toEqual(['10.00', '300.00', '50.00']);
    expect(ledger.totals.revenue).toBe('350.00');
  });

  it('a dry run writes nothing', async () => {
    const l = await captureLead(t, fx.users.agent.auth, {});
    const before = await counts();
    const { run } = await importAs(`${HEADER}\nD-1,pos,,,2025-01-10,10,,,${l.client_uuid}`, {
      dry_run: 'true',
    });
    expect(run!.status).toBe('completed');
    expect(run!.progress).toMatchObject({ rows_created: 1 });
    expect(await counts()).toEqual(before);
    expect((await api.ok<{ status: string }>('GET', `/leads/${l.id}`, admin)).status).toBe('new');
    const rows = await api.ok<Rows>('GET', `/imports/${run!.id}/external-sales`, admin);
    expect(rows.total).toBe(0);
  });

  it('rejects rows naming an unknown outlet or agent, bad cells and duplicates in the file', async () => {
    const l = await captureLead(t, fx.users.agent.auth, {});
    const csv = [
      HEADER,
      `R-1,pos,NOPE,,2025-01-10,10,,,${l.client_uuid}`,
      `R-2,pos,,nobody,2025-01-10,10,,,${l.client_uuid}`,
      `R-3,pos,,,2025-01-10,-10,,,${l.client_uuid}`,
      `R-4,pos,,,2025-01-10,10,,,`,
      `R-5,pos,,,2999-01-10,10,,,${l.client_uuid}`,
      `R-6,pos,,,2025-01-10,10,,,${l.client_uuid}`,
      `R-6,pos,,,2025-01-10,10,,,${l.client_uuid}`,
    ].join('\n');
    const { run } = await importAs(csv);
    const errors = run!.first_errors.map((e) => [e.row_number, e.column, e.code]);
    expect(errors).toEqual(
      expect.arrayContaining([
        [2, 'outlet_code', 'REFERENCE_UNKNOWN'],
        [3, 'agent_code', 'REFERENCE_UNKNOWN'],
        [4, 'sale_amount', 'VALUE_INVALID'],
        [5, 'customer_phone', 'VALUE_INVALID'],
        [6, 'sale_date', 'VALUE_INVALID'],
        [8, 'external_sale_id', 'DUPLICATE_IN_FILE'],
      ]),
    );
    expect(run!.progress).toMatchObject({ rows_created: 1 });
  });

  it('matches the agent by employee code or username; importing needs conversions:import; runs stay in their tenant', async () => {
    const l = await captureLead(t, fx.users.agent.auth, {});
    await api.ok('PUT', `/users/${fx.users.agent.id}`, admin, { employee_code: 'EMP-7' });
    const { run } = await importAs(`${HEADER}\nA-1,pos,,EMP-7,2025-01-10,10,,,${l.client_uuid}`);
    expect(run!.progress).toMatchObject({ rows_created: 1, rows_invalid: 0 });
    const { res } = await runImport(
      t,
      fx.users.agent,
      fx.tenantId,
      { bytes: `${HEADER}\n` },
      { entity: 'external_sales' },
    );
    expect(res.statusCode).toBe(403);
    expectStatus(await api.call('GET', `/imports/${run!.id}/external-sales`, fx.users.agent.auth), 403);
    const other = await salesTenant(t, 'ext-b');
    expectStatus(await api.call('GET', `/imports/${run!.id}/external-sales`, other.admin), 404);
    expectStatus(await api.call('GET', `/imports/${crypto.randomUUID()}/external-sales`, admin), 404);
  });
});

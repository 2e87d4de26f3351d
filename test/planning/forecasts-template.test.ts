import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runImport } from '../catalog/imports.helpers.js';
import type { TestApp } from '../harness/app.js';
import { multipart } from '../harness/multipart.js';
import { identityFixture, type IdentityFixture } from '../identity/fixtures.js';
import { MONTHS_2027, openCycle, type Forecast } from './forecasts.helpers.js';
import {
  client,
  createCustomer,
  createMatrixRow,
  createProduct,
  expectStatus,
  extraUser,
  planningApp,
  type Headers,
} from './helpers.js';

type Errors = { code: string; errors?: { path: string; message: string }[] };
type Baseline = {
  method: string;
  requested: string;
  backtest_error: number | null;
  candidates: { method: string }[];
  months: { month: string; quantity: number }[];
};
const FIXED = ['customer_code', 'customer_name', 'product_code', 'product_name', 'price'];

describe('forecasts: baseline, XLSX template and import', () => {
  let t: TestApp;
  let fx: IdentityFixture;
  let api: ReturnType<typeof client>;
  let admin: Headers;
  let agent: Headers;
  let peer: Awaited<ReturnType<typeof extraUser>>;
  let cycle: string;
  let c1: { id: string; code: string };
  let c2: { id: string; code: string };
  let p1: { id: string; code: string };
  let p2: { id: string; code: string };

  beforeAll(async () => {
    t = await planningApp();
    fx = await identityFixture(t, 'tpl');
    api = client(t);
    admin = fx.users.admin.auth;
    agent = fx.users.agent.auth;
    peer = await extraUser(t, fx, 'agent');
    [c1, c2] = [await createCustomer(t, admin), await createCustomer(t, admin)];
    [p1, p2] = [await createProduct(t, admin), await createProduct(t, admin)];
    const rep = fx.users.agent.id;
    await createMatrixRow(t, admin, { customer_id: c1.id, product_id: p1.id, rep_id: rep, price: '2.50' });
    await createMatrixRow(t, admin, { customer_id: c2.id, product_id: p2.id, rep_id: rep, price: '4.00' });
    await createMatrixRow(t, admin, {
      customer_id: c2.id,
      product_id: p1.id,
      rep_id: peer.id,
      price: '1.00',
    });
    // Two years of c1 × p1: 2025 month m sells 10 + m, 2026 month m sells 20 + m.
    const csv = ['customer_code,product_code,month,quantity,revenue,cost,rep_email'];
    for (const [year, base] of [
      [2025, 10],
      [2026, 20],
    ] as const)
      for (let m = 1; m <= 12; m++)
        csv.push(
          `${c1.code},${p1.code},${year}-${String(m).padStart(2, '0')},${base + m},${(base + m) * 2.5},0,${fx.users.agent.email}`,
        );
    const { run } = await runImport(
      t,
      fx.users.admin,
      fx.tenantId,
      { bytes: csv.join('\n') },
      { entity: 'sales_history' },
    );
    expect(run?.status).toBe('completed');
    cycle = await openCycle(t, fx);
  });
  afterAll(() => t.close());

  const baselineUrl = (customer: string, product: string, extra = '') =>
    `/forecasts/baseline?cycle_id=${cycle}&customer_id=${customer}&product_id=${product}${extra}`;

  it('answers the baseline per method with its backtest error and candidates', async () => {
    const naive = await api.ok<Baseline>('GET', baselineUrl(c1.id, p1.id, '&method=seasonal_naive'), agent);
    expect(naive).toMatchObject({ requested: 'seasonal_naive', method: 'seasonal_naive' });
    expect(naive.months.map((m) => m.month)).toEqual(MONTHS_2027);
    expect(naive.months.map((m) => m.quantity)).toEqual(Array.from({ length: 12 }, (_, i) => 21 + i));
    // Backtest on the last 6 months (2026-07…12) from 2025's same months: each off by 10.
    expect(naive.backtest_error).toBe(10);
    const auto = await api.ok<Baseline>('GET', baselineUrl(c1.id, p1.id), agent);
    expect(auto.requested).toBe('auto');
    expect(auto.candidates.map((c) => c.method)).toEqual([
      'moving_average',
      'seasonal_naive',
      'holt_winters',
    ]);
    expect(auto.months).toHaveLength(12);
    // No history: zeros. A pair outside the rep's matrix scope: 404; an admin sees it.
    const none = await api.ok<Baseline>('GET', baselineUrl(c2.id, p2.id), agent);
    expect(none.method).toBe('zero');
    expectStatus(await api.call('GET', baselineUrl(c2.id, p1.id), agent), 404);
    expect((await api.ok<Baseline>('GET', baselineUrl(c2.id, p1.id), admin)).method).toBe('zero');
    expectStatus(await api.call('GET', baselineUrl(c1.id, p1.id, '&method=magic'), agent), 422);
    const unknown = expectStatus(await api.call('GET', baselineUrl(fx.users.agent.id, p1.id), admin), 422);
    expect(unknown.json<Errors>().errors?.[0]?.path).toBe('/query/customer_id');
  });

  const download = async (auth: Headers, cycleId = cycle) => {
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v1/forecasts/template?cycle_id=${cycleId}`,
      headers: auth,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    return workbook;
  };
  const upload = async (
    auth: Headers,
    workbook: ExcelJS.Workbook | Buffer,
    fields: Record<string, string> = {},
  ) => {
    const bytes = Buffer.isBuffer(workbook) ? workbook : Buffer.from(await workbook.xlsx.writeBuffer());
    const { payload, contentType } = multipart(
      {
        name: 'forecast.xlsx',
        type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        bytes,
      },
      fields,
    );
    return t.app.inject({
      method: 'POST',
      url: '/api/v1/forecasts/import',
      headers: { ...auth, 'content-type': contentType },
      payload,
    });
  };
  const rowOf = (sheet: ExcelJS.Worksheet, code: string) => {
    for (let r = 2; r <= sheet.rowCount; r++) if (sheet.getCell(r, 1).value === code) return r;
    throw new Error(`no row for ${code}`);
  };
  const mine = async () =>
    (
      await api.ok<{ forecasts: (Forecast & { customer_id: string })[] }>(
        'GET',
        `/forecasts?cycle_id=${cycle}`,
        agent,
      )
    ).forecasts;

  it('round trip: template → filled in exceljs → import → submit → approve', async () => {
    const workbook = await download(agent);
    const sheet = workbook.getWorksheet('Forecast')!;
    expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual([...FIXED, ...MONTHS_2027]);
    expect(sheet.rowCount).toBe(3);
    const meta = workbook.getWorksheet('meta')!;
    expect(meta.state).toBe('veryHidden');
    expect(meta.getCell('B1').value).toBe(cycle);
    expect(meta.getCell('B2').value).toBe(fx.users.agent.id);
    const r1 = rowOf(sheet, c1.code);
    const r2 = rowOf(sheet, c2.code);
    const auto = await api.ok<Baseline>('GET', baselineUrl(c1.id, p1.id), agent);
    expect((sheet.getRow(r1).values as unknown[]).slice(6)).toEqual(auto.months.map((m) => m.quantity));
    expect(sheet.getCell(r1, 5).value).toBe(2.5);
    expect((sheet.getRow(r2).values as unknown[]).slice(6)).toEqual(Array(12).fill(0));
    // The rep fills c2 × p2 and changes its price (an override).
    MONTHS_2027.forEach((_, i) => (sheet.getCell(r2, 6 + i).value = i + 1));
    sheet.getCell(r2, 5).value = 3.99;
    const res = await upload(agent, workbook);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ created: 2, updated: 0, skipped: 0 });
    const drafts = await mine();
    expect(drafts.map((f) => f.status)).toEqual(['draft', 'draft']);
    const filled = drafts.find((f) => f.customer_id === c2.id)!;
    expect(filled.lines.at(-1)).toMatchObject({
      month: '2027-12',
      quantity: 12,
      price_override: '3.99',
      revenue: '47.88',
    });
    expect(drafts.find((f) => f.customer_id === c1.id)!.lines[0]!.price_override).toBeNull();
    // Again: the drafts are replaced, not duplicated.
    expect((await upload(agent, workbook)).json()).toMatchObject({ created: 0, updated: 2 });
    await api.ok('POST', `/forecasts/${filled.id}/submit`, agent);
    expect(await api.ok<Forecast>('POST', `/forecasts/${filled.id}/approve`, admin)).toMatchObject({
      status: 'approved',
    });
    // An approved forecast cannot change through the template: the whole file is refused.
    const refused = expectStatus(await upload(agent, workbook), 422);
    expect(refused.json<Errors>().errors?.map((e) => e.path)).toEqual([`/file/Forecast/A${r2}`]);
  });

  it('refuses invalid cells, naming each, and writes nothing', async () => {
    const before = await mine();
    const workbook = await download(agent);
    const sheet = workbook.getWorksheet('Forecast')!;
    const r1 = rowOf(sheet, c1.code);
    sheet.getCell(r1, 6).value = 'lots';
    sheet.getCell(r1, 7).value = -3;
    sheet.getCell(r1, 8).value = 1.2345;
    sheet.getCell(r1, 5).value = 2.505;
    sheet.getCell(r1, 9).value = 5e12;
    sheet.getCell(1, 18).value = '2029-01';
    sheet.addRow(['NOPE', '', p1.code, '', 1, 5]);
    const res = expectStatus(await upload(agent, workbook), 422);
    const errors = res.json<Errors>().errors!;
    expect(errors.map((e) => e.path).sort()).toEqual(
      [`E${r1}`, `F${r1}`, `G${r1}`, `H${r1}`, `I${r1}`, 'R1'].map((c) => `/file/Forecast/${c}`).sort(),
    );
    expect(errors.find((e) => e.path.endsWith(`F${r1}`))!.message).toMatch(
      new RegExp(`row ${r1}, column 2027-01: must be a number`),
    );
    // Once the cells are right, the unknown code is named.
    const again = await download(agent);
    again.getWorksheet('Forecast')!.addRow(['NOPE', '', p1.code, '', 1, 5]);
    const unknown = expectStatus(await upload(agent, again), 422);
    // Row 4 names an unknown customer; c2 × p2's forecast is approved (the round trip) and cannot change.
    const named = unknown.json<Errors>().errors!;
    expect(named.map((e) => e.path)).toEqual([
      `/file/Forecast/A${rowOf(sheet, c2.code)}`,
      '/file/Forecast/A4',
    ]);
    expect(named[1]!.message).toContain('unknown customer "NOPE"');
    expect(await mine()).toEqual(before);
  });

  it('refuses a template of another rep, another cycle, or no template at all', async () => {
    const workbook = await download(agent);
    expectStatus(await upload(peer.auth, workbook), 422, 'TEMPLATE_WRONG_REP');
    // The rep and cycle are checked before the cells.
    const broken = await download(agent);
    broken.getWorksheet('Forecast')!.getCell('F2').value = 'x';
    expectStatus(await upload(peer.auth, broken), 422, 'TEMPLATE_WRONG_REP');
    expectStatus(await upload(agent, workbook, { cycle_id: fx.users.agent.id }), 422, 'TEMPLATE_WRONG_CYCLE');
    expectStatus(await upload(agent, Buffer.from('customer_code,price\n')), 422, 'TEMPLATE_INVALID');
    expectStatus(await api.call('GET', `/forecasts/template?cycle_id=${cycle}`, fx.users.viewer.auth), 403);
    expectStatus(await upload(fx.users.viewer.auth, workbook), 403);
    // The cycle closes and another opens: the old template is refused for it.
    await api.ok('POST', `/sop/cycles/${cycle}/close`, admin);
    expectStatus(await upload(agent, workbook), 409, 'SOP_CYCLE_NOT_OPEN');
    expectStatus(
      await api.call('GET', `/forecasts/template?cycle_id=${cycle}`, agent),
      409,
      'SOP_CYCLE_NOT_OPEN',
    );
    const next = await openCycle(t, fx, '2027-02');
    expectStatus(await upload(agent, workbook, { cycle_id: next }), 422, 'TEMPLATE_WRONG_CYCLE');
    const fresh = await download(agent, next);
    expect((fresh.getWorksheet('Forecast')!.getRow(1).values as unknown[])[6]).toBe('2027-02');
  });
});

import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../harness/app.js';
import { driverUnderTest } from '../harness/database.js';
import { multipart } from '../harness/multipart.js';
import { identityFixture, type IdentityFixture } from '../identity/fixtures.js';
import { linesOf, MONTHS_2027, openCycle, type Forecast } from './forecasts.helpers.js';
import {
  client,
  createCustomer,
  createMatrixRow,
  createProduct,
  expectStatus,
  planningApp,
  type Headers,
} from './helpers.js';
import { untilWaitingForLock } from '../harness/locks.js';

type Res = Awaited<ReturnType<TestApp['app']['inject']>>;
type Errors = { code: string; errors?: { path: string; message: string }[] };

/**
 * The template import reads the rep's live forecasts, checks every row, then replaces the drafts'
 * lines. These tests submit a draft between the two (a transaction holds the submission
 * uncommitted until the import waits for the forecast, then commits), which needs two
 * connections: PostgreSQL only.
 */
describe.skipIf(driverUnderTest !== 'postgres')('forecasts: a template import racing a submission', () => {
  let t: TestApp;
  let fx: IdentityFixture;
  let api: ReturnType<typeof client>;
  let agent: Headers;
  let cycle: string;
  let customer: { id: string; code: string };
  let product: { id: string; code: string };

  beforeAll(async () => {
    t = await planningApp();
    fx = await identityFixture(t, 'tplrace');
    api = client(t);
    agent = fx.users.agent.auth;
    const admin = fx.users.admin.auth;
    customer = await createCustomer(t, admin);
    product = await createProduct(t, admin);
    await createMatrixRow(t, admin, {
      customer_id: customer.id,
      product_id: product.id,
      rep_id: fx.users.agent.id,
    });
    cycle = await openCycle(t, fx);
  });
  afterAll(() => t.close());

  const filledTemplate = async (quantity: number) => {
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v1/forecasts/template?cycle_id=${cycle}`,
      headers: agent,
    });
    expect(res.statusCode, res.body).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet('Forecast')!;
    expect(sheet.getCell(2, 1).value).toBe(customer.code);
    MONTHS_2027.forEach((_, i) => (sheet.getCell(2, 6 + i).value = quantity));
    return Buffer.from(await workbook.xlsx.writeBuffer());
  };
  const upload = (bytes: Buffer) => {
    const { payload, contentType } = multipart({
      name: 'forecast.xlsx',
      type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      bytes,
    });
    return t.app.inject({
      method: 'POST',
      url: '/api/v1/forecasts/import',
      headers: { ...agent, 'content-type': contentType },
      payload,
    });
  };

  it('refuses the row of a draft submitted meanwhile (422 at its cell) and leaves its lines as submitted', async () => {
    const draft = await api.ok<Forecast>(
      'POST',
      '/forecasts',
      agent,
      { cycle_id: cycle, customer_id: customer.id, product_id: product.id, lines: linesOf(MONTHS_2027, 5) },
      201,
    );
    const bytes = await filledTemplate(9);
    const { pending } = await t.app.platform.db.withTenant({ tenantId: fx.tenantId }, async (tx) => {
      await tx.sql.query(
        "update forecasts set status = 'submitted', submitted_at = now(), updated_at = now() where id = $1",
        [draft.id],
      );
      const started: Promise<Res> = upload(bytes);
      await untilWaitingForLock(t);
      return { pending: started };
    });
    const refused = expectStatus(await pending, 422, 'VALIDATION_FAILED').json<Errors>();
    expect(refused.errors).toEqual([
      { path: '/file/Forecast/A2', message: 'row 2: the forecast is submitted and cannot change' },
    ]);
    const stored = await api.ok<Forecast>('GET', `/forecasts/${draft.id}`, agent);
    expect(stored.status).toBe('submitted');
    expect(stored.lines.map((l) => l.quantity)).toEqual(Array(12).fill(5));
  });
});

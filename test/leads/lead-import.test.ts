import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../harness/app.js';
import type { IdentityFixture } from '../identity/fixtures.js';
import { parseCsv, runImport } from '../catalog/imports.helpers.js';
import {
  client,
  createCampaign,
  createOutlet,
  createSource,
  expectStatus,
  leadsApp,
  uniq,
  type Headers,
} from './helpers.js';
import { localPhone, salesTenant } from './sales.helpers.js';

type Lead = {
  id: string;
  client_uuid: string;
  customer_name: string;
  phone: string;
  document_number: string | null;
  campaign_id: string | null;
  source_id: string | null;
  outlet_id: string | null;
  product_id: string | null;
  agent_id: string;
  captured_at: string;
  notes: string | null;
  status: string;
  is_duplicate: boolean;
  duplicate_of: string | null;
  created_by: string | null;
};

const HEADER =
  'client_uuid,customer_name,phone,document_number,campaign_code,source_code,outlet_code,agent,product_code,captured_at,notes';

describe('lead imports', () => {
  let t: TestApp;
  let fx: IdentityFixture;
  let admin: Headers;
  let api: ReturnType<typeof client>;
  const codes = { campaign: uniq('CMP'), source: uniq('SRC'), outlet: uniq('OUT'), product: uniq('PRD') };
  const ids: Record<string, string> = {};
  const importCsv = (lines: string[], fields: Record<string, string> = {}, who = fx.users.admin) =>
    runImport(t, who, fx.tenantId, { bytes: [HEADER, ...lines].join('\n') }, { entity: 'leads', ...fields });
  const leadsOf = async (q: string) =>
    (await api.ok<{ leads: Lead[] }>('GET', `/leads?limit=500&${q}`, admin)).leads;
  const kpiJobs = async () =>
    (
      await t.database.db.query<{ n: number }>(
        `select count(*)::int as n from pgboss.job where name = 'leads.kpi-refresh' and data->>'tenantId' = $1`,
        [fx.tenantId],
      )
    ).rows[0]!.n;

  beforeAll(async () => {
    t = await leadsApp();
    api = client(t);
    ({ fx, admin } = await salesTenant(t, 'leadimp'));
    ids.campaign = await createCampaign(t, admin, { code: codes.campaign });
    ids.source = await createSource(t, admin, { code: codes.source });
    ids.outlet = await createOutlet(t, admin, { code: codes.outlet });
    ids.product = (
      await api.ok('POST', '/products', admin, { code: codes.product, name: 'Phone X' }, 201)
    ).id;
    await api.ok('PUT', `/users/${fx.users.agent.id}`, admin, { employee_code: 'EMP-LI' });
  }, 120_000);
  afterAll(() => t?.close());

  it('captures a row with every column as POST /leads would: codes resolved, phone normalised, history, KPI refresh queued', async () => {
    const uuid = crypto.randomUUID();
    const phone = localPhone();
    const jobsBefore = await kpiJobs();
    const { run } = await importCsv([
      `${uuid},Dilnoza,${phone},AA1234567,${codes.campaign},${codes.source},${codes.outlet},emp-li,${codes.product},2025-03-14T10:30:00+05:00,"=1+2, called"`,
      `,Bobur,${localPhone()},,,,,,,2025-03-14,`,
    ]);
    expect(run!.status).toBe('completed');
    expect(run!.progress).toMatchObject({ rows_created: 2, rows_invalid: 0 });
    const [lead] = await leadsOf(`q=Dilnoza`);
    expect(lead).toMatchObject({
      client_uuid: uuid,
      phone: `+998${phone}`,
      document_number: 'AA1234567',
      campaign_id: ids.campaign,
      source_id: ids.source,
      outlet_id: ids.outlet,
      product_id: ids.product,
      agent_id: fx.users.agent.id,
      captured_at: '2025-03-14T05:30:00.000Z',
      notes: '=1+2, called',
      status: 'new',
      is_duplicate: false,
      created_by: fx.users.admin.id,
    });
    // A day alone is its start in the tenant's zone (Tashkent, UTC+5); the agent defaults to the importer.
    const [bobur] = await leadsOf('q=Bobur');
    expect(bobur).toMatchObject({ captured_at: '2025-03-13T19:00:00.000Z', agent_id: fx.users.admin.id });
    const history = await api.ok<{ history: { from_status: string | null; to_status: string }[] }>(
      'GET',
      `/leads/${lead!.id}/history`,
      admin,
    );
    expect(history.history).toMatchObject([{ from_status: null, to_status: 'new' }]);
    expect(await kpiJobs()).toBeGreaterThan(jobsBefore);
  });

  it('rejects rows naming the column: unknown codes and agent, bad phone, time and uuid, duplicates in the file', async () => {
    const ok = localPhone();
    const { run } = await importCsv([
      `,A,${localPhone()},,NOPE,,,,,2025-01-10,`,
      `,B,${localPhone()},,,NOPE,,,,2025-01-10,`,
      `,C,${localPhone()},,,,NOPE,,,2025-01-10,`,
      `,D,${localPhone()},,,,,nobody,,2025-01-10,`,
      `,E,${localPhone()},,,,,,NOPE,2025-01-10,`,
      `,F,12,,,,,,,2025-01-10,`,
      `,G,${localPhone()},,,,,,,yesterday,`,
      `,H,${localPhone()},,,,,,,,`,
      `not-a-uuid,I,${localPhone()},,,,,,,2025-01-10,`,
      `,,${localPhone()},,,,,,,2025-01-10,`,
      `,K,${localPhone()},,,,,,,2999-01-10,`,
      `,L,${ok},,,,,,,2025-01-10T08:00:00Z,`,
      `,L2,+998${ok},,,,,,,2025-01-10T13:00:00+05:00,`,
    ]);
    expect(run!.status).toBe('completed');
    const errors = await api.ok<{ errors: { row_number: number; column: string; code: string }[] }>(
      'GET',
      `/imports/${run!.id}/errors?limit=100`,
      admin,
    );
    expect(errors.errors.map((e) => [e.row_number, e.column, e.code])).toEqual([
      [2, 'campaign_code', 'REFERENCE_UNKNOWN'],
      [3, 'source_code', 'REFERENCE_UNKNOWN'],
      [4, 'outlet_code', 'REFERENCE_UNKNOWN'],
      [5, 'agent', 'REFERENCE_UNKNOWN'],
      [6, 'product_code', 'REFERENCE_UNKNOWN'],
      [7, 'phone', 'VALUE_INVALID'],
      [8, 'captured_at', 'VALUE_INVALID'],
      [9, 'captured_at', 'VALUE_INVALID'],
      [10, 'client_uuid', 'VALUE_INVALID'],
      [11, 'customer_name', 'VALUE_INVALID'],
      [12, 'captured_at', 'VALUE_INVALID'],
      [14, 'phone', 'DUPLICATE_IN_FILE'],
    ]);
    expect(run!.progress).toMatchObject({ rows_created: 1, rows_invalid: 12 });
  });

  it('derives the client_uuid: the same file again creates nothing (upsert: unchanged; insert: CODE_EXISTS)', async () => {
    const lines = [
      `,Re1,${localPhone()},,,,,EMP-LI,,2025-02-01T09:00:00Z,`,
      `,Re2,${localPhone()},,,,,,,2025-02-02,`,
    ];
    const first = (await importCsv(lines, { mode: 'upsert-by-code' })).run!;
    expect(first.progress).toMatchObject({ rows_created: 2 });
    const stored = await leadsOf('q=Re');
    expect(stored).toHaveLength(2);
    const again = (await importCsv(lines, { mode: 'upsert-by-code' })).run!;
    expect(again.progress).toMatchObject({ rows_created: 0, rows_unchanged: 2, rows_invalid: 0 });
    const insert = (await importCsv(lines)).run!;
    expect(insert.progress).toMatchObject({ rows_created: 0, rows_invalid: 2 });
    expect(insert.first_errors.map((e) => [e.column, e.code])).toEqual([
      ['phone', 'CODE_EXISTS'],
      ['phone', 'CODE_EXISTS'],
    ]);
    expect(await leadsOf('q=Re')).toHaveLength(2);
    // The id is a UUID v5 (version nibble 5), the same for the same facts.
    expect(stored.map((l) => l.client_uuid[14])).toEqual(['5', '5']);
  });

  it('flags duplicates as capture does: the same phone and campaign within the window points at the earlier lead', async () => {
    const phone = localPhone();
    const { run } = await importCsv([
      `,Dup1,${phone},,${codes.campaign},,,,,2025-04-01T08:00:00Z,`,
      `,Dup2,${phone},,${codes.campaign},,,,,2025-04-03T08:00:00Z,`,
    ]);
    expect(run!.progress).toMatchObject({ rows_created: 2 });
    const [master] = await leadsOf('q=Dup1');
    const [dup] = await leadsOf('q=Dup2');
    expect(master).toMatchObject({ is_duplicate: false });
    expect(dup).toMatchObject({ is_duplicate: true, duplicate_of: master!.id });
  });

  it('a dry run writes nothing', async () => {
    const { run } = await importCsv([`,Dry,${localPhone()},,,,,,,2025-01-10,`], { dry_run: 'true' });
    expect(run!.status).toBe('completed');
    expect(run!.progress).toMatchObject({ rows_created: 1 });
    expect(await leadsOf('q=Dry')).toHaveLength(0);
  });

  it('needs leads:import (national managers and admins); offers its template', async () => {
    for (const role of ['agent', 'team_leader', 'area_manager', 'viewer'] as const) {
      const { res } = await importCsv([], {}, fx.users[role]);
      expect(res.statusCode, role).toBe(403);
      expectStatus(await api.call('GET', '/leads/import-template?format=csv', fx.users[role].auth), 403);
    }
    const { run } = await importCsv(
      [`,Nat,${localPhone()},,,,,EMP-LI,,2025-01-10,`],
      {},
      fx.users.national_manager,
    );
    expect(run!.progress).toMatchObject({ rows_created: 1 });
    const template = await api.call('GET', '/leads/import-template?format=csv', admin);
    expectStatus(template, 200);
    const [header] = parseCsv(template.body);
    expect(header!.join(',')).toBe(HEADER);
  });

  it('stays in its tenant: another tenant sees no run, and its codes and agents are unknown here', async () => {
    const other = await salesTenant(t, 'leadimp-b');
    const otherCode = uniq('CMP');
    await createCampaign(t, other.admin, { code: otherCode });
    await api.ok('PUT', `/users/${other.fx.users.agent.id}`, other.admin, { employee_code: 'EMP-B' });
    const { run } = await importCsv([
      `,Iso,${localPhone()},,${otherCode},,,,,2025-01-10,`,
      `,Iso2,${localPhone()},,,,,EMP-B,,2025-01-10,`,
    ]);
    expect(run!.first_errors.map((e) => [e.column, e.code])).toEqual([
      ['campaign_code', 'REFERENCE_UNKNOWN'],
      ['agent', 'REFERENCE_UNKNOWN'],
    ]);
    expectStatus(await api.call('GET', `/imports/${run!.id}`, other.admin), 404);
    const { run: theirs } = await runImport(
      t,
      other.fx.users.admin,
      other.fx.tenantId,
      { bytes: `${HEADER}\n,Theirs,${localPhone()},,${codes.campaign},,,,,2025-01-10,` },
      { entity: 'leads' },
    );
    expect(theirs!.first_errors.map((e) => [e.column, e.code])).toEqual([
      ['campaign_code', 'REFERENCE_UNKNOWN'],
    ]);
    expect(await leadsOf('q=Theirs')).toHaveLength(0);
  });
});

import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../harness/app.js';
import { identityFixture, type IdentityFixture } from '../identity/fixtures.js';
import {
  client,
  createCampaign,
  createOutlet,
  createSource,
  expectStatus,
  extraUser,
  leadsApp,
  uniq,
  type Headers,
} from './helpers.js';

type Row = Record<string, string>;

describe('lead export (CSV/XLSX)', () => {
  let t: TestApp;
  let fx: IdentityFixture;
  let other: IdentityFixture;
  let admin: Headers;
  let agent: Headers;
  let api: ReturnType<typeof client>;
  const codes = { campaign: uniq('CX'), source: uniq('SX'), outlet: uniq('OX') };
  let campaign: string;
  let phone = 901_700_000;

  const capture = (who: Headers, body: object) =>
    api.ok('POST', '/leads', who, { customer_name: 'Lola', phone: `+998${phone++}`, ...body }, 201);
  const exportCsv = async (who: Headers, query = '') => {
    const res = expectStatus(await api.call('GET', `/leads/export?format=csv${query}`, who), 200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    return parse(res.body, { columns: true, bom: true }) as Row[];
  };

  beforeAll(async () => {
    t = await leadsApp();
    api = client(t);
    fx = await identityFixture(t, 'lexp');
    other = await identityFixture(t, 'lexp-other');
    admin = fx.users.admin.auth;
    agent = fx.users.agent.auth;
    campaign = await createCampaign(t, admin, { code: codes.campaign });
    const source = await createSource(t, admin, { code: codes.source });
    const outlet = await createOutlet(t, admin, { code: codes.outlet });
    await capture(agent, {
      customer_name: '=HYPERLINK("http://x","y")',
      phone: '+998901234500',
      campaign_id: campaign,
      source_id: source,
      outlet_id: outlet,
      captured_at: '2026-02-03T10:00:00.000Z',
      notes: '@SUM(A1)',
    });
    const second = await capture(agent, { customer_name: 'Second', captured_at: '2026-03-01T10:00:00.000Z' });
    await api.ok('POST', `/leads/${second.id}/status`, agent, { status: 'contacted' });
    await capture(fx.users.admin.auth, { customer_name: 'By admin', agent_id: fx.users.admin.id });
    await capture(other.users.agent.auth, { customer_name: 'Other tenant' });
  });
  afterAll(() => t.close());

  it('writes readable, formula-escaped columns for every lead in scope', async () => {
    const rows = await exportCsv(admin);
    expect(rows.map((r) => r.customer_name).sort()).toEqual(
      ['\'=HYPERLINK("http://x","y")', 'By admin', 'Second'].sort(),
    );
    const first = rows.find((r) => r.phone === '+998901234500')!;
    expect(first).toMatchObject({
      campaign_code: codes.campaign,
      source_code: codes.source,
      outlet_code: codes.outlet,
      status: 'new',
      captured_at: '2026-02-03T10:00:00.000Z',
      notes: "'@SUM(A1)",
      is_duplicate: 'false',
    });
    expect(first.agent).not.toBe('');
    expect(first.agent_name).not.toBe('');
    expect(Object.keys(first).slice(0, 4)).toEqual([
      'client_uuid',
      'customer_name',
      'phone',
      'document_number',
    ]);
  });

  it('applies the list filters', async () => {
    expect((await exportCsv(admin, '&status=contacted')).map((r) => r.customer_name)).toEqual(['Second']);
    expect((await exportCsv(admin, `&campaign=${campaign}`)).map((r) => r.phone)).toEqual(['+998901234500']);
    expect((await exportCsv(admin, '&date_from=2026-03-01&date_to=2026-03-01')).length).toBe(1);
    expect((await exportCsv(admin, '&q=Second')).map((r) => r.customer_name)).toEqual(['Second']);
    expect(await exportCsv(admin, `&agent=${fx.users.admin.id}`)).toHaveLength(1);
  });

  it('keeps to the data scope and the tenant', async () => {
    expect((await exportCsv(agent)).map((r) => r.customer_name).sort()).toEqual(
      ['\'=HYPERLINK("http://x","y")', 'Second'].sort(),
    );
    const peer = await extraUser(t, fx, 'agent');
    expect(await exportCsv(peer.auth)).toEqual([]);
    expect((await exportCsv(other.users.admin.auth)).map((r) => r.customer_name)).toEqual(['Other tenant']);
    expect(await exportCsv(fx.users.viewer.auth)).toHaveLength(3);
  });

  it('writes XLSX, refuses bad filters (422) and anonymous callers (401), and audits', async () => {
    const xlsx = expectStatus(await api.call('GET', '/leads/export?format=xlsx', admin), 200);
    expect(xlsx.headers['content-type']).toMatch(/spreadsheetml/);
    expect(xlsx.rawPayload.subarray(0, 2).toString()).toBe('PK');
    const bad = expectStatus(await api.call('GET', '/leads/export?status=bogus', admin), 422);
    expect(bad.json<{ errors: { path: string }[] }>().errors[0]!.path).toBe('/query/status');
    expectStatus(await api.call('GET', '/leads/export?format=pdf', admin), 422);
    expectStatus(await api.call('GET', '/leads/export?limit=5', admin), 422);
    expectStatus(await api.call('GET', '/leads/export'), 401);
    const audit = await api.ok<{ audit: { action: string }[] }>('GET', '/audit?action=lead.export', admin);
    expect(audit.audit.length).toBeGreaterThanOrEqual(5);
  });
});

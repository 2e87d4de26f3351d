import type { TestApp } from '../harness/app.js';
import { identityFixture, type IdentityFixture } from '../identity/fixtures.js';
import { client, createCampaign, createOutlet, createTeam, extraUser, type Headers } from './helpers.js';

export type Conversion = {
  id: string;
  lead_id: string;
  agent_id: string;
  outlet_id: string | null;
  product_id: string | null;
  amount: string;
  cost: string;
  currency: string;
  converted_at: string;
  origin: string;
  external_system: string | null;
  external_sale_id: string | null;
  import_run_id: string | null;
};
export type Entry = {
  id: string;
  entry_type: string;
  component: string;
  amount: string;
  occurred_at: string;
  conversion_id: string | null;
  agent_id: string | null;
  reason: string | null;
};
export type Totals = { revenue: string; cost: string; bonus: string; payout: string; net_profit: string };
export type Ledger = { ledger_entries: Entry[]; totals: Totals; total: number | null };
export type Problem = { code: string; conversion_id?: string; errors?: { path: string; message: string }[] };

let phoneSeq = 3_000_000;
/** A fresh valid Uzbek mobile number, written without the country code. */
export const localPhone = () => `90${String(phoneSeq++).padStart(7, '0')}`;

/**
 * A tenant in UZS on Tashkent time with its fixture users, a peer agent, a team of the team
 * leader with the fixture agent, a campaign and an outlet.
 */
export async function salesTenant(t: TestApp, name: string, settings: object = {}) {
  const fx: IdentityFixture = await identityFixture(t, name);
  const admin = fx.users.admin.auth;
  const api = client(t);
  await api.ok('PUT', `/tenants/${fx.tenantId}`, admin, {
    settings: { default_phone_region: 'UZ', currency: 'UZS', time_zone: 'Asia/Tashkent', ...settings },
  });
  const peer = await extraUser(t, fx, 'agent');
  await createTeam(t, fx, fx.users.team_leader.id, [fx.users.agent.id]);
  const campaign = await createCampaign(t, admin);
  const outlet = await createOutlet(t, admin);
  return { fx, admin, peer, campaign, outlet };
}

export async function captureLead(t: TestApp, who: Headers, body: object = {}) {
  return client(t).ok<{ id: string; client_uuid: string; phone: string; status: string }>(
    'POST',
    '/leads',
    who,
    { customer_name: 'Dilnoza', phone: localPhone(), ...body },
    201,
  );
}

export async function setSettings(t: TestApp, fx: IdentityFixture, settings: object) {
  await client(t).ok('PUT', `/tenants/${fx.tenantId}`, fx.users.admin.auth, { settings });
}

/** The entries of one conversion, oldest first, as the admin sees them. */
export async function entriesOf(t: TestApp, admin: Headers, conversionId: string) {
  const page = await client(t).ok<Ledger>(
    'GET',
    `/ledger?conversion=${conversionId}&sort=created_at&limit=500`,
    admin,
  );
  return page;
}

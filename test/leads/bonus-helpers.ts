import { expect } from 'vitest';
import { conversions } from '../../src/modules/leads/tables/conversions.tables.js';
import type { SalesOpsModule } from '../../src/platform/module.js';
import { createTestApp, type TestApp } from '../harness/app.js';
import type { IdentityFixture } from '../identity/fixtures.js';
import { client, LEADS_MODULES, uniq, type Headers } from './helpers.js';

/** The app with job workers: bonus runs are computed by a job. */
export const bonusApp = (extra: SalesOpsModule[] = []): Promise<TestApp> =>
  createTestApp({
    config: { workers: true },
    deps: {
      modules: [...LEADS_MODULES, ...extra],
      jobOptions: { pollingIntervalSeconds: 0.5 },
    },
  });

export interface SaleSpec {
  agent: Headers;
  amount: string;
  at: string;
  capturedAt?: string;
  currency?: string;
  campaignId?: string;
  productId?: string;
  outletId?: string;
}

/**
 * A sale: the lead captured through `POST /leads` by its agent, then the conversion row written
 * directly (through the owner's connection) until conversions have their own API.
 */
export async function recordSale(t: TestApp, fx: IdentityFixture, spec: SaleSpec) {
  const capturedAt = spec.capturedAt ?? new Date(Date.parse(spec.at) - 3_600_000).toISOString();
  const lead = await client(t).ok<{
    id: string;
    agent_id: string;
    outlet_id: string | null;
    campaign_id: string | null;
    source_id: string | null;
    product_id: string | null;
  }>(
    'POST',
    '/leads',
    spec.agent,
    {
      customer_name: uniq('Buyer'),
      phone: `+99890${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`,
      captured_at: capturedAt,
      ...(spec.campaignId ? { campaign_id: spec.campaignId } : {}),
      ...(spec.productId ? { product_id: spec.productId } : {}),
      ...(spec.outletId ? { outlet_id: spec.outletId } : {}),
    },
    201,
  );
  const [row] = await t.database.db.withSystem((tx) =>
    tx.db
      .insert(conversions)
      .values({
        tenantId: fx.tenantId,
        leadId: lead.id,
        agentId: lead.agent_id,
        outletId: lead.outlet_id,
        campaignId: lead.campaign_id,
        sourceId: lead.source_id,
        productId: lead.product_id,
        amount: spec.amount,
        currency: spec.currency ?? 'UZS',
        convertedAt: new Date(spec.at),
        leadCapturedAt: new Date(capturedAt),
      })
      .returning(),
  );
  return { leadId: lead.id, conversionId: row!.id };
}

export interface RunJson {
  id: string;
  status: string;
  error: string | null;
  total_amount: string;
  item_count: number;
  agent_count: number;
  input_digest: string | null;
}

/** Polls a run until it is completed or failed. */
export async function waitForRun(
  t: TestApp,
  auth: Headers,
  id: string,
  timeoutMs = 30_000,
): Promise<RunJson> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await client(t).ok<RunJson>('GET', `/bonus-runs/${id}`, auth);
    if (run.status === 'completed' || run.status === 'failed') return run;
    if (Date.now() > deadline) throw new Error(`bonus run ${id} still ${run.status}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Starts a run (202) and waits for it. */
export async function runPeriod(t: TestApp, auth: Headers, body: object): Promise<RunJson> {
  const started = await client(t).ok<RunJson>('POST', '/bonus-runs', auth, body, 202);
  expect(started.status).toBe('pending');
  return waitForRun(t, auth, started.id);
}

export async function ruleSet(
  t: TestApp,
  admin: Headers,
  body: object = {},
  rules: object[] = [],
): Promise<string> {
  const api = client(t);
  const set = await api.ok(
    'POST',
    '/bonus-rule-sets',
    admin,
    { name: uniq('Set'), currency: 'UZS', active: false, ...body },
    201,
  );
  for (const r of rules) await api.ok('POST', `/bonus-rule-sets/${set.id}/rules`, admin, r, 201);
  return set.id;
}

/** The modification time (UTC, as zip writes it) of every entry of a zip's central directory. */
export function zipEntryDates(zip: Buffer): string[] {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  let at = zip.readUInt32LE(end + 16);
  const dates: string[] = [];
  for (let n = zip.readUInt16LE(end + 10); n > 0; n--) {
    expect(zip.readUInt32LE(at)).toBe(0x02014b50);
    const time = zip.readUInt16LE(at + 12);
    const day = zip.readUInt16LE(at + 14);
    const pad = (v: number) => String(v).padStart(2, '0');
    dates.push(
      `${(day >> 9) + 1980}-${pad((day >> 5) & 15)}-${pad(day & 31)}T${pad(time >> 11)}:${pad((time >> 5) & 63)}:${pad((time & 31) * 2)}Z`,
    );
    at += 46 + zip.readUInt16LE(at + 28) + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return dates;
}

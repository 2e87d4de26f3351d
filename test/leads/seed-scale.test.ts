import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Progress } from '../../src/cli/progress.js';
import { seedLeadsScale } from '../../src/modules/leads/index.js';
import { seedDemo } from '../../src/seed.js';
import type { TestApp } from '../harness/app.js';
import { LEADS_MODULES, leadsApp } from './helpers.js';

const quiet: Progress = { step: () => undefined, count: () => undefined, done: () => undefined };

describe('lead scale data', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await leadsApp();
    await seedDemo(t.app.platform, LEADS_MODULES, quiet);
  });
  afterAll(() => t.close());

  const totals = () =>
    t.database.db.withSystem(async (tx) => {
      const { rows } = await tx.sql.query<{
        leads: number;
        converted: number;
        conversions: number;
        revenue: string;
        amounts: string;
        costs: string;
        ledger_cost: string;
        agents: number;
        orphans: number;
      }>(
        `select (select count(*) from leads)::int as leads,
          (select count(*) from leads where status = 'converted')::int as converted,
          (select count(*) from conversions)::int as conversions,
          (select coalesce(sum(amount), 0) from ledger_entries where component = 'revenue')::text as revenue,
          (select coalesce(sum(amount), 0) from conversions)::text as amounts,
          (select coalesce(sum(cost), 0) from conversions)::text as costs,
          (select coalesce(sum(amount), 0) from ledger_entries where component = 'cost')::text as ledger_cost,
          (select count(distinct agent_id) from conversions)::int as agents,
          (select count(*) from conversions c join leads l on l.tenant_id = c.tenant_id and l.id = c.lead_id
            where c.agent_id <> l.agent_id or c.converted_at < l.captured_at or c.converted_at > now())::int as orphans`,
      );
      return rows[0]!;
    });

  it('adds N sales from 1.5 N leads, each with its revenue and cost in the ledger', async () => {
    const before = await totals();
    const progress: number[] = [];
    const result = await seedLeadsScale(t.app.platform.system, {
      conversions: 3_000,
      batchSize: 3_000,
      onProgress: (done) => progress.push(done),
    });
    expect(result).toMatchObject({ leads: 4_500, conversions: 3_000, ledgerEntries: 6_000, agentsAdded: 6 });
    // Batches start at 1,500 leads (1,000 sales) and double up to the batch size.
    expect(progress).toEqual([0, 1_000, 3_000]);
    const after = await totals();
    expect(after.leads - before.leads).toBe(4_500);
    expect(after.converted - before.converted).toBe(3_000);
    expect(after.conversions - before.conversions).toBe(3_000);
    // The ledger carries every sale's amount and cost; sales belong to their lead's agent, after capture.
    expect(after.revenue).toBe(after.amounts);
    expect(after.ledger_cost).toBe(after.costs);
    expect(after.orphans).toBe(0);
    expect(after.agents).toBeGreaterThanOrEqual(6);
    await expect(seedLeadsScale(t.app.platform.system, { conversions: 10, tenant: 'nope' })).rejects.toThrow(
      /No tenant/,
    );
  });
});

import type { DemoLogin, Platform } from '../../platform/module.js';
import { tenantSettingsOf } from '../identity/index.js';
import type { Jobs } from './conversions/conversion-writer.js';
import { seedLeads, LEAD_DAYS } from './demo/leads.js';
import { backdate, importShopSales, seedBonuses } from './demo/sales.js';
import { demoClock, ensureCampaigns, loadRefs } from './demo/setup.js';
import { daysBetween } from './kpi/kpi-days.js';
import { refreshKpi } from './kpi/kpi-jobs.js';
import { createLeadActionsService } from './leads/lead-actions.service.js';

/**
 * Leads demo data for the `demo` tenant: two campaigns and four attribution sources; about 250
 * leads over the last 60 days across the demo agents and outlets, worked through calls, visits and
 * messages to every status, with follow-ups due, overdue and ahead; a few duplicates (one merged);
 * sales with their ledger entries, some of them from a shop's sales file run through the import
 * engine (with unmatched rows); a bonus rule set with last month's run approved and this month's
 * computed; the daily KPIs of every seeded day. The leads are built in memory with the module's own
 * rules (phone normalisation, duplicate detection, status transitions, the conversion writer's rows
 * and ledger entries) and written in a few multi-row statements; the merge, the sales file, the
 * bonus runs and their approval go through the module's services and the import engine. A fixed
 * pseudo-random sequence makes every seed alike. Days and hours are the tenant's; nothing is dated after the
 * moment of seeding. Skipped when the tenant already has leads, so every start can run it.
 */
export async function seedLeadsDemo(platform: Platform, options: { now?: Date } = {}): Promise<DemoLogin[]> {
  const { rows } = await platform.system.seed((tx) =>
    tx.sql.query<{ id: string }>("select id from tenants where slug = 'demo'"),
  );
  const tenantId = rows[0]?.id;
  if (!tenantId) return [];
  const state = await platform.db.withTenant({ tenantId }, async (tx) => ({
    leads: (await tx.sql.query<{ n: number }>('select count(*)::int as n from leads')).rows[0]!.n,
    timeZone: (await tenantSettingsOf(tx, tenantId)).time_zone,
  }));
  if (state.leads > 0) return [];
  const refs = await loadRefs(platform, tenantId);
  if (!refs) return [];
  const clock = demoClock(options.now ?? new Date(), state.timeZone);
  // Every write queues the KPI refresh of its days; the seed recomputes all its days at the end
  // instead of leaving hundreds of refresh jobs behind.
  const noRefresh: Jobs = { send: async () => null };

  const campaigns = await ensureCampaigns(platform, refs, clock);
  const leads = await seedLeads(platform, refs, campaigns, clock);
  const [merged] = leads.duplicates;
  if (merged)
    await createLeadActionsService({ db: platform.db, jobs: noRefresh }).merge(refs.admin, merged, {
      reason: 'same customer captured twice',
    });
  await importShopSales(platform, refs, leads, clock);
  await seedBonuses(platform, refs, campaigns, clock, noRefresh);
  await backdate(platform, tenantId);
  await refreshKpi(platform.db, tenantId, daysBetween(clock.day(-LEAD_DAYS), clock.today));
  return [];
}

import { and, eq, gt, isNull, lt, sql } from 'drizzle-orm';
import type { AlertCheck } from '../../../platform/module.js';
import { tenantSettingsOf } from '../../identity/index.js';
import { effectiveStatusSql } from '../campaigns/campaign-status.js';
import { campaigns } from '../tables/campaigns.tables.js';
import { leadInteractions, leads } from '../tables/leads.tables.js';

/**
 * Qualified leads nobody has touched for `lead_stale_days` (tenant setting): no interaction and no
 * status change since then. One alert per lead, owned by and assigned to its agent, so the agent
 * (and whoever's scope covers them) hears of it; the alerts service keeps one per lead and day.
 */
export const staleLeadCheck: AlertCheck = {
  name: 'leads.stale-lead',
  type: 'stale_lead',
  displayName: 'Qualified lead without contact',
  async run(tx, { tenantId, now }) {
    const { lead_stale_days: days } = await tenantSettingsOf(tx, tenantId);
    const cutoff = new Date(now.getTime() - days * 86_400_000);
    const rows = await tx.db
      .select({ id: leads.id, name: leads.customerName, agentId: leads.agentId })
      .from(leads)
      .where(
        and(
          eq(leads.tenantId, tenantId),
          eq(leads.status, 'qualified'),
          isNull(leads.mergedAt),
          lt(leads.statusChangedAt, cutoff),
          sql`not exists (select 1 from ${leadInteractions}
                where ${leadInteractions.tenantId} = ${leads.tenantId}
                  and ${leadInteractions.leadId} = ${leads.id}
                  and ${leadInteractions.occurredAt} >= ${cutoff.toISOString()}::timestamptz)`,
        ),
      );
    return rows.map((row) => ({
      severity: 'medium' as const,
      title: `Qualified lead "${row.name}" without contact for ${days} days`,
      description: `No interaction and no status change in ${days} days (setting lead_stale_days).`,
      entityType: 'lead',
      entityId: row.id,
      ownerId: row.agentId,
      assigneeId: row.agentId,
    }));
  },
};

/**
 * Active campaigns whose spend reached `campaign_budget_alert_percent` of their budget: high once
 * the budget is spent (≥ 100 %), medium before. A campaign belongs to no agent, so the alert has
 * no owner and no assignee: it reaches the users with a tenant-wide scope (admins, national
 * managers), who own campaigns.
 */
export const campaignBudgetCheck: AlertCheck = {
  name: 'leads.campaign-budget',
  type: 'campaign_budget',
  displayName: 'Campaign spend near or over budget',
  async run(tx, { tenantId, today }) {
    const { campaign_budget_alert_percent: percent } = await tenantSettingsOf(tx, tenantId);
    const rows = await tx.db
      .select({
        id: campaigns.id,
        code: campaigns.code,
        name: campaigns.name,
        budget: campaigns.budget,
        spend: campaigns.spend,
        currency: campaigns.currency,
        used: sql<string>`round(${campaigns.spend} * 100 / ${campaigns.budget}, 1)::text`,
      })
      .from(campaigns)
      .where(
        and(
          eq(campaigns.tenantId, tenantId),
          sql`${effectiveStatusSql(today)} = 'active'`,
          gt(campaigns.budget, '0'),
          sql`${campaigns.spend} * 100 >= ${campaigns.budget} * ${percent}`,
        ),
      );
    return rows.map((row) => ({
      severity: Number(row.used) >= 100 ? ('high' as const) : ('medium' as const),
      title: `Campaign ${row.code} has spent ${row.used}% of its budget`,
      description: `${row.name}: spend ${row.spend} of ${row.budget} ${row.currency} (alert at ${percent}%).`,
      entityType: 'campaign',
      entityId: row.id,
      ownerId: null,
      assigneeId: null,
    }));
  },
};

export const LEADS_ALERT_CHECKS: readonly AlertCheck[] = [staleLeadCheck, campaignBudgetCheck];

import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  date,
  foreignKey,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { appAccess, APPEND_ONLY, NO_DELETE, READ_WRITE } from '../../../platform/db/access.js';
import { tenantColumns, tenantScoped, timestamps } from '../../../platform/db/tenant-table.js';
import { users } from '../../identity/tables.js';

export const BONUS_RULE_TYPES = ['per_conversion', 'per_lead', 'per_target', 'tier'] as const;
export type BonusRuleType = (typeof BONUS_RULE_TYPES)[number];
export const BONUS_RUN_STATUSES = ['pending', 'running', 'completed', 'failed', 'approved', 'paid'] as const;
export type BonusRunStatus = (typeof BONUS_RUN_STATUSES)[number];
export const PAYOUT_FORMATS = ['csv', 'xlsx', 'pdf'] as const;
export type PayoutFormat = (typeof PAYOUT_FORMATS)[number];

const money = (name: string) => numeric(name, { precision: 18, scale: 2 });

/** A named, dated set of bonus rules; at most one active set covers any day (checked under a lock). */
export const bonusRuleSets = pgTable(
  'bonus_rule_sets',
  {
    ...tenantColumns(),
    name: text('name').notNull(),
    description: text('description'),
    validFrom: date('valid_from', { mode: 'string' }),
    validTo: date('valid_to', { mode: 'string' }),
    active: boolean('active').notNull().default(true),
    currency: text('currency').notNull(),
    createdBy: uuid('created_by'),
    ...timestamps(),
  },
  (t) => [
    ...tenantScoped(t),
    foreignKey({ columns: [t.tenantId, t.createdBy], foreignColumns: [users.tenantId, users.id] }),
    check('bonus_rule_sets_currency_check', sql`${t.currency} ~ '^[A-Z]{3}$'`),
    check(
      'bonus_rule_sets_dates_check',
      sql`${t.validTo} is null or ${t.validFrom} is null or ${t.validFrom} <= ${t.validTo}`,
    ),
  ],
);
appAccess(bonusRuleSets, READ_WRITE);

/** One rule of a set: code and priority unique in the set; the lowest priority number is tried first. */
export const bonusRules = pgTable(
  'bonus_rules',
  {
    ...tenantColumns(),
    ruleSetId: uuid('rule_set_id').notNull(),
    code: text('code').notNull(),
    name: text('name').notNull(),
    type: text('type', { enum: BONUS_RULE_TYPES }).notNull(),
    priority: integer('priority').notNull(),
    amountType: text('amount_type', { enum: ['fixed', 'percent'] })
      .notNull()
      .default('fixed'),
    /** A fixed amount in the set's currency, or a percent (up to 4 decimals). */
    amount: numeric('amount', { precision: 18, scale: 4 }).notNull().default('0'),
    basis: text('basis', { enum: ['count', 'revenue'] }),
    target: numeric('target', { precision: 18, scale: 2 }),
    /** `[{threshold, rate?, amount?}]`, ascending thresholds. */
    tiers: jsonb('tiers').notNull().default([]),
    /** `[{field, op, value}]`; every one must match. */
    conditions: jsonb('conditions').notNull().default([]),
    capPerItem: money('cap_per_item'),
    capPerAgent: money('cap_per_agent'),
    active: boolean('active').notNull().default(true),
    ...timestamps(),
  },
  (t) => [
    ...tenantScoped(t),
    foreignKey({
      name: 'bonus_rules_tenant_rule_set_fk',
      columns: [t.tenantId, t.ruleSetId],
      foreignColumns: [bonusRuleSets.tenantId, bonusRuleSets.id],
    }).onDelete('cascade'),
    uniqueIndex('bonus_rules_set_code_key').on(t.tenantId, t.ruleSetId, t.code),
    uniqueIndex('bonus_rules_set_priority_key').on(t.tenantId, t.ruleSetId, t.priority),
    check('bonus_rules_type_check', sql`${t.type} in ('per_conversion', 'per_lead', 'per_target', 'tier')`),
    check('bonus_rules_amount_type_check', sql`${t.amountType} in ('fixed', 'percent')`),
  ],
);
appAccess(bonusRules, READ_WRITE);

/** One computation of a period under a rule set, with the rules as used and a digest of its items. */
export const bonusRuns = pgTable(
  'bonus_runs',
  {
    ...tenantColumns(),
    ruleSetId: uuid('rule_set_id'),
    periodStart: date('period_start', { mode: 'string' }).notNull(),
    periodEnd: date('period_end', { mode: 'string' }).notNull(),
    status: text('status', { enum: BONUS_RUN_STATUSES }).notNull().default('pending'),
    currency: text('currency').notNull(),
    totalAmount: money('total_amount').notNull().default('0'),
    itemCount: integer('item_count').notNull().default(0),
    agentCount: integer('agent_count').notNull().default(0),
    error: text('error'),
    /** The rule set and its rules as the computation read them. */
    snapshot: jsonb('snapshot'),
    inputDigest: text('input_digest'),
    requestedBy: uuid('requested_by'),
    startedAt: timestamp('started_at', { withTimezone: true, mode: 'date' }),
    completedAt: timestamp('completed_at', { withTimezone: true, mode: 'date' }),
    approvedAt: timestamp('approved_at', { withTimezone: true, mode: 'date' }),
    approvedBy: uuid('approved_by'),
    paidAt: timestamp('paid_at', { withTimezone: true, mode: 'date' }),
    paidBy: uuid('paid_by'),
    ...timestamps(),
  },
  (t) => [
    ...tenantScoped(t),
    foreignKey({
      name: 'bonus_runs_tenant_rule_set_fk',
      columns: [t.tenantId, t.ruleSetId],
      foreignColumns: [bonusRuleSets.tenantId, bonusRuleSets.id],
    }),
    foreignKey({ columns: [t.tenantId, t.requestedBy], foreignColumns: [users.tenantId, users.id] }),
    index('bonus_runs_tenant_period_idx').on(t.tenantId, t.periodStart),
    index('bonus_runs_tenant_rule_set_idx').on(t.tenantId, t.ruleSetId),
    check(
      'bonus_runs_status_check',
      sql`${t.status} in ('pending', 'running', 'completed', 'failed', 'approved', 'paid')`,
    ),
    check('bonus_runs_period_check', sql`${t.periodStart} <= ${t.periodEnd}`),
  ],
);
appAccess(bonusRuns, NO_DELETE);

/** One bonus line: a sale or a lead a rule matched, or an agent's reached target. */
export const bonusRunItems = pgTable(
  'bonus_run_items',
  {
    ...tenantColumns(),
    runId: uuid('run_id').notNull(),
    /** Position in the run's deterministic order (agent, time, id; targets last per agent). */
    seq: integer('seq').notNull(),
    agentId: uuid('agent_id').notNull(),
    ruleId: uuid('rule_id'),
    ruleCode: text('rule_code').notNull(),
    conversionId: uuid('conversion_id'),
    leadId: uuid('lead_id'),
    outletId: uuid('outlet_id'),
    campaignId: uuid('campaign_id'),
    occurredAt: timestamp('occurred_at', { withTimezone: true, mode: 'date' }).notNull(),
    baseAmount: money('base_amount').notNull(),
    amount: money('amount').notNull(),
    capped: boolean('capped').notNull().default(false),
    explanation: text('explanation').notNull(),
  },
  (t) => [
    ...tenantScoped(t),
    // No foreign keys: a run writes up to a million items in one transaction, and every key costs a
    // lookup and a FOR KEY SHARE lock per row. The run writes its items after its own row, which is
    // never deleted (the app role cannot), and replaces them by an explicit delete; agent, sale,
    // lead, outlet and campaign are copied from the sales and leads the run read in the same
    // transaction, whose own keys reference them, and none of those rows is ever deleted. With keys
    // on conversion and lead, four fifths of a million-sale run went into the checks; the run and
    // agent keys took a third of what was left.
    uniqueIndex('bonus_run_items_run_seq_key').on(t.tenantId, t.runId, t.seq),
    index('bonus_run_items_run_agent_idx').on(t.tenantId, t.runId, t.agentId, t.seq),
  ],
);
// Items are replaced when a run is computed again (before approval), hence delete.
appAccess(bonusRunItems, READ_WRITE);

/** Every payout file handed out: which run, format, the stored file and its checksum, who and when. */
export const bonusPayoutExports = pgTable(
  'bonus_payout_exports',
  {
    ...tenantColumns(),
    runId: uuid('run_id').notNull(),
    format: text('format', { enum: PAYOUT_FORMATS }).notNull(),
    fileKey: text('file_key').notNull(),
    fileSize: integer('file_size').notNull(),
    sha256: text('sha256').notNull(),
    createdBy: uuid('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    ...tenantScoped(t),
    foreignKey({
      name: 'bonus_payout_exports_tenant_run_fk',
      columns: [t.tenantId, t.runId],
      foreignColumns: [bonusRuns.tenantId, bonusRuns.id],
    }),
    foreignKey({ columns: [t.tenantId, t.createdBy], foreignColumns: [users.tenantId, users.id] }),
    index('bonus_payout_exports_run_idx').on(t.tenantId, t.runId),
    check('bonus_payout_exports_format_check', sql`${t.format} in ('csv', 'xlsx', 'pdf')`),
  ],
);
appAccess(bonusPayoutExports, APPEND_ONLY);

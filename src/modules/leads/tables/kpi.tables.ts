import { sql } from 'drizzle-orm';
import { check, date, foreignKey, integer, numeric, pgTable, primaryKey, uuid } from 'drizzle-orm/pg-core';
import { appAccess, READ_WRITE } from '../../../platform/db/access.js';
import { tenantPolicy } from '../../../platform/db/tenant-table.js';
import { outlets } from '../../catalog/tables.js';
import { users } from '../../identity/tables.js';

/**
 * The measures both daily KPI tables keep. Sums, never ratios: conversion rate and average time to
 * convert are computed from the sums when read, so any grouping (week, month, team) averages right.
 */
const measures = () => ({
  leadsCaptured: integer('leads_captured').notNull().default(0),
  leadsConverted: integer('leads_converted').notNull().default(0),
  revenue: numeric('revenue', { precision: 18, scale: 2 }).notNull().default('0'),
  cost: numeric('cost', { precision: 18, scale: 2 }).notNull().default('0'),
  bonus: numeric('bonus', { precision: 18, scale: 2 }).notNull().default('0'),
  netProfit: numeric('net_profit', { precision: 18, scale: 2 }).notNull().default('0'),
  /** Σ (converted_at − lead_captured_at) in seconds over the day's first conversions. */
  convertSeconds: numeric('convert_seconds', { precision: 20, scale: 3 }).notNull().default('0'),
  /** How many first conversions `convert_seconds` sums (= leads_converted; kept for clarity). */
  convertCount: integer('convert_count').notNull().default(0),
});

/**
 * Daily lead KPIs per agent, for the tenant's calendar day. Derived data: the refresh job deletes a
 * day's rows and inserts their recomputation from leads, conversions and the ledger, so the table
 * always equals a recomputation. A row of all zeros is not stored.
 */
export const kpiAgentDaily = pgTable(
  'kpi_agent_daily',
  {
    tenantId: uuid('tenant_id').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    agentId: uuid('agent_id').notNull(),
    ...measures(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.day, t.agentId] }),
    tenantPolicy(t.tenantId),
    foreignKey({ columns: [t.tenantId, t.agentId], foreignColumns: [users.tenantId, users.id] }),
    check('kpi_agent_daily_counts_check', sql`${t.leadsCaptured} >= 0 and ${t.leadsConverted} >= 0`),
  ],
);
appAccess(kpiAgentDaily, READ_WRITE);

/** The same per outlet (leads, conversions and ledger entries without an outlet are not here). */
export const kpiOutletDaily = pgTable(
  'kpi_outlet_daily',
  {
    tenantId: uuid('tenant_id').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    outletId: uuid('outlet_id').notNull(),
    ...measures(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.day, t.outletId] }),
    tenantPolicy(t.tenantId),
    foreignKey({ columns: [t.tenantId, t.outletId], foreignColumns: [outlets.tenantId, outlets.id] }),
    check('kpi_outlet_daily_counts_check', sql`${t.leadsCaptured} >= 0 and ${t.leadsConverted} >= 0`),
  ],
);
appAccess(kpiOutletDaily, READ_WRITE);

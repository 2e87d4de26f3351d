import { sql } from 'drizzle-orm';
import {
  check,
  date,
  foreignKey,
  index,
  integer,
  pgTable,
  text,
  timestamp,
  unique,
  uuid,
} from 'drizzle-orm/pg-core';
import { tenantColumns, tenantScoped, timestamps } from '../../../platform/db/tenant-table.js';
import { outlets } from '../../catalog/tables.js';
import { tenants, users } from '../../identity/tables.js';
import { CALL_CYCLE_FREQUENCIES } from '../formulas.js';
import { visits } from './visits.tables.js';
import { appAccess, READ_WRITE } from '../../../platform/db/access.js';

/** active → completed | cancelled; closed cycles keep their history but plan nothing new. */
export const CALL_CYCLE_STATUSES = ['active', 'completed', 'cancelled'] as const;
export type CallCycleStatus = (typeof CALL_CYCLE_STATUSES)[number];

/** planned → visited (a completed visit fulfilled it) | missed (its date passed without one). */
export const SLOT_STATUSES = ['planned', 'visited', 'missed'] as const;
export type SlotStatus = (typeof SLOT_STATUSES)[number];

/** An agent's route plan: which outlets to visit how often between two dates. */
export const callCycles = pgTable(
  'call_cycles',
  {
    ...tenantColumns(),
    name: text('name').notNull(),
    description: text('description'),
    agentId: uuid('agent_id').notNull(),
    startDate: date('start_date', { mode: 'string' }).notNull(),
    endDate: date('end_date', { mode: 'string' }).notNull(),
    frequency: text('frequency', { enum: CALL_CYCLE_FREQUENCIES }).notNull(),
    status: text('status', { enum: CALL_CYCLE_STATUSES }).notNull().default('active'),
    createdBy: uuid('created_by'),
    ...timestamps(),
  },
  (t) => [
    ...tenantScoped(t),
    foreignKey({ columns: [t.tenantId], foreignColumns: [tenants.id] }),
    foreignKey({ columns: [t.tenantId, t.agentId], foreignColumns: [users.tenantId, users.id] }),
    foreignKey({ columns: [t.tenantId, t.createdBy], foreignColumns: [users.tenantId, users.id] }),
    index('call_cycles_tenant_agent_start_idx').on(t.tenantId, t.agentId, t.startDate),
    index('call_cycles_tenant_status_idx').on(t.tenantId, t.status),
    check('call_cycles_frequency_check', sql`${t.frequency} in ('daily', 'weekly', 'biweekly', 'monthly')`),
    check('call_cycles_status_check', sql`${t.status} in ('active', 'completed', 'cancelled')`),
    check('call_cycles_dates_check', sql`${t.endDate} >= ${t.startDate}`),
  ],
);
appAccess(callCycles, READ_WRITE);

/** The ordered outlets of a cycle; `frequency` overrides the cycle's for this outlet. */
export const callCycleLocations = pgTable(
  'call_cycle_locations',
  {
    ...tenantColumns(),
    cycleId: uuid('cycle_id').notNull(),
    outletId: uuid('outlet_id').notNull(),
    position: integer('position').notNull(),
    frequency: text('frequency', { enum: CALL_CYCLE_FREQUENCIES }),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    ...tenantScoped(t),
    foreignKey({
      columns: [t.tenantId, t.cycleId],
      foreignColumns: [callCycles.tenantId, callCycles.id],
    }).onDelete('cascade'),
    foreignKey({ columns: [t.tenantId, t.outletId], foreignColumns: [outlets.tenantId, outlets.id] }),
    // A constraint (not only an index) because the slots reference it.
    unique('call_cycle_locations_tenant_cycle_outlet_key').on(t.tenantId, t.cycleId, t.outletId),
    index('call_cycle_locations_tenant_outlet_idx').on(t.tenantId, t.outletId),
    check('call_cycle_locations_position_check', sql`${t.position} >= 1`),
    check(
      'call_cycle_locations_frequency_check',
      sql`${t.frequency} is null or ${t.frequency} in ('daily', 'weekly', 'biweekly', 'monthly')`,
    ),
  ],
);
appAccess(callCycleLocations, READ_WRITE);

/**
 * The planned visits of a cycle: one row per outlet and date. They go with their location (removing
 * an outlet from the cycle removes its plan); `visit_id` is the completed visit that fulfilled it.
 */
export const callCycleSlots = pgTable(
  'call_cycle_slots',
  {
    ...tenantColumns(),
    cycleId: uuid('cycle_id').notNull(),
    outletId: uuid('outlet_id').notNull(),
    slotDate: date('slot_date', { mode: 'string' }).notNull(),
    status: text('status', { enum: SLOT_STATUSES }).notNull().default('planned'),
    visitId: uuid('visit_id'),
    ...timestamps(),
  },
  (t) => [
    ...tenantScoped(t),
    foreignKey({
      columns: [t.tenantId, t.cycleId, t.outletId],
      foreignColumns: [callCycleLocations.tenantId, callCycleLocations.cycleId, callCycleLocations.outletId],
    }).onDelete('cascade'),
    foreignKey({ columns: [t.tenantId, t.visitId], foreignColumns: [visits.tenantId, visits.id] }),
    unique('call_cycle_slots_tenant_cycle_outlet_date_key').on(t.tenantId, t.cycleId, t.outletId, t.slotDate),
    index('call_cycle_slots_tenant_cycle_date_idx').on(t.tenantId, t.cycleId, t.slotDate),
    // The daily missed-slot job scans planned slots by date across tenants.
    index('call_cycle_slots_status_date_idx').on(t.status, t.slotDate),
    index('call_cycle_slots_tenant_visit_idx').on(t.tenantId, t.visitId),
    check('call_cycle_slots_status_check', sql`${t.status} in ('planned', 'visited', 'missed')`),
    check('call_cycle_slots_visit_check', sql`(${t.status} = 'visited') = (${t.visitId} is not null)`),
  ],
);
appAccess(callCycleSlots, READ_WRITE);

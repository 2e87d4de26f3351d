import { sql } from 'drizzle-orm';
import { jsonb, pgPolicy, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { uuidv7 } from '../../../lib/ids.js';
import { appRole, currentTenantId, timestamps } from '../../../platform/db/tenant-table.js';
import { appAccess } from '../../../platform/db/access.js';

/** Tenant settings with their defaults; stored as JSON so new settings need no migration. */
export interface TenantSettings {
  time_zone: string;
  currency: string;
  locale: string;
  /** ISO 3166-1 alpha-2 region of phone numbers written without a country code. */
  default_phone_region: string;
  /** Every user must have a phone number: creating or updating one without is refused. */
  require_phone: boolean;
  password_min_length: number;
  lockout_threshold: number;
  lockout_minutes: number;
  access_token_ttl_seconds: number;
  refresh_token_ttl_seconds: number;
  /** Call-cycle adherence (%) below which the field check raises an alert for the current period. */
  alert_adherence_threshold: number;
  /** Local hour (in each user's time zone) at which daily notification digests are mailed. */
  notification_digest_hour: number;
  /** Days around a lead's capture in which the same phone in the same campaign marks a duplicate (0: off). */
  lead_duplicate_window_days: number;
  /** A lead may convert more than once (repeat sales); off: a second conversion is refused. */
  lead_repeat_sales: boolean;
  /** Days before an external sale in which a lead with the buyer's phone is matched to it. */
  external_sale_match_days: number;
  /** A qualified lead without an interaction for this many days raises a stale-lead alert. */
  lead_stale_days: number;
  /** Campaign spend at or above this share of its budget (%) raises a budget alert. */
  campaign_budget_alert_percent: number;
  /** Weights of the customer health score's components: integers 0–100 that sum to exactly 100. */
  health_weights: HealthWeights;
  /** Planning (S&OP) rules the planning module applies. */
  planning: PlanningSettings;
}

/** Baseline forecasting methods a tenant may make the default (`auto` picks per series). */
export const BASELINE_METHODS = ['auto', 'seasonal_naive', 'moving_average', 'holt_winters'] as const;
export type BaselineMethod = (typeof BASELINE_METHODS)[number];

/** The planning module's settings (stored whole under `planning`). */
export interface PlanningSettings {
  /** Future months of a forecast that need a quantity > 0 before it can be submitted. */
  min_future_months: number;
  /** Days before a cycle's submission deadline on which reps who have not submitted are reminded. */
  reminder_days: number;
  /** Role keys whose holders may approve or reject forecasts. */
  approver_roles: string[];
  /** The baseline method forecasts start from. */
  baseline_method: BaselineMethod;
}

/** The customer health score's component weights (the success module computes the score). */
export interface HealthWeights {
  adoption: number;
  support: number;
  engagement: number;
  financial: number;
}

/**
 * The platform tenant holds the super administrators, who belong to no customer tenant. Their
 * tokens carry no tenant; their rows live here so every user row still has a tenant.
 */
export const PLATFORM_TENANT_ID = '00000000-0000-7000-8000-000000000000';

export const tenants = pgTable(
  'tenants',
  {
    id: uuid('id').primaryKey().$defaultFn(uuidv7),
    name: text('name').notNull(),
    slug: text('slug').notNull(),
    status: text('status', { enum: ['active', 'suspended'] })
      .notNull()
      .default('active'),
    settings: jsonb('settings').$type<Partial<TenantSettings>>().notNull().default({}),
    suspendedAt: timestamp('suspended_at', { withTimezone: true, mode: 'date' }),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('tenants_slug_key').on(t.slug),
    // A tenant sees only its own row; super-admin work runs as the system.
    pgPolicy('tenant_self', {
      as: 'permissive',
      for: 'all',
      to: appRole,
      using: sql`${t.id} = ${currentTenantId}`,
      withCheck: sql`${t.id} = ${currentTenantId}`,
    }),
  ],
);
appAccess(tenants, ['select', 'update']);

import type { TenantSettings } from '../tables/tenants.tables.js';

export const DEFAULT_TENANT_SETTINGS: TenantSettings = {
  time_zone: 'UTC',
  currency: 'USD',
  locale: 'en',
  default_phone_region: 'US',
  require_phone: false,
  password_min_length: 8,
  lockout_threshold: 5,
  lockout_minutes: 15,
  access_token_ttl_seconds: 900,
  refresh_token_ttl_seconds: 30 * 24 * 3600,
  alert_adherence_threshold: 80,
  notification_digest_hour: 8,
  lead_duplicate_window_days: 30,
  lead_repeat_sales: false,
  external_sale_match_days: 30,
  lead_stale_days: 7,
  campaign_budget_alert_percent: 90,
  health_weights: { adoption: 20, support: 30, engagement: 25, financial: 25 },
  planning: { min_future_months: 12, reminder_days: 3, approver_roles: ['admin'], baseline_method: 'auto' },
};

/** Stored settings over the defaults: tenants store only what they changed. */
export function effectiveSettings(stored: Partial<TenantSettings> | null | undefined): TenantSettings {
  const settings = { ...DEFAULT_TENANT_SETTINGS, ...(stored ?? {}) };
  // A nested section is merged with its defaults too, so a section stored before a field existed still has it.
  return { ...settings, planning: { ...DEFAULT_TENANT_SETTINGS.planning, ...(stored?.planning ?? {}) } };
}

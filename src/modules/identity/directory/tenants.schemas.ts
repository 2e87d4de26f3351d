import { Type, type Static } from 'typebox';
import { IsoDateTime, PaginationQuery, sortQuery, Uuid } from '../../../platform/http/schemas.js';
import { PhoneInput, Username } from './users.schemas.js';

const HealthWeight = Type.Integer({ minimum: 0, maximum: 100 });

export const PlanningSettingsSchema = Type.Object(
  {
    min_future_months: Type.Integer({
      minimum: 1,
      maximum: 12,
      description:
        'Months from the anchor on (the anchor and the 11 after it: at most 12) that need a quantity > 0 before a forecast can be submitted',
    }),
    reminder_days: Type.Integer({
      minimum: 0,
      maximum: 60,
      description: 'Days before the submission deadline on which reps who have not submitted are reminded',
    }),
    approver_roles: Type.Array(Type.String({ pattern: '^[a-z][a-z0-9_]{1,49}$' }), {
      minItems: 1,
      maxItems: 20,
      uniqueItems: true,
      description: 'Role keys whose holders may approve or reject forecasts',
    }),
    baseline_method: Type.Union(
      [
        Type.Literal('auto'),
        Type.Literal('seasonal_naive'),
        Type.Literal('moving_average'),
        Type.Literal('holt_winters'),
      ],
      { description: 'The statistical baseline forecasts start from (auto: the best per series)' },
    ),
  },
  { additionalProperties: false },
);

const settingsFields = {
  time_zone: Type.String({ minLength: 1, maxLength: 64, description: 'IANA time zone, e.g. Asia/Tashkent' }),
  currency: Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217 code' }),
  locale: Type.String({
    pattern: '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$',
    description: 'BCP 47, e.g. en, ru, uz-Latn',
  }),
  default_phone_region: Type.String({
    pattern: '^[A-Z]{2}$',
    description: 'ISO 3166-1 alpha-2 region of phone numbers written without a country code, e.g. UZ',
  }),
  require_phone: Type.Boolean({
    description: 'Users must have a phone number (creating or updating one without is 422 at /body/phone)',
  }),
  password_min_length: Type.Integer({ minimum: 8, maximum: 128 }),
  lockout_threshold: Type.Integer({ minimum: 1, maximum: 100 }),
  lockout_minutes: Type.Integer({ minimum: 1, maximum: 1440 }),
  access_token_ttl_seconds: Type.Integer({ minimum: 60, maximum: 86_400 }),
  refresh_token_ttl_seconds: Type.Integer({ minimum: 3600, maximum: 365 * 86_400 }),
  alert_adherence_threshold: Type.Integer({
    minimum: 0,
    maximum: 100,
    description: 'Call-cycle adherence % below which an alert is raised',
  }),
  notification_digest_hour: Type.Integer({
    minimum: 0,
    maximum: 23,
    description: "Local hour of the daily notification digest (each user's time zone)",
  }),
  lead_duplicate_window_days: Type.Integer({
    minimum: 0,
    maximum: 365,
    description:
      'A lead with the phone of another lead of its campaign captured this many days apart or less is flagged duplicate (0: off)',
  }),
  lead_repeat_sales: Type.Boolean({ description: 'A lead may convert more than once (repeat sales)' }),
  external_sale_match_days: Type.Integer({
    minimum: 0,
    maximum: 365,
    description: 'Days before an imported sale in which a lead with the buyer phone is matched to it',
  }),
  lead_stale_days: Type.Integer({
    minimum: 1,
    maximum: 365,
    description: 'A qualified lead without an interaction for this many days raises a stale-lead alert',
  }),
  campaign_budget_alert_percent: Type.Integer({
    minimum: 1,
    maximum: 1000,
    description: 'Campaign spend at or above this % of its budget raises a budget alert',
  }),
  health_weights: Type.Object(
    {
      adoption: HealthWeight,
      support: HealthWeight,
      engagement: HealthWeight,
      financial: HealthWeight,
    },
    {
      additionalProperties: false,
      description:
        'Weights of the customer health score components: integers 0–100 that sum to exactly 100 (422 otherwise)',
    },
  ),
  planning: PlanningSettingsSchema,
};

export const TenantSettingsSchema = Type.Object(settingsFields);
export const TenantSettingsPatch = Type.Partial(Type.Object(settingsFields), { additionalProperties: false });
export type TenantSettingsPatch = Static<typeof TenantSettingsPatch>;

export const Tenant = Type.Object(
  {
    id: Uuid,
    name: Type.String(),
    slug: Type.String(),
    status: Type.Union([Type.Literal('active'), Type.Literal('suspended')]),
    settings: TenantSettingsSchema,
    suspended_at: Type.Union([IsoDateTime, Type.Null()]),
    created_at: IsoDateTime,
    updated_at: IsoDateTime,
  },
  { $id: 'Tenant' },
);
export type Tenant = Static<typeof Tenant>;

const Slug = Type.String({ pattern: '^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$', description: 'URL-safe name' });
const Name = Type.String({ minLength: 1, maxLength: 200 });

export const CreateTenantBody = Type.Object(
  {
    name: Name,
    slug: Slug,
    settings: Type.Optional(TenantSettingsPatch),
    admin: Type.Object(
      {
        email: Type.String({ format: 'email', maxLength: 254 }),
        password: Type.String({ minLength: 1, maxLength: 1024 }),
        first_name: Type.String({ minLength: 1, maxLength: 100 }),
        last_name: Type.Optional(Type.String({ maxLength: 100 })),
        username: Type.Optional(Username),
        phone: Type.Optional(PhoneInput),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export type CreateTenantBody = Static<typeof CreateTenantBody>;

export const CreatedTenant = Type.Object({
  ...Tenant.properties,
  admin_user_id: Uuid,
});

export const UpdateTenantBody = Type.Object(
  { name: Type.Optional(Name), settings: Type.Optional(TenantSettingsPatch) },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateTenantBody = Static<typeof UpdateTenantBody>;

export const TenantListQuery = Type.Object({
  ...PaginationQuery.properties,
  status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('suspended')])),
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  sort: sortQuery(['created_at', 'name', 'slug'], 'created_at'),
});
export type TenantListQuery = Static<typeof TenantListQuery>;

import { Type, type Static } from 'typebox';
import { IsoDateTime, PaginationQuery, sortQuery, Uuid } from '../../../platform/http/schemas.js';
import { Severity } from '../alerts/alerts.schemas.js';

const nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

export const Notification = Type.Object({
  id: Uuid,
  alert_id: nullable(Uuid),
  type: Type.String(),
  severity: Severity,
  title: Type.String(),
  body: nullable(Type.String()),
  read: Type.Boolean(),
  read_at: nullable(IsoDateTime),
  created_at: IsoDateTime,
});
export type Notification = Static<typeof Notification>;

export const NotificationListQuery = Type.Object({
  ...PaginationQuery.properties,
  unread: Type.Optional(Type.Boolean({ description: 'Only unread (true) or only read (false)' })),
  type: Type.Optional(Type.String({ maxLength: 63 })),
  severity: Type.Optional(Severity),
  sort: sortQuery(['created_at'], '-created_at'),
});
export type NotificationListQuery = Static<typeof NotificationListQuery>;

export const UnreadCount = Type.Object({ unread: Type.Integer() });
export const MarkAllReadResult = Type.Object({ marked: Type.Integer() });

const EmailMode = Type.Union([Type.Literal('off'), Type.Literal('immediate'), Type.Literal('digest')], {
  description: 'off; immediate (one mail per alert); digest (one mail a day at the digest hour)',
});

export const PreferenceRule = Type.Object({
  alert_type: Type.String({
    pattern: '^(\\*|[a-z][a-z0-9_.-]{0,62})$',
    description: 'An alert type, or * for any',
  }),
  severity: Type.Union([Type.Literal('*'), Severity]),
  in_app: Type.Boolean(),
  email: EmailMode,
});
export type PreferenceRule = Static<typeof PreferenceRule>;

export const Preferences = Type.Object({
  time_zone: nullable(Type.String({ description: "Your IANA time zone; null follows the tenant's" })),
  effective_time_zone: Type.String(),
  own_digest_hour: nullable(
    Type.Integer({ description: "Your local hour of the daily digest; null follows the tenant's" }),
  ),
  digest_hour: Type.Integer({
    description: "Local hour of your daily digest: yours, else the tenant's notification_digest_hour",
  }),
  rules: Type.Array(PreferenceRule, {
    description:
      'The most specific rule wins (type and severity, type, severity, then */*); none: in-app only',
  }),
});

export const UpdatePreferencesBody = Type.Object(
  {
    time_zone: Type.Optional(nullable(Type.String({ minLength: 1, maxLength: 64 }))),
    // Null first: the validator coerces types, and tried first an integer would turn null into 0.
    digest_hour: Type.Optional(
      Type.Union([
        Type.Null(),
        Type.Integer({
          minimum: 0,
          maximum: 23,
          description: "Your local hour (0–23) of the daily digest; null follows the tenant's",
        }),
      ]),
    ),
    rules: Type.Optional(Type.Array(PreferenceRule, { maxItems: 200, description: 'Replaces every rule' })),
  },
  { minProperties: 1 },
);
export type UpdatePreferencesBody = Static<typeof UpdatePreferencesBody>;

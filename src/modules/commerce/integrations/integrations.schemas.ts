import { Type, type Static } from 'typebox';
import { IsoDateTime, PaginationQuery, sortQuery, Uuid } from '../../../platform/http/schemas.js';
import { SYNC_ENTITIES, type SyncEntity } from './provider.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([Type.Null(), schema]);

export const SyncEntityName = Type.Unsafe<SyncEntity>(
  Type.String({ enum: [...SYNC_ENTITIES], description: 'An entity a sync covers' }),
);

const ProviderName = Type.String({
  minLength: 1,
  maxLength: 50,
  description: 'The ERP: `moysklad`',
});
const Name = Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' });
const BaseUrl = Type.String({
  minLength: 1,
  maxLength: 500,
  description:
    "The API's base URL, http(s) only, without credentials in it (MoySklad default: https://api.moysklad.ru/api/remap/1.2)",
});

export const BasicAuth = Type.Object({
  type: Type.Literal('basic'),
  login: Type.String({ minLength: 1, maxLength: 200, description: 'MoySklad: `user@account`' }),
  password: Type.String({ minLength: 1, maxLength: 500, writeOnly: true }),
});
export const TokenAuth = Type.Object({
  type: Type.Literal('token'),
  token: Type.String({ minLength: 1, maxLength: 2000, writeOnly: true }),
});
export const AuthInput = Type.Union([BasicAuth, TokenAuth], {
  description: 'Credentials; sealed (AES-256-GCM) when stored and never returned',
});
export type AuthInput = Static<typeof AuthInput>;

const Entities = Type.Array(SyncEntityName, {
  uniqueItems: true,
  description: "A subset of the provider's entities; default all of them",
});
const Interval = Type.Integer({
  minimum: 1,
  maximum: 10_080,
  description: 'Minutes between incremental syncs',
});
const SettableStatus = Type.Union([Type.Literal('active'), Type.Literal('paused')], {
  description: 'paused: no scheduled syncs',
});
const Options = Type.Record(Type.String(), Type.Unknown(), {
  description: 'Provider-specific options (price type mapping, which stores to read…)',
});

export const CreateIntegrationBody = Type.Object({
  provider: ProviderName,
  name: Name,
  base_url: Type.Optional(BaseUrl),
  auth: AuthInput,
  entities: Type.Optional(Entities),
  sync_interval_minutes: Type.Optional(Interval),
  status: Type.Optional(SettableStatus),
  options: Type.Optional(Options),
});
export type CreateIntegrationBody = Static<typeof CreateIntegrationBody>;

export const UpdateIntegrationBody = Type.Object(
  {
    name: Type.Optional(Name),
    base_url: Type.Optional(BaseUrl),
    auth: Type.Optional(AuthInput),
    entities: Type.Optional(Entities),
    sync_interval_minutes: Type.Optional(Interval),
    status: Type.Optional(SettableStatus),
    options: Type.Optional(Options),
  },
  { minProperties: 1, description: 'A partial change; credentials left out stay as stored' },
);
export type UpdateIntegrationBody = Static<typeof UpdateIntegrationBody>;

export const TestConnectionBody = Type.Object({
  provider: ProviderName,
  base_url: Type.Optional(BaseUrl),
  auth: AuthInput,
  options: Type.Optional(Options),
});
export type TestConnectionBody = Static<typeof TestConnectionBody>;

export const ConnectionTest = Type.Object({
  ok: Type.Boolean(),
  code: Type.Optional(
    Type.String({
      description: 'Why it failed: credentials_rejected, forbidden, unreachable, bad_response, rate_limited',
    }),
  ),
  message: Type.Optional(Type.String()),
  account_id: Type.Optional(Type.String({ description: 'The external account the credentials belong to' })),
  account_name: Type.Optional(Type.String()),
});
export type ConnectionTest = Static<typeof ConnectionTest>;

export const Integration = Type.Object({
  id: Uuid,
  provider: Type.String(),
  name: Type.String(),
  base_url: Type.String(),
  auth_type: Type.Union([Type.Literal('basic'), Type.Literal('token')]),
  has_credentials: Type.Boolean({ description: 'Always true: credentials are stored, never returned' }),
  login: Nullable(Type.String({ description: 'The basic-auth login, masked (`a***@account`)' })),
  account_id: Nullable(Type.String({ description: 'Learnt on a successful test; webhooks must name it' })),
  entities: Type.Array(SyncEntityName),
  sync_interval_minutes: Type.Integer(),
  status: Type.Union([Type.Literal('active'), Type.Literal('paused'), Type.Literal('error')]),
  credentials_status: Type.Union([Type.Literal('unknown'), Type.Literal('ok'), Type.Literal('rejected')]),
  options: Type.Record(Type.String(), Type.Unknown()),
  webhook_url: Type.String({
    description: 'The address the ERP posts webhooks to; its last segment is a secret token',
  }),
  webhooks_registered_at: Nullable(IsoDateTime),
  last_sync_at: Nullable(IsoDateTime),
  last_success_at: Nullable(IsoDateTime),
  last_error: Nullable(Type.String()),
  last_error_at: Nullable(IsoDateTime),
  created_by: Nullable(Uuid),
  created_at: IsoDateTime,
  updated_at: IsoDateTime,
});
export type Integration = Static<typeof Integration>;

export const INTEGRATION_SORTS = ['name', 'created_at'] as const;

export const IntegrationListQuery = Type.Object({
  ...PaginationQuery.properties,
  provider: Type.Optional(ProviderName),
  status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('paused'), Type.Literal('error')])),
  sort: sortQuery(INTEGRATION_SORTS, 'name'),
});
export type IntegrationListQuery = Static<typeof IntegrationListQuery>;

export const WebhookParams = Type.Object({
  integration_id: Uuid,
  token: Type.String({ minLength: 1, maxLength: 200 }),
});
export type WebhookParams = Static<typeof WebhookParams>;

export const WebhookQuery = Type.Object({
  requestId: Type.String({
    minLength: 1,
    maxLength: 200,
    description: 'The delivery id MoySklad repeats on retries: a repeat is answered 200 and not stored again',
  }),
});
export type WebhookQuery = Static<typeof WebhookQuery>;

/** A MoySklad notification; the provider checks its shape (`events`, or a stock-change report). */
export const WebhookBody = Type.Object({}, { additionalProperties: true });

export const WebhookAccepted = Type.Object({
  received: Type.Boolean(),
  duplicate: Type.Boolean({ description: 'The same requestId was received before; nothing was stored' }),
});

import { iso } from '../../../platform/resource/index.js';
import { connectionOf, webhookTokenOf, type IntegrationRow } from './connection.js';
import type { Integration } from './integrations.schemas.js';
import type { SyncEntity } from './provider.js';
import { maskLogin } from './secrets.js';

/** How an integration is shown: to its admins (`toJson`), in audit rows (`auditable`). */
export function integrationViews(publicUrl: string) {
  /** The address the ERP posts this integration's webhooks to (admins only: it holds the token). */
  const webhookUrlOf = (row: IntegrationRow) =>
    `${publicUrl.replace(/\/+$/, '')}/api/v1/webhooks/${row.provider}/${row.id}/${webhookTokenOf(row)}`;

  /** The row as the API shows it: never the credentials, at most a masked login. */
  function toJson(row: IntegrationRow): Integration {
    const auth = connectionOf(row).auth;
    return {
      ...auditable(row),
      login: auth.type === 'basic' ? maskLogin(auth.login) : null,
      webhook_url: webhookUrlOf(row),
    };
  }

  /** What an audit row may hold: no credentials, no webhook URL (its token is a secret). */
  function auditable(row: IntegrationRow): Omit<Integration, 'login' | 'webhook_url'> {
    return {
      id: row.id,
      provider: row.provider,
      name: row.name,
      base_url: row.baseUrl,
      auth_type: row.authType,
      has_credentials: true,
      account_id: row.accountId,
      entities: row.entities as SyncEntity[],
      sync_interval_minutes: row.syncIntervalMinutes,
      status: row.status,
      credentials_status: row.credentialsStatus,
      options: row.options,
      webhooks_registered_at: iso(row.webhooksRegisteredAt),
      last_sync_at: iso(row.lastSyncAt),
      last_success_at: iso(row.lastSuccessAt),
      last_error: row.lastError,
      last_error_at: iso(row.lastErrorAt),
      created_by: row.createdBy,
      created_at: row.createdAt.toISOString(),
      updated_at: row.updatedAt.toISOString(),
    };
  }

  return { webhookUrlOf, toJson, auditable };
}

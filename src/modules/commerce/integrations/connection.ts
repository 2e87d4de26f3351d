import { and, eq } from 'drizzle-orm';
import type { Tx } from '../../../platform/db/types.js';
import { notFound } from '../../../platform/http/errors.js';
import { integrations } from '../tables/integrations.tables.js';
import { currentVault } from './credentials.js';
import type { CommerceProvider, ProviderConnection } from './provider.js';
import { providerNamed } from './providers.js';

export type IntegrationRow = typeof integrations.$inferSelect;
export type IntegrationAuth = ProviderConnection['auth'];

export const integrationNotFound = () => notFound('Integration');

/** The decrypted connection of an integration row: base URL, credentials and options. */
export function connectionOf(row: IntegrationRow): ProviderConnection {
  return {
    baseUrl: row.baseUrl,
    auth: currentVault().open<IntegrationAuth>(row.credentialsCipher, row.credentialsKeyId),
    options: row.options,
  };
}

/** The webhook token of an integration row (the secret last segment of its webhook URL). */
export function webhookTokenOf(row: Pick<IntegrationRow, 'webhookTokenCipher' | 'credentialsKeyId'>): string {
  return currentVault().open<string>(row.webhookTokenCipher, row.credentialsKeyId);
}

/**
 * Re-seals a row's secrets (credentials and webhook token, which share the key id) with the
 * current key when another key sealed them: keys rotate lazily, as rows are read. Returns the row
 * as stored afterwards.
 */
export async function resealIfStale(tx: Tx, row: IntegrationRow): Promise<IntegrationRow> {
  const vault = currentVault();
  if (row.credentialsKeyId === vault.currentKeyId) return row;
  const credentials = vault.seal(vault.open(row.credentialsCipher, row.credentialsKeyId));
  const token = vault.seal(vault.open(row.webhookTokenCipher, row.credentialsKeyId));
  const [updated] = await tx.db
    .update(integrations)
    .set({
      credentialsCipher: credentials.cipher,
      credentialsKeyId: credentials.keyId,
      webhookTokenCipher: token.cipher,
    })
    .where(and(eq(integrations.tenantId, row.tenantId), eq(integrations.id, row.id)))
    .returning();
  return updated ?? row;
}

/**
 * An integration with its provider and decrypted connection, for the sync engine and the admin
 * routes. 404 INTEGRATION_NOT_FOUND when the tenant has no such integration. `tx` must be a write
 * transaction (`withTenant`): a row sealed with an older key is re-sealed with the current one.
 */
export async function loadConnection(
  tx: Tx,
  tenantId: string,
  integrationId: string,
): Promise<{ integration: IntegrationRow; provider: CommerceProvider; conn: ProviderConnection }> {
  const [row] = await tx.db
    .select()
    .from(integrations)
    .where(and(eq(integrations.tenantId, tenantId), eq(integrations.id, integrationId)));
  if (!row) throw integrationNotFound();
  const integration = await resealIfStale(tx, row);
  return {
    integration,
    provider: providerNamed(integration.provider, '/provider'),
    conn: connectionOf(integration),
  };
}

import { and, eq, ne } from 'drizzle-orm';
import type { Tx } from '../../../platform/db/types.js';
import type { AlertCheck, RaisedAlert } from '../../../platform/module.js';
import { tenantSettingsOf } from '../../identity/index.js';
import { localDate, raiseCheckAlert } from '../../notify/index.js';
import { integrations } from '../tables/integrations.tables.js';
import type { IntegrationRow } from './connection.js';

/** What raising an alert needs from the platform (mail and real-time delivery). */
export type AlertDeps = Parameters<typeof raiseCheckAlert>[0];

type Rejected = Pick<IntegrationRow, 'id' | 'name' | 'provider'>;

/**
 * The alert about an integration whose credentials the ERP refuses. Ownerless, so it reaches the
 * users whose scope covers the whole tenant (admins); one per integration and day.
 */
function alertOf(row: Rejected, message?: string): RaisedAlert {
  return {
    severity: 'high',
    title: `${row.name}: ${row.provider} refuses the credentials`,
    description:
      `Syncs of the integration "${row.name}" stop until its credentials are replaced.` +
      (message ? ` ${row.provider} answered: ${message}` : ''),
    entityType: 'integration',
    entityId: row.id,
  };
}

/**
 * Integrations whose credentials were refused and which are not paused. Raising on a failed test
 * (below) is immediate; this check keeps the alert coming back daily until someone acts.
 */
export const rejectedCredentialsCheck: AlertCheck = {
  name: 'commerce.integration-credentials',
  type: 'integration_credentials_rejected',
  displayName: 'ERP integration credentials rejected',
  async run(tx, { tenantId }) {
    const rows = await tx.db
      .select({ id: integrations.id, name: integrations.name, provider: integrations.provider })
      .from(integrations)
      .where(
        and(
          eq(integrations.tenantId, tenantId),
          eq(integrations.credentialsStatus, 'rejected'),
          ne(integrations.status, 'paused'),
        ),
      );
    return rows.map((row) => alertOf(row));
  },
};

/**
 * Records what the ERP said of an integration's credentials: `ok` (with the account they belong
 * to) or `rejected`, which raises `integration_credentials_rejected` at once. The sync engine calls
 * it too when a sync is refused. `message` must already be free of secrets.
 */
export async function markCredentials(
  deps: AlertDeps,
  tx: Tx,
  row: IntegrationRow,
  outcome: { status: 'ok'; accountId: string } | { status: 'rejected'; message?: string },
): Promise<void> {
  await tx.db
    .update(integrations)
    .set(
      outcome.status === 'ok'
        ? { credentialsStatus: 'ok', accountId: outcome.accountId, updatedAt: new Date() }
        : { credentialsStatus: 'rejected', updatedAt: new Date() },
    )
    .where(and(eq(integrations.tenantId, row.tenantId), eq(integrations.id, row.id)));
  if (outcome.status !== 'rejected') return;
  const { time_zone: timeZone } = await tenantSettingsOf(tx, row.tenantId);
  await raiseCheckAlert(deps, tx, rejectedCredentialsCheck, {
    ...alertOf(row, outcome.message),
    tenantId: row.tenantId,
    today: localDate(new Date(), timeZone),
  });
}

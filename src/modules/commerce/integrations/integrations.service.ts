import { randomBytes } from 'node:crypto';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Config } from '../../../config.js';
import type { TenantDatabase, Tx } from '../../../platform/db/types.js';
import { AppError, conflict, validationFailed } from '../../../platform/http/errors.js';
import { defineResource, envelope, tenantTxOf, type CallContext } from '../../../platform/resource/index.js';
import { diff, writeAudit } from '../../identity/index.js';
import { integrations, syncJobs } from '../tables/integrations.tables.js';
import {
  integrationNotFound,
  loadConnection,
  resealIfStale,
  webhookTokenOf,
  type IntegrationRow,
} from './connection.js';
import { failureOf, PROVIDER_CALL_TIMEOUT_MS, REJECTED_CODES, testConnection } from './connection-test.js';
import { currentVault } from './credentials.js';
import { markCredentials, type AlertDeps } from './credentials-alert.js';
import type {
  AuthInput,
  ConnectionTest,
  CreateIntegrationBody,
  Integration,
  IntegrationListQuery,
  TestConnectionBody,
  UpdateIntegrationBody,
} from './integrations.schemas.js';
import type { CommerceProvider, ConnectionTestResult, ProviderConnection, SyncEntity } from './provider.js';
import { integrationViews } from './integration-views.js';
import { defaultBaseUrlOf, providerNamed } from './providers.js';

const ENTITY = 'integration';

export const integrationResource = defineResource({
  table: integrations,
  name: 'Integration',
  tenantId: integrations.tenantId,
  id: integrations.id,
  // Integrations are the tenant's (admins only): no owner.
  scope: () => undefined,
  sorts: { name: integrations.name, created_at: integrations.createdAt },
});

export interface IntegrationsDeps extends AlertDeps {
  db: TenantDatabase;
  config: Pick<Config, 'publicUrl' | 'moyskladSyncIntervalMinutes'>;
}

/** An http(s) address without credentials, query or fragment, without a trailing slash; 422 at `path`. */
export function checkBaseUrl(raw: string, path: string): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw validationFailed([{ path, message: 'must be an http(s) URL' }]);
  }
  const problem =
    url.protocol !== 'http:' && url.protocol !== 'https:'
      ? 'must use http:// or https://'
      : url.username || url.password
        ? 'must not carry credentials (give them in auth)'
        : url.search || url.hash
          ? 'must not have a query or a fragment'
          : undefined;
  if (problem) throw validationFailed([{ path, message: problem }]);
  return url.toString().replace(/\/+$/, '');
}

/** The base URL a request gives, or the provider's default; 422 when neither exists. */
function baseUrlFor(provider: CommerceProvider, given: string | undefined): string {
  const raw = given ?? defaultBaseUrlOf(provider.name);
  if (raw === undefined)
    throw validationFailed([
      { path: '/body/base_url', message: `is required for provider ${provider.name}` },
    ]);
  return checkBaseUrl(raw, '/body/base_url');
}

/** The entities asked for, in the provider's order; one it cannot sync is 422 at its index. */
function entitiesFor(provider: CommerceProvider, given: readonly string[] | undefined): SyncEntity[] {
  if (!given) return [...provider.entities];
  const errors = given
    .map((entity, i) => ({ entity, i }))
    .filter(({ entity }) => !provider.entities.includes(entity as SyncEntity))
    .map(({ i }) => ({ path: `/body/entities/${i}`, message: `is not an entity ${provider.name} syncs` }));
  if (errors.length) throw validationFailed(errors);
  return provider.entities.filter((e) => given.includes(e));
}

const authOf = (input: AuthInput): ProviderConnection['auth'] =>
  input.type === 'basic'
    ? { type: 'basic', login: input.login.trim(), password: input.password }
    : { type: 'token', token: input.token.trim() };

const testJson = (result: ConnectionTestResult): ConnectionTest =>
  result.ok
    ? {
        ok: true,
        account_id: result.accountId,
        ...(result.accountName ? { account_name: result.accountName } : {}),
      }
    : { ok: false, code: result.code, message: result.message };

export function createIntegrationsService(deps: IntegrationsDeps) {
  const tenantTx = tenantTxOf(deps);

  const { webhookUrlOf, toJson, auditable } = integrationViews(deps.config.publicUrl);

  async function audit(tx: Tx, ctx: CallContext, action: string, id: string, changes: object) {
    await writeAudit(tx, ctx.audit, {
      tenantId: ctx.tenantId,
      action: `${ENTITY}.${action}`,
      entityType: ENTITY,
      entityId: id,
      changes,
    });
  }

  async function find(tx: Tx, ctx: CallContext, id: string): Promise<IntegrationRow> {
    const [row] = await tx.db
      .select()
      .from(integrations)
      .where(and(eq(integrations.tenantId, ctx.tenantId), eq(integrations.id, id)))
      .for('update');
    if (!row) throw integrationNotFound();
    return resealIfStale(tx, row);
  }

  /** Records a test's outcome on the integration: ok (and the account), or rejected with an alert. */
  async function record(tx: Tx, ctx: CallContext, row: IntegrationRow, result: ConnectionTestResult) {
    if (result.ok) {
      await markCredentials(deps, tx, row, { status: 'ok', accountId: result.accountId });
      await audit(tx, ctx, 'test', row.id, { after: { ok: true, account_id: result.accountId } });
    } else {
      if (REJECTED_CODES.has(result.code))
        await markCredentials(deps, tx, row, { status: 'rejected', message: result.message });
      await audit(tx, ctx, 'test', row.id, { after: { ok: false, code: result.code } });
    }
  }

  /** 409 while a sync of the integration is queued or running. */
  async function refuseWhileSyncing(tx: Tx, ctx: CallContext, id: string) {
    const [running] = await tx.db
      .select({ id: syncJobs.id })
      .from(syncJobs)
      .where(
        and(
          eq(syncJobs.tenantId, ctx.tenantId),
          eq(syncJobs.integrationId, id),
          inArray(syncJobs.status, ['queued', 'running']),
        ),
      )
      .limit(1);
    if (running)
      throw conflict(
        'INTEGRATION_SYNC_RUNNING',
        'A sync of this integration is queued or running; cancel it before deleting the integration.',
      );
  }

  return {
    list(ctx: CallContext, query: IntegrationListQuery) {
      return tenantTx(ctx, async (tx) => {
        const page = await integrationResource.list(tx, ctx, query, {
          where: [
            query.provider ? eq(integrations.provider, query.provider) : undefined,
            query.status ? eq(integrations.status, query.status) : undefined,
          ],
        });
        return envelope('integrations', page, (row) => toJson(row as IntegrationRow));
      });
    },

    get(ctx: CallContext, id: string): Promise<Integration> {
      return tenantTx(ctx, async (tx) => toJson(await find(tx, ctx, id)));
    },

    create(ctx: CallContext, body: CreateIntegrationBody): Promise<Integration> {
      const provider = providerNamed(body.provider);
      const baseUrl = baseUrlFor(provider, body.base_url);
      const entities = entitiesFor(provider, body.entities);
      const vault = currentVault();
      const credentials = vault.seal(authOf(body.auth));
      const token = vault.seal(randomBytes(32).toString('base64url'));
      return tenantTx(ctx, async (tx) => {
        const [row] = await tx.db
          .insert(integrations)
          .values({
            tenantId: ctx.tenantId,
            provider: provider.name,
            name: body.name.trim(),
            baseUrl,
            authType: body.auth.type,
            credentialsCipher: credentials.cipher,
            credentialsKeyId: credentials.keyId,
            webhookTokenCipher: token.cipher,
            entities,
            syncIntervalMinutes: body.sync_interval_minutes ?? deps.config.moyskladSyncIntervalMinutes,
            status: body.status ?? 'active',
            options: body.options ?? {},
            createdBy: ctx.principal.userId,
          })
          .returning();
        await audit(tx, ctx, 'create', row!.id, { after: auditable(row!) });
        return toJson(row!);
      });
    },

    /**
     * A partial change. New credentials replace the stored ones (and their status goes back to
     * unknown until the next test); credentials left out stay as they are.
     */
    update(ctx: CallContext, id: string, body: UpdateIntegrationBody): Promise<Integration> {
      return tenantTx(ctx, async (tx) => {
        const before = await find(tx, ctx, id);
        const provider = providerNamed(before.provider, '/provider');
        const baseUrl =
          body.base_url !== undefined ? checkBaseUrl(body.base_url, '/body/base_url') : undefined;
        const sealed = body.auth ? currentVault().seal(authOf(body.auth)) : undefined;
        const reconnects = sealed !== undefined || (baseUrl !== undefined && baseUrl !== before.baseUrl);
        const [row] = await tx.db
          .update(integrations)
          .set({
            ...(body.name !== undefined ? { name: body.name.trim() } : {}),
            ...(baseUrl !== undefined ? { baseUrl } : {}),
            ...(sealed && body.auth
              ? {
                  authType: body.auth.type,
                  credentialsCipher: sealed.cipher,
                  credentialsKeyId: sealed.keyId,
                  // One key id covers both secrets: the token is sealed again under it.
                  webhookTokenCipher: currentVault().seal(webhookTokenOf(before)).cipher,
                }
              : {}),
            ...(reconnects ? { credentialsStatus: 'unknown' as const } : {}),
            ...(body.entities !== undefined ? { entities: entitiesFor(provider, body.entities) } : {}),
            ...(body.sync_interval_minutes !== undefined
              ? { syncIntervalMinutes: body.sync_interval_minutes }
              : {}),
            ...(body.status !== undefined ? { status: body.status } : {}),
            ...(body.options !== undefined ? { options: body.options } : {}),
            updatedAt: new Date(),
          })
          .where(and(eq(integrations.tenantId, ctx.tenantId), eq(integrations.id, id)))
          .returning();
        const changes = diff(auditable(before), auditable(row!));
        await audit(tx, ctx, 'update', id, body.auth ? { ...changes, credentials_replaced: true } : changes);
        return toJson(row!);
      });
    },

    /**
     * Deletes the integration with its watermarks, jobs and receipts; 409 while a sync runs. When
     * its webhooks were registered, they are first removed from the ERP (outside any transaction,
     * as every ERP call): left there, they would post to an address that answers 404 and hold
     * places of MoySklad's five per entity type and action. An ERP that cannot be reached or
     * refuses the credentials does not stop the deletion; the audit row says what was left.
     */
    async remove(ctx: CallContext, id: string): Promise<void> {
      const registered = await tenantTx(ctx, async (tx) => {
        const row = await find(tx, ctx, id);
        await refuseWhileSyncing(tx, ctx, id);
        return row.webhooksRegisteredAt ? loadConnection(tx, ctx.tenantId, id) : undefined;
      });
      let webhooks: { removed: true } | { left: string } | undefined;
      if (registered) {
        const { provider, conn, integration } = registered;
        try {
          // One retry and one call's deadline: a deletion waits seconds, not a sync's patience.
          await provider.removeWebhooks(
            {
              ...conn,
              options: { ...conn.options, maxRetries: 1 },
              signal: AbortSignal.timeout(PROVIDER_CALL_TIMEOUT_MS),
            },
            webhookUrlOf(integration),
          );
          webhooks = { removed: true };
        } catch (error) {
          webhooks = { left: failureOf(error, conn).code };
        }
      }
      await tenantTx(ctx, async (tx) => {
        const before = await find(tx, ctx, id);
        await refuseWhileSyncing(tx, ctx, id);
        await tx.db
          .delete(integrations)
          .where(and(eq(integrations.tenantId, ctx.tenantId), eq(integrations.id, id)));
        await audit(tx, ctx, 'delete', id, { before: auditable(before), ...(webhooks ? { webhooks } : {}) });
      });
    },

    /**
     * Tests the stored connection. The provider is called outside any transaction (a slow ERP
     * holds no connection); the outcome is recorded afterwards. Every failure is a 200 answer.
     */
    async test(ctx: CallContext, id: string): Promise<ConnectionTest> {
      const { integration, provider, conn } = await tenantTx(ctx, (tx) =>
        loadConnection(tx, ctx.tenantId, id),
      );
      const result = await testConnection(provider, conn);
      await tenantTx(ctx, async (tx) => {
        const [row] = await tx.db
          .select()
          .from(integrations)
          .where(and(eq(integrations.tenantId, ctx.tenantId), eq(integrations.id, integration.id)))
          .for('update');
        // Deleted, or given other credentials meanwhile: the outcome no longer describes it.
        if (row && row.credentialsCipher === integration.credentialsCipher)
          await record(tx, ctx, row, result);
      });
      return testJson(result);
    },

    /** Tests credentials that are not stored (the form before saving): nothing is written. */
    async testUnsaved(_ctx: CallContext, body: TestConnectionBody): Promise<ConnectionTest> {
      const provider = providerNamed(body.provider);
      const conn: ProviderConnection = {
        baseUrl: baseUrlFor(provider, body.base_url),
        auth: authOf(body.auth),
        options: body.options ?? {},
      };
      return testJson(await testConnection(provider, conn));
    },

    /** Registers the integration's webhooks in the ERP with its webhook URL; records when. */
    async registerWebhooks(ctx: CallContext, id: string): Promise<Integration> {
      const { integration, provider, conn } = await tenantTx(ctx, (tx) =>
        loadConnection(tx, ctx.tenantId, id),
      );
      let failure: Extract<ConnectionTestResult, { ok: false }> | undefined;
      try {
        await provider.registerWebhooks(
          { ...conn, signal: AbortSignal.timeout(PROVIDER_CALL_TIMEOUT_MS * 2) },
          webhookUrlOf(integration),
          integration.entities as SyncEntity[],
        );
      } catch (error) {
        failure = failureOf(error, conn);
      }
      const json = await tenantTx(ctx, async (tx) => {
        const row = await find(tx, ctx, id);
        if (failure) {
          if (REJECTED_CODES.has(failure.code)) await record(tx, ctx, row, failure);
          return undefined;
        }
        const [updated] = await tx.db
          .update(integrations)
          .set({ webhooksRegisteredAt: sql`now()`, updatedAt: new Date() })
          .where(and(eq(integrations.tenantId, ctx.tenantId), eq(integrations.id, id)))
          .returning();
        await audit(tx, ctx, 'register_webhooks', id, { after: { entities: row.entities } });
        return toJson(updated!);
      });
      if (json) return json;
      throw providerFailure(failure!);
    },
  };
}

/** A failed call to the ERP as an answer: rejected credentials 409, anything else 502. */
function providerFailure(failure: { code: string; message: string }): AppError {
  if (REJECTED_CODES.has(failure.code))
    return new AppError(409, 'INTEGRATION_CREDENTIALS_REJECTED', failure.message, {
      extensions: { provider_code: failure.code },
    });
  return new AppError(
    502,
    failure.code === 'unreachable' ? 'INTEGRATION_UNREACHABLE' : 'INTEGRATION_PROVIDER_ERROR',
    failure.message,
    { extensions: { provider_code: failure.code } },
  );
}

export type IntegrationsService = ReturnType<typeof createIntegrationsService>;

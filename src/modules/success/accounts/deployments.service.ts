import { and, count, desc, eq, gte, ilike, isNotNull, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { TenantDatabase, Tx } from '../../../platform/db/types.js';
import { conflict, validationFailed } from '../../../platform/http/errors.js';
import {
  defineResource,
  envelope,
  iso,
  likeEscape,
  tenantReadOf,
  tenantTxOf,
  type CallContext,
  type PageQuery,
} from '../../../platform/resource/index.js';
import { diff, writeAudit } from '../../identity/index.js';
import { customerScope } from '../scope.js';
import { deployments } from '../tables/deployments.tables.js';
import { addDays, customerNameOf, daysBetween, referencedCustomer, tenantToday } from './common.js';
import type {
  CreateDeploymentBody,
  Deployment,
  DeploymentListQuery,
  DeploymentStats,
  ExpiringDeployment,
  ExpiringQuery,
  ProductDeploymentsQuery,
  StatsQuery,
  UpdateDeploymentBody,
} from './deployments.schemas.js';

type Row = typeof deployments.$inferSelect;
type Named = Row & { customerName: string };
const ENTITY = 'deployment';

/** Selected with every deployment: its customer's name, in the same statement. */
const FIELDS = { customerName: customerNameOf(deployments.tenantId, deployments.customerId) };

/** Deployments are scoped by their customer's account manager (see scope.ts). */
export const deploymentResource = defineResource({
  table: deployments,
  name: 'Deployment',
  tenantId: deployments.tenantId,
  id: deployments.id,
  scope: (ctx) => customerScope(ctx.principal, deployments.customerId),
  sorts: {
    created_at: deployments.createdAt,
    updated_at: deployments.updatedAt,
    product_name: deployments.productName,
    deployment_date: deployments.deploymentDate,
    licence_expiry: deployments.licenceExpiry,
  },
});

export function toDeploymentJson(row: Named): Deployment {
  return {
    id: row.id,
    customer_id: row.customerId,
    customer_name: row.customerName,
    product_name: row.productName,
    version: row.version,
    environment: row.environment,
    deployment_date: row.deploymentDate,
    licence_type: row.licenceType,
    licence_expiry: row.licenceExpiry,
    is_active: row.isActive,
    // An inactive deployment is frozen until reactivated, so its last change is its deactivation.
    deactivated_at: row.isActive ? null : iso(row.updatedAt),
    notes: row.notes,
    created_by: row.createdBy,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

const trimmed = (value: string | null | undefined) => (typeof value === 'string' ? value.trim() : value);

function valuesOf(body: UpdateDeploymentBody): Partial<typeof deployments.$inferInsert> {
  const v: Partial<typeof deployments.$inferInsert> = {};
  if (body.product_name !== undefined) v.productName = body.product_name.trim();
  if (body.version !== undefined) v.version = trimmed(body.version);
  if (body.environment !== undefined) v.environment = body.environment;
  if (body.deployment_date !== undefined) v.deploymentDate = body.deployment_date;
  if (body.licence_type !== undefined) v.licenceType = trimmed(body.licence_type);
  if (body.licence_expiry !== undefined) v.licenceExpiry = body.licence_expiry;
  if (body.notes !== undefined) v.notes = body.notes;
  if (body.is_active !== undefined) v.isActive = body.is_active;
  return v;
}

function checkDates(deploymentDate: string | null | undefined, licenceExpiry: string | null | undefined) {
  if (deploymentDate && licenceExpiry && licenceExpiry < deploymentDate)
    throw validationFailed([{ path: '/body/licence_expiry', message: 'must not be before deployment_date' }]);
}

type Filters = Omit<DeploymentListQuery, keyof PageQuery>;

/** The filters of the deployment lists. */
function conditions(query: Partial<Filters>): (SQL | undefined)[] {
  const pattern = query.q ? `%${likeEscape(query.q)}%` : undefined;
  return [
    pattern
      ? or(
          ilike(deployments.productName, pattern),
          ilike(deployments.version, pattern),
          sql`${FIELDS.customerName} ilike ${pattern}`,
        )
      : undefined,
    query.customer_id ? eq(deployments.customerId, query.customer_id) : undefined,
    query.product_name
      ? sql`lower(${deployments.productName}) = lower(${query.product_name.trim()})`
      : undefined,
    query.environment ? eq(deployments.environment, query.environment) : undefined,
    query.licence_type ? eq(deployments.licenceType, query.licence_type.trim()) : undefined,
    query.is_active !== undefined ? eq(deployments.isActive, query.is_active) : undefined,
    query.licence_expiry_before ? lt(deployments.licenceExpiry, query.licence_expiry_before) : undefined,
  ];
}

const auditable = ({ created_at: _c, updated_at: _u, ...rest }: Deployment) => rest;

export function createDeploymentsService(deps: { db: TenantDatabase }) {
  const tenantTx = tenantTxOf(deps);
  const tenantRead = tenantReadOf(deps);

  const read = (tx: Tx, ctx: CallContext, id: string) =>
    deploymentResource.read<{ customerName: string }>(tx, ctx, id, FIELDS);

  async function page(ctx: CallContext, query: PageQuery & Partial<Filters>) {
    return tenantRead(ctx, async (tx) => {
      const rows = await deploymentResource.list<{ customerName: string }>(tx, ctx, query, {
        where: conditions(query),
        fields: FIELDS,
      });
      return envelope('deployments', rows, toDeploymentJson);
    });
  }

  /** Counts per value of one column, in the caller's scope. */
  async function countsBy(tx: Tx, column: AnyPgColumn, where: SQL) {
    const n = count();
    const rows = await tx.db
      .select({
        key: sql<string | null>`${column}`,
        n,
        active: sql<number>`count(*) filter (where ${deployments.isActive})`,
      })
      .from(deployments)
      .where(where)
      .groupBy(column)
      .orderBy(desc(n), sql`1`);
    return rows.map((r) => ({ key: r.key, total: Number(r.n), active: Number(r.active) }));
  }

  return {
    list: (ctx: CallContext, query: DeploymentListQuery) => page(ctx, query),

    byProduct: (ctx: CallContext, name: string, query: ProductDeploymentsQuery) =>
      page(ctx, { ...query, product_name: name }),

    get(ctx: CallContext, id: string): Promise<Deployment> {
      return tenantRead(ctx, async (tx) => toDeploymentJson(await read(tx, ctx, id)));
    },

    create(ctx: CallContext, body: CreateDeploymentBody): Promise<Deployment> {
      return tenantTx(ctx, async (tx) => {
        const customer = await referencedCustomer(tx, ctx.principal, body.customer_id, '/body/customer_id');
        checkDates(body.deployment_date, body.licence_expiry);
        const [row] = await tx.db
          .insert(deployments)
          .values({
            ...valuesOf(body),
            tenantId: ctx.tenantId,
            customerId: customer.id,
            productName: body.product_name.trim(),
            createdBy: ctx.principal.userId,
          })
          .returning();
        const json = toDeploymentJson({ ...row!, customerName: customer.name });
        await writeAudit(tx, ctx.audit, {
          tenantId: ctx.tenantId,
          action: `${ENTITY}.create`,
          entityType: ENTITY,
          entityId: row!.id,
          changes: { after: auditable(json) },
        });
        return json;
      });
    },

    /**
     * A partial change. An inactive deployment changes only when the same request reactivates it
     * (`is_active: true`), so its last change stays the moment it was deactivated.
     */
    update(ctx: CallContext, id: string, body: UpdateDeploymentBody): Promise<Deployment> {
      return tenantTx(ctx, async (tx) => {
        await deploymentResource.find(tx, ctx, id, { lock: true });
        const before = await read(tx, ctx, id);
        if (!before.isActive && body.is_active !== true)
          throw conflict(
            'DEPLOYMENT_INACTIVE',
            'The deployment is inactive; reactivate it (is_active: true) to change it.',
          );
        const values = valuesOf(body);
        checkDates(
          values.deploymentDate !== undefined ? values.deploymentDate : before.deploymentDate,
          values.licenceExpiry !== undefined ? values.licenceExpiry : before.licenceExpiry,
        );
        const [row] = await tx.db
          .update(deployments)
          .set({ ...values, updatedAt: new Date() })
          .where(and(eq(deployments.tenantId, ctx.tenantId), eq(deployments.id, id)))
          .returning();
        const json = toDeploymentJson({ ...row!, customerName: before.customerName });
        const action =
          before.isActive && !row!.isActive ? 'deactivate' : !before.isActive ? 'reactivate' : 'update';
        await writeAudit(tx, ctx.audit, {
          tenantId: ctx.tenantId,
          action: `${ENTITY}.${action}`,
          entityType: ENTITY,
          entityId: id,
          changes: diff(auditable(toDeploymentJson(before)), auditable(json)),
        });
        return json;
      });
    },

    /** DELETE deactivates: health scores, CSAT responses and interactions keep pointing at it. */
    deactivate(ctx: CallContext, id: string): Promise<void> {
      return tenantTx(ctx, async (tx) => {
        const before = await deploymentResource.find(tx, ctx, id, { lock: true });
        if (!before.isActive) return;
        await tx.db
          .update(deployments)
          .set({ isActive: false, updatedAt: new Date() })
          .where(and(eq(deployments.tenantId, ctx.tenantId), eq(deployments.id, id)));
        await writeAudit(tx, ctx.audit, {
          tenantId: ctx.tenantId,
          action: `${ENTITY}.deactivate`,
          entityType: ENTITY,
          entityId: id,
          changes: { before: { is_active: true }, after: { is_active: false } },
        });
      });
    },

    /**
     * Active deployments whose licence expires from today to today + `days` in the tenant's
     * calendar (both included), soonest first; with `include_expired` also those already expired.
     */
    expiring(ctx: CallContext, query: ExpiringQuery) {
      return tenantRead(ctx, async (tx) => {
        const { today } = await tenantToday(tx, ctx.tenantId);
        const rows = await deploymentResource.list<{ customerName: string }>(
          tx,
          ctx,
          { ...query, sort: 'licence_expiry' },
          {
            where: [
              eq(deployments.isActive, true),
              isNotNull(deployments.licenceExpiry),
              lte(deployments.licenceExpiry, addDays(today, query.days)),
              query.include_expired ? undefined : gte(deployments.licenceExpiry, today),
              query.customer_id ? eq(deployments.customerId, query.customer_id) : undefined,
            ],
            fields: FIELDS,
          },
        );
        return envelope('deployments', rows, (row): ExpiringDeployment => {
          const daysLeft = daysBetween(today, row.licenceExpiry!);
          return { ...toDeploymentJson(row), days_left: daysLeft, expired: daysLeft < 0 };
        });
      });
    },

    stats(ctx: CallContext, query: StatsQuery): Promise<DeploymentStats> {
      return tenantRead(ctx, async (tx) => {
        const where = deploymentResource.where(
          ctx,
          query.customer_id ? eq(deployments.customerId, query.customer_id) : undefined,
        );
        const products = await countsBy(tx, deployments.productName, where);
        const environments = await countsBy(tx, deployments.environment, where);
        const licences = await countsBy(tx, deployments.licenceType, where);
        const total = products.reduce((sum, r) => sum + r.total, 0);
        const active = products.reduce((sum, r) => sum + r.active, 0);
        return {
          total,
          active,
          inactive: total - active,
          by_product: products.map(({ key, ...n }) => ({ product_name: key!, ...n })),
          by_environment: environments.map(({ key, ...n }) => ({
            environment: key as Deployment['environment'],
            ...n,
          })),
          by_licence_type: licences.map(({ key, ...n }) => ({ licence_type: key, ...n })),
        };
      });
    },
  };
}

export type DeploymentsService = ReturnType<typeof createDeploymentsService>;

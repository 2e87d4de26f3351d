import { and, count, eq, ilike, like, or, sql } from 'drizzle-orm';
import type { TenantDatabase, Tx } from '../../../platform/db/types.js';
import { conflict, validationFailed } from '../../../platform/http/errors.js';
import { defineResource, envelope, tenantTxOf } from '../../../platform/resource/index.js';
import { uuidv7 } from '../../../lib/ids.js';
import { diff, writeAudit } from '../audit.js';
import { orgUnits, teams } from '../tables/org.tables.js';
import { likeEscape, type CallContext } from '../directory/context.js';
import type { CreateOrgUnitBody, OrgUnit, OrgUnitListQuery, UpdateOrgUnitBody } from './org-units.schemas.js';

type Row = typeof orgUnits.$inferSelect;

export function toOrgUnitJson(row: Row): OrgUnit {
  return {
    id: row.id,
    parent_id: row.parentId,
    name: row.name,
    code: row.code,
    type: row.type,
    path: row.path,
    depth: row.depth,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

/** Nests a flat list (ordered by path) under its roots; units whose parent is absent become roots. */
export function nest(units: OrgUnit[]): OrgUnit[] {
  const byId = new Map(units.map((u) => [u.id, { ...u, children: [] as OrgUnit[] }]));
  const roots: OrgUnit[] = [];
  for (const unit of byId.values()) {
    const parent = unit.parent_id ? byId.get(unit.parent_id) : undefined;
    (parent ? parent.children! : roots).push(unit);
  }
  return roots;
}

const auditable = (u: OrgUnit) => ({
  name: u.name,
  code: u.code,
  type: u.type,
  parent_id: u.parent_id,
  path: u.path,
});

/** Units in path order: a parent before its subtree (the path ends with the id, so it is unique). */
const orgUnitResource = defineResource({
  table: orgUnits,
  name: 'Org unit',
  tenantId: orgUnits.tenantId,
  id: orgUnits.id,
  sorts: { path: orgUnits.path },
});

/**
 * The org tree with a materialised path (`/root/…/id/`): a subtree is a prefix match, a move
 * rewrites the moved unit's and all descendants' paths in one statement.
 */
export function createOrgUnitsService(deps: { db: TenantDatabase }) {
  const tenantTx = tenantTxOf(deps);

  /** The parent a body names: a unit of the tenant, or 422 (a reference, not the addressed unit). */
  async function parentOf(tx: Tx, tenantId: string, parentId: string | null | undefined) {
    if (!parentId) return undefined;
    const [parent] = await tx.db
      .select()
      .from(orgUnits)
      .where(and(eq(orgUnits.tenantId, tenantId), eq(orgUnits.id, parentId)));
    if (!parent) throw validationFailed([{ path: '/body/parent_id', message: 'no such org unit' }]);
    return parent;
  }

  return {
    list(ctx: CallContext, query: OrgUnitListQuery) {
      return tenantTx(ctx, async (tx) => {
        const under = query.under ? await orgUnitResource.find(tx, ctx, query.under) : undefined;
        const pattern = query.q ? `%${likeEscape(query.q)}%` : undefined;
        const page = await orgUnitResource.list(
          tx,
          ctx,
          { ...query, sort: 'path' },
          {
            where: [
              query.parent_id ? eq(orgUnits.parentId, query.parent_id) : undefined,
              under ? like(orgUnits.path, `${under.path}%`) : undefined,
              pattern ? or(ilike(orgUnits.name, pattern), ilike(orgUnits.code, pattern)) : undefined,
            ],
          },
        );
        const units = page.rows.map(toOrgUnitJson);
        return envelope('org_units', { ...page, rows: query.tree ? nest(units) : units }, (unit) => unit);
      });
    },

    get(ctx: CallContext, id: string) {
      return tenantTx(ctx, async (tx) => toOrgUnitJson(await orgUnitResource.find(tx, ctx, id)));
    },

    create(ctx: CallContext, body: CreateOrgUnitBody) {
      return tenantTx(ctx, async (tx) => {
        const parent = await parentOf(tx, ctx.tenantId, body.parent_id);
        const id = uuidv7();
        const [row] = await tx.db
          .insert(orgUnits)
          .values({
            tenantId: ctx.tenantId,
            id,
            parentId: parent?.id ?? null,
            name: body.name,
            code: body.code ?? null,
            type: body.type ?? 'unit',
            path: `${parent?.path ?? '/'}${id}/`,
            depth: parent ? parent.depth + 1 : 0,
          })
          .returning();
        const unit = toOrgUnitJson(row!);
        await writeAudit(tx, ctx.audit, {
          tenantId: ctx.tenantId,
          action: 'org_unit.create',
          entityType: 'org_unit',
          entityId: id,
          changes: diff(undefined, auditable(unit)),
        });
        return unit;
      });
    },

    update(ctx: CallContext, id: string, body: UpdateOrgUnitBody) {
      return tenantTx(ctx, async (tx) => {
        const current = await orgUnitResource.find(tx, ctx, id, { lock: true });
        const before = toOrgUnitJson(current);
        const moving = body.parent_id !== undefined && body.parent_id !== current.parentId;
        if (moving) {
          const parent = await parentOf(tx, ctx.tenantId, body.parent_id);
          if (parent && parent.path.startsWith(current.path))
            throw conflict('ORG_UNIT_CYCLE', 'An org unit cannot move under itself or its own descendant.');
          const newPath = `${parent?.path ?? '/'}${id}/`;
          const delta = (parent ? parent.depth + 1 : 0) - current.depth;
          // The unit and its whole subtree, in one statement.
          await tx.db
            .update(orgUnits)
            .set({
              path: sql`${newPath} || substr(${orgUnits.path}, ${current.path.length + 1})`,
              depth: sql`${orgUnits.depth} + ${delta}`,
              updatedAt: new Date(),
            })
            .where(and(eq(orgUnits.tenantId, ctx.tenantId), like(orgUnits.path, `${current.path}%`)));
        }
        const [row] = await tx.db
          .update(orgUnits)
          .set({
            name: body.name,
            code: body.code,
            type: body.type,
            parentId: moving ? (body.parent_id ?? null) : undefined,
            updatedAt: new Date(),
          })
          .where(and(eq(orgUnits.tenantId, ctx.tenantId), eq(orgUnits.id, id)))
          .returning();
        const after = toOrgUnitJson(row!);
        await writeAudit(tx, ctx.audit, {
          tenantId: ctx.tenantId,
          action: moving ? 'org_unit.move' : 'org_unit.update',
          entityType: 'org_unit',
          entityId: id,
          changes: diff(auditable(before), auditable(after)),
        });
        return after;
      });
    },

    remove(ctx: CallContext, id: string) {
      return tenantTx(ctx, async (tx) => {
        const current = await orgUnitResource.find(tx, ctx, id, { lock: true });
        const [children] = await tx.db
          .select({ n: count() })
          .from(orgUnits)
          .where(and(eq(orgUnits.tenantId, ctx.tenantId), eq(orgUnits.parentId, id)));
        const [teamCount] = await tx.db
          .select({ n: count() })
          .from(teams)
          .where(and(eq(teams.tenantId, ctx.tenantId), eq(teams.orgUnitId, id)));
        if (Number(children?.n) > 0 || Number(teamCount?.n) > 0)
          throw conflict('ORG_UNIT_NOT_EMPTY', 'The org unit still has child units or teams.');
        // Users assigned to the unit lose the assignment: users' (tenant_id, org_unit_id) key is
        // ON DELETE SET NULL (org_unit_id).
        await tx.db.delete(orgUnits).where(and(eq(orgUnits.tenantId, ctx.tenantId), eq(orgUnits.id, id)));
        await writeAudit(tx, ctx.audit, {
          tenantId: ctx.tenantId,
          action: 'org_unit.delete',
          entityType: 'org_unit',
          entityId: id,
          changes: { before: auditable(toOrgUnitJson(current)) },
        });
      });
    },
  };
}

export type OrgUnitsService = ReturnType<typeof createOrgUnitsService>;

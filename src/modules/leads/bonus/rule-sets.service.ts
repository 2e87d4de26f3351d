import { and, asc, eq, inArray, ne, sql } from 'drizzle-orm';
import type { TenantDatabase, Tx } from '../../../platform/db/types.js';
import { conflict, notFound, validationFailed } from '../../../platform/http/errors.js';
import { defineResource, envelope, tenantTxOf, type CallContext } from '../../../platform/resource/index.js';
import { tenantSettingsOf, writeAudit } from '../../identity/index.js';
import { bonusRules, bonusRuleSets, bonusRuns } from '../tables/bonus.tables.js';
import type { RuleDef } from './compute.js';
import type {
  CreateRuleBody,
  CreateRuleSetBody,
  Rule,
  RuleSet,
  RuleSetListQuery,
  UpdateRuleBody,
  UpdateRuleSetBody,
} from './bonus.schemas.js';
import { checkRule, ruleDefOf } from './rule-validation.js';

type SetRow = typeof bonusRuleSets.$inferSelect;
type RuleRow = typeof bonusRules.$inferSelect;

export const ruleSetResource = defineResource({
  table: bonusRuleSets,
  name: 'Bonus rule set',
  tenantId: bonusRuleSets.tenantId,
  id: bonusRuleSets.id,
  sorts: {
    created_at: bonusRuleSets.createdAt,
    name: bonusRuleSets.name,
    valid_from: bonusRuleSets.validFrom,
  },
});

const lockedSql = sql<boolean>`exists (select 1 from ${bonusRuns} r where r.tenant_id = ${bonusRuleSets.tenantId}
  and r.rule_set_id = ${bonusRuleSets.id} and r.status in ('approved', 'paid'))`;

const toSetJson = (row: SetRow, locked: boolean): RuleSet => ({
  id: row.id,
  name: row.name,
  description: row.description,
  valid_from: row.validFrom,
  valid_to: row.validTo,
  active: row.active,
  currency: row.currency,
  locked,
  created_at: row.createdAt.toISOString(),
  updated_at: row.updatedAt.toISOString(),
});

export const ruleDefFromRow = (r: RuleRow): RuleDef => ({
  id: r.id,
  code: r.code,
  name: r.name,
  type: r.type,
  priority: r.priority,
  amount_type: r.amountType,
  amount: r.amount,
  basis: r.basis,
  target: r.target,
  tiers: r.tiers as RuleDef['tiers'],
  conditions: r.conditions as RuleDef['conditions'],
  cap_per_item: r.capPerItem,
  cap_per_agent: r.capPerAgent,
});

const toRuleJson = (r: RuleRow): Rule => {
  const { id: _id, ...def } = ruleDefFromRow(r);
  return {
    ...def,
    id: r.id,
    rule_set_id: r.ruleSetId,
    active: r.active,
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
  };
};

/** The active rules of a set in priority order: what a run computes with. */
export async function activeRulesOf(tx: Tx, tenantId: string, setId: string): Promise<RuleDef[]> {
  const rows = await tx.db
    .select()
    .from(bonusRules)
    .where(
      and(eq(bonusRules.tenantId, tenantId), eq(bonusRules.ruleSetId, setId), eq(bonusRules.active, true)),
    )
    .orderBy(asc(bonusRules.priority));
  return rows.map(ruleDefFromRow);
}

async function isLocked(tx: Tx, tenantId: string, setId: string): Promise<boolean> {
  const [row] = await tx.db
    .select({ id: bonusRuns.id })
    .from(bonusRuns)
    .where(
      and(
        eq(bonusRuns.tenantId, tenantId),
        eq(bonusRuns.ruleSetId, setId),
        inArray(bonusRuns.status, ['approved', 'paid']),
      ),
    )
    .limit(1);
  return Boolean(row);
}

/**
 * At most one active set covers any day. Checked under a per-tenant transaction lock, so two
 * concurrent writes cannot both pass; an open end (null date) reaches to infinity.
 */
async function checkOverlap(tx: Tx, tenantId: string, set: SetRow) {
  if (!set.active) return;
  await tx.db.execute(sql`select pg_advisory_xact_lock(hashtext(${`bonus_rule_sets:${tenantId}`}))`);
  const [other] = await tx.db
    .select({ id: bonusRuleSets.id, name: bonusRuleSets.name })
    .from(bonusRuleSets)
    .where(
      and(
        eq(bonusRuleSets.tenantId, tenantId),
        ne(bonusRuleSets.id, set.id),
        eq(bonusRuleSets.active, true),
        sql`(${bonusRuleSets.validFrom} is null or ${set.validTo}::date is null or ${bonusRuleSets.validFrom} <= ${set.validTo}::date)`,
        sql`(${bonusRuleSets.validTo} is null or ${set.validFrom}::date is null or ${set.validFrom}::date <= ${bonusRuleSets.validTo})`,
      ),
    )
    .limit(1);
  if (other)
    throw conflict(
      'RULE_SET_OVERLAP',
      `The active rule set "${other.name}" (${other.id}) covers some of these days.`,
    );
}

export function createRuleSetsService(deps: { db: TenantDatabase }) {
  const tenantTx = tenantTxOf(deps);

  /** The set, locked for a change; 409 once an approved run used it. */
  async function forChange(tx: Tx, ctx: CallContext, id: string) {
    const set = await ruleSetResource.find(tx, ctx, id, { lock: true });
    if (await isLocked(tx, ctx.tenantId, id))
      throw conflict('RULE_SET_LOCKED', 'An approved bonus run used this rule set; it can no longer change.');
    return set;
  }
  const audit = (tx: Tx, ctx: CallContext, action: string, entityId: string, changes: object) =>
    writeAudit(tx, ctx.audit, {
      tenantId: ctx.tenantId,
      action,
      entityType: 'bonus_rule_set',
      entityId,
      changes,
    });
  const checkDates = (from: string | null, to: string | null) => {
    if (from && to && to < from) throw validationFailedAt('/body/valid_to', 'must not be before valid_from');
  };

  async function findRule(tx: Tx, ctx: CallContext, setId: string, ruleId: string) {
    const [row] = await tx.db
      .select()
      .from(bonusRules)
      .where(
        and(
          eq(bonusRules.tenantId, ctx.tenantId),
          eq(bonusRules.ruleSetId, setId),
          eq(bonusRules.id, ruleId),
        ),
      );
    if (!row) throw notFound('Bonus rule');
    return row;
  }

  return {
    list: (ctx: CallContext, query: RuleSetListQuery) =>
      tenantTx(ctx, async (tx) => {
        const page = await ruleSetResource.list(tx, ctx, query, {
          where: [query.active === undefined ? undefined : eq(bonusRuleSets.active, query.active)],
          fields: { locked: lockedSql },
        });
        return envelope('bonus_rule_sets', page, (r) =>
          toSetJson(r, Boolean((r as { locked?: boolean }).locked)),
        );
      }),
    get: (ctx: CallContext, id: string) =>
      tenantTx(ctx, async (tx) =>
        toSetJson(await ruleSetResource.find(tx, ctx, id), await isLocked(tx, ctx.tenantId, id)),
      ),
    create: (ctx: CallContext, body: CreateRuleSetBody) =>
      tenantTx(ctx, async (tx) => {
        checkDates(body.valid_from ?? null, body.valid_to ?? null);
        const currency = body.currency ?? (await tenantSettingsOf(tx, ctx.tenantId)).currency;
        const [row] = await tx.db
          .insert(bonusRuleSets)
          .values({
            tenantId: ctx.tenantId,
            name: body.name,
            description: body.description ?? null,
            validFrom: body.valid_from ?? null,
            validTo: body.valid_to ?? null,
            active: body.active ?? true,
            currency,
            createdBy: ctx.principal.userId,
          })
          .returning();
        await checkOverlap(tx, ctx.tenantId, row!);
        const json = toSetJson(row!, false);
        await audit(tx, ctx, 'bonus_rule_set.create', row!.id, { after: json });
        return json;
      }),
    update: (ctx: CallContext, id: string, body: UpdateRuleSetBody) =>
      tenantTx(ctx, async (tx) => {
        const before = await forChange(tx, ctx, id);
        const next = {
          name: body.name ?? before.name,
          description: body.description !== undefined ? body.description : before.description,
          validFrom: body.valid_from !== undefined ? body.valid_from : before.validFrom,
          validTo: body.valid_to !== undefined ? body.valid_to : before.validTo,
          active: body.active ?? before.active,
          currency: body.currency ?? before.currency,
        };
        checkDates(next.validFrom, next.validTo);
        const [row] = await tx.db
          .update(bonusRuleSets)
          .set({ ...next, updatedAt: new Date() })
          .where(and(eq(bonusRuleSets.tenantId, ctx.tenantId), eq(bonusRuleSets.id, id)))
          .returning();
        await checkOverlap(tx, ctx.tenantId, row!);
        const json = toSetJson(row!, false);
        await audit(tx, ctx, 'bonus_rule_set.update', id, { before: toSetJson(before, false), after: json });
        return json;
      }),
    remove: (ctx: CallContext, id: string) =>
      tenantTx(ctx, async (tx) => {
        const before = await forChange(tx, ctx, id);
        const [run] = await tx.db
          .select({ id: bonusRuns.id })
          .from(bonusRuns)
          .where(and(eq(bonusRuns.tenantId, ctx.tenantId), eq(bonusRuns.ruleSetId, id)))
          .limit(1);
        if (run) throw conflict('RULE_SET_IN_USE', 'Bonus runs used this rule set; deactivate it instead.');
        await tx.db
          .delete(bonusRuleSets)
          .where(and(eq(bonusRuleSets.tenantId, ctx.tenantId), eq(bonusRuleSets.id, id)));
        await audit(tx, ctx, 'bonus_rule_set.delete', id, { before: toSetJson(before, false) });
      }),

    listRules: (ctx: CallContext, setId: string) =>
      tenantTx(ctx, async (tx) => {
        await ruleSetResource.find(tx, ctx, setId);
        const rows = await tx.db
          .select()
          .from(bonusRules)
          .where(and(eq(bonusRules.tenantId, ctx.tenantId), eq(bonusRules.ruleSetId, setId)))
          .orderBy(asc(bonusRules.priority));
        return { rules: rows.map(toRuleJson) };
      }),
    getRule: (ctx: CallContext, setId: string, ruleId: string) =>
      tenantTx(ctx, async (tx) => {
        await ruleSetResource.find(tx, ctx, setId);
        return toRuleJson(await findRule(tx, ctx, setId, ruleId));
      }),
    createRule: (ctx: CallContext, setId: string, body: CreateRuleBody) =>
      tenantTx(ctx, async (tx) => {
        await forChange(tx, ctx, setId);
        const def = ruleDefOf(body);
        checkRule(def);
        const [row] = await tx.db
          .insert(bonusRules)
          .values({
            tenantId: ctx.tenantId,
            ruleSetId: setId,
            ...columnsOf(def),
            active: body.active ?? true,
          })
          .returning();
        const json = toRuleJson(row!);
        await audit(tx, ctx, 'bonus_rule.create', setId, { after: json });
        return json;
      }),
    updateRule: (ctx: CallContext, setId: string, ruleId: string, body: UpdateRuleBody) =>
      tenantTx(ctx, async (tx) => {
        await forChange(tx, ctx, setId);
        const before = await findRule(tx, ctx, setId, ruleId);
        const { id: _id, ...current } = ruleDefFromRow(before);
        const def = ruleDefOf({ ...current, ...body } as CreateRuleBody, ruleId);
        checkRule(def);
        const [row] = await tx.db
          .update(bonusRules)
          .set({ ...columnsOf(def), active: body.active ?? before.active, updatedAt: new Date() })
          .where(and(eq(bonusRules.tenantId, ctx.tenantId), eq(bonusRules.id, ruleId)))
          .returning();
        const json = toRuleJson(row!);
        await audit(tx, ctx, 'bonus_rule.update', setId, { before: toRuleJson(before), after: json });
        return json;
      }),
    removeRule: (ctx: CallContext, setId: string, ruleId: string) =>
      tenantTx(ctx, async (tx) => {
        await forChange(tx, ctx, setId);
        const before = await findRule(tx, ctx, setId, ruleId);
        await tx.db
          .delete(bonusRules)
          .where(and(eq(bonusRules.tenantId, ctx.tenantId), eq(bonusRules.id, ruleId)));
        await audit(tx, ctx, 'bonus_rule.delete', setId, { before: toRuleJson(before) });
      }),
  };
}

function columnsOf(def: RuleDef) {
  return {
    code: def.code,
    name: def.name,
    type: def.type,
    priority: def.priority,
    amountType: def.amount_type,
    amount: def.amount,
    basis: def.basis,
    target: def.target,
    tiers: def.tiers,
    conditions: def.conditions,
    capPerItem: def.cap_per_item,
    capPerAgent: def.cap_per_agent,
  };
}

const validationFailedAt = (path: string, message: string) => validationFailed([{ path, message }]);

export type RuleSetsService = ReturnType<typeof createRuleSetsService>;

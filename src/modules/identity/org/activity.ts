import { selectRows } from '../../../platform/db/rows.js';
import { and, asc, count, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import { Type, type Static } from 'typebox';
import type { TenantDatabase, Tx } from '../../../platform/db/types.js';
import type { ActivityCounter } from '../../../platform/module.js';
import { IsoDateTime, PaginationQuery, Uuid } from '../../../platform/http/schemas.js';
import { validationFailed } from '../../../platform/http/errors.js';
import { auditLog } from '../tables/audit.tables.js';
import { users } from '../tables/users.tables.js';
import { userResource, userSummaryColumns } from '../directory/users.repository.js';
import { inTenant, iso, type CallContext } from '../directory/context.js';

/** The audit actions that count as a successful sign-in. */
export const LOGIN_ACTIONS = ['auth.login'] as const;

/**
 * Modules declare their counts in `SalesOpsModule.activityCounters` (see `ActivityCounter` in
 * platform/module.ts); the platform collects them into `platform.activityCounters`, and the report
 * runs each inside the caller's tenant transaction (RLS applies).
 */
export type { ActivityCounter };

export const ActivityQuery = Type.Object({
  ...PaginationQuery.properties,
  from: Type.Optional(Type.Union([IsoDateTime], { description: 'Inclusive; default 30 days ago' })),
  to: Type.Optional(Type.Union([IsoDateTime], { description: 'Exclusive; default now' })),
});
export type ActivityQuery = Static<typeof ActivityQuery>;

export const UserActivity = Type.Object({
  user_id: Uuid,
  email: Type.String(),
  first_name: Type.String(),
  last_name: Type.String(),
  status: Type.String(),
  last_login_at: Type.Union([IsoDateTime, Type.Null()]),
  logins: Type.Integer({ minimum: 0 }),
  actions: Type.Integer({ minimum: 0, description: 'Audited writes by the user, sign-ins excluded' }),
  counts: Type.Record(Type.String(), Type.Integer(), { description: 'Counts registered by modules' }),
});

export const ActivityResponse = Type.Object({
  from: IsoDateTime,
  to: IsoDateTime,
  users: Type.Array(UserActivity),
  total: Type.Integer({ minimum: 0 }),
  limit: Type.Integer({ minimum: 1 }),
  offset: Type.Integer({ minimum: 0 }),
});

/** Sign-ins and audited writes per user of `userIds` in `[from, to)` (the actor index serves it). */
async function auditCounts(tx: Tx, tenantId: string, userIds: string[], from: Date, to: Date) {
  const rows = await tx.db
    .select({
      userId: auditLog.actorUserId,
      logins: sql<number>`count(*) filter (where ${inArray(auditLog.action, [...LOGIN_ACTIONS])})::int`,
      actions: sql<number>`count(*) filter (where ${auditLog.action} not like 'auth.%')::int`,
    })
    .from(auditLog)
    .where(
      and(
        eq(auditLog.tenantId, tenantId),
        inArray(auditLog.actorUserId, userIds),
        gte(auditLog.at, from),
        lt(auditLog.at, to),
      ),
    )
    .groupBy(auditLog.actorUserId);
  return new Map(rows.map((r) => [r.userId!, { logins: Number(r.logins), actions: Number(r.actions) }]));
}

export function createActivityService(deps: { db: TenantDatabase; counters: readonly ActivityCounter[] }) {
  return {
    report(ctx: CallContext, query: ActivityQuery) {
      const to = query.to ? new Date(query.to) : new Date();
      const from = query.from ? new Date(query.from) : new Date(to.getTime() - 30 * 86_400_000);
      if (from >= to) throw validationFailed([{ path: '/query/from', message: 'must be before to' }]);
      return inTenant(deps, ctx, async (tx) => {
        // The page of users first; every count below then runs for these users only.
        const inScope = userResource.where(ctx);
        const page = await tx.db
          .select({ ...userSummaryColumns, lastLoginAt: users.lastLoginAt })
          .from(users)
          .where(inScope)
          .orderBy(asc(users.lastName), asc(users.firstName), asc(users.id))
          .limit(query.limit + 1)
          .offset(query.offset);
        const more = page.length > query.limit;
        if (more) page.length = query.limit;
        const ids = page.map((u) => u.id);
        // The total is the page's own arithmetic unless more users follow.
        const total =
          more || (page.length === 0 && query.offset > 0)
            ? Number((await tx.db.select({ n: count() }).from(users).where(inScope))[0]?.n ?? 0)
            : query.offset + page.length;
        const audited = ids.length > 0 ? await auditCounts(tx, ctx.tenantId, ids, from, to) : new Map();
        const counts = new Map<string, Record<string, number>>();
        for (const counter of ids.length > 0 ? deps.counters : []) {
          const found = await selectRows<{ user_id: string; n: number | string }>(
            tx,
            counter.query({ tenantId: ctx.tenantId, from, to, userIds: ids }),
          );
          for (const c of found)
            counts.set(c.user_id, { ...(counts.get(c.user_id) ?? {}), [counter.key]: Number(c.n) });
        }
        const keys = deps.counters.map((counter) => counter.key);
        return {
          from: from.toISOString(),
          to: to.toISOString(),
          users: page.map((u) => ({
            user_id: u.id,
            email: u.email,
            first_name: u.firstName,
            last_name: u.lastName,
            status: u.status,
            last_login_at: iso(u.lastLoginAt),
            logins: audited.get(u.id)?.logins ?? 0,
            actions: audited.get(u.id)?.actions ?? 0,
            counts: Object.fromEntries(keys.map((k) => [k, counts.get(u.id)?.[k] ?? 0])),
          })),
          total,
          limit: query.limit,
          offset: query.offset,
        };
      });
    },
  };
}

export type ActivityService = ReturnType<typeof createActivityService>;

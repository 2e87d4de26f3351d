import { sql } from 'drizzle-orm';
import { Type, type Static } from 'typebox';
import type { TenantDatabase } from '../../../platform/db/types.js';
import type { ActivityCounter } from '../../../platform/module.js';
import { IsoDateTime, PaginationQuery, Uuid } from '../../../platform/http/schemas.js';
import { validationFailed } from '../../../platform/http/errors.js';
import { scopePredicate } from '../scope.js';
import { users } from '../tables/users.tables.js';
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

interface Row extends Record<string, unknown> {
  id: string;
  email: string;
  first_name: string;
  last_name: string;
  status: string;
  last_login_at: Date | string | null;
  logins: number | string;
  actions: number | string;
  total: number | string;
}

export function createActivityService(deps: { db: TenantDatabase; counters: readonly ActivityCounter[] }) {
  return {
    report(ctx: CallContext, query: ActivityQuery) {
      const to = query.to ? new Date(query.to) : new Date();
      const from = query.from ? new Date(query.from) : new Date(to.getTime() - 30 * 86_400_000);
      if (from >= to) throw validationFailed([{ path: '/query/from', message: 'must be before to' }]);
      return inTenant(deps, ctx, async (tx) => {
        const scope = scopePredicate(ctx.principal, users.id);
        const logins = sql.join(
          LOGIN_ACTIONS.map((a) => sql`${a}`),
          sql`, `,
        );
        const result = await tx.db.execute(sql`
          select u.id, u.email, u.first_name, u.last_name, u.status, u.last_login_at,
            coalesce(a.logins, 0) as logins, coalesce(a.actions, 0) as actions, count(*) over () as total
          from ${users} u
          left join lateral (
            select count(*) filter (where l.action in (${logins})) as logins,
                   count(*) filter (where l.action not like 'auth.%') as actions
            from audit_log l
            where l.tenant_id = u.tenant_id and l.actor_user_id = u.id and l.at >= ${from} and l.at < ${to}
          ) a on true
          where u.tenant_id = ${ctx.tenantId} ${scope ? sql`and ${sql.raw('u.id')} in (select ${users.id} from ${users} where ${scope})` : sql``}
          order by u.last_name, u.first_name, u.id
          limit ${query.limit} offset ${query.offset}`);
        const rows = (Array.isArray(result) ? result : (result as { rows: Row[] }).rows) as Row[];
        const counts = new Map<string, Record<string, number>>();
        const ids = rows.map((r) => r.id);
        for (const counter of deps.counters) {
          if (ids.length === 0) break;
          const res = await tx.db.execute(counter.query({ tenantId: ctx.tenantId, from, to }));
          const countRows = (Array.isArray(res) ? res : (res as { rows: unknown[] }).rows) as {
            user_id: string;
            n: number | string;
          }[];
          for (const c of countRows)
            counts.set(c.user_id, { ...(counts.get(c.user_id) ?? {}), [counter.key]: Number(c.n) });
        }
        const keys = deps.counters.map((counter) => counter.key);
        return {
          from: from.toISOString(),
          to: to.toISOString(),
          users: rows.map((r) => ({
            user_id: r.id,
            email: r.email,
            first_name: r.first_name,
            last_name: r.last_name,
            status: r.status,
            last_login_at: r.last_login_at ? iso(new Date(r.last_login_at)) : null,
            logins: Number(r.logins),
            actions: Number(r.actions),
            counts: Object.fromEntries(keys.map((k) => [k, counts.get(r.id)?.[k] ?? 0])),
          })),
          total: Number(rows[0]?.total ?? 0),
          limit: query.limit,
          offset: query.offset,
        };
      });
    },
  };
}

export type ActivityService = ReturnType<typeof createActivityService>;

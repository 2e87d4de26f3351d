import { sql } from 'drizzle-orm';
import type { Tx } from '../../../platform/db/types.js';
import type { Platform } from '../../../platform/module.js';
import type { CallContext } from '../../../platform/resource/index.js';
import { principalOfUser, tenantSettingsOf } from '../../identity/index.js';
import { localDate, startOfLocalDay } from '../clock.js';
import { addDays } from '../kpi/kpi-days.js';
import { createCampaignsService } from '../campaigns/campaigns.service.js';
import { createSourcesService } from '../campaigns/sources.service.js';

/** The moment of seeding and the tenant's calendar around it; every stored time is capped by `now`. */
export interface DemoClock {
  now: Date;
  timeZone: string;
  /** Today's local date, YYYY-MM-DD. */
  today: string;
  /** The instant `minutes` after local midnight of `day`. */
  at(day: string, minutes: number): Date;
  /** `day` moved by `n` days. */
  day(n: number): string;
}

export function demoClock(now: Date, timeZone: string): DemoClock {
  const today = localDate(now, timeZone);
  return {
    now,
    timeZone,
    today,
    at: (day, minutes) => new Date(startOfLocalDay(day, timeZone).getTime() + minutes * 60_000),
    day: (n) => addDays(today, n),
  };
}

export interface DemoAgent {
  id: string;
  username: string;
  ctx: CallContext;
}

export interface DemoRefs {
  tenantId: string;
  admin: CallContext;
  agents: DemoAgent[];
  outlets: { id: string; code: string }[];
  products: string[];
  currency: string;
}

const auditOf = (userId: string, tenantId: string) => ({
  actorUserId: userId,
  actorTenantId: tenantId,
  impersonated: false,
  ip: null,
  userAgent: null,
  requestId: null,
});

/** Acting as a demo user: their live roles and data scope, audited as them. */
async function contextOf(tx: Tx, tenantId: string, userId: string): Promise<CallContext> {
  const principal = await principalOfUser(tx, tenantId, userId);
  if (!principal) throw new Error(`Demo user ${userId} is not active`);
  return { principal, tenantId, audit: auditOf(userId, tenantId) };
}

const USERS_WITH_ROLE = `select u.id, u.username from users u
  join user_roles ur on ur.tenant_id = u.tenant_id and ur.user_id = u.id
  join roles r on r.tenant_id = ur.tenant_id and r.id = ur.role_id
  where u.tenant_id = $1 and r.key = $2 and u.status = 'active' order by u.email`;

/** The demo tenant's admin, agents, outlets and products; undefined when any is missing. */
export async function loadRefs(platform: Platform, tenantId: string): Promise<DemoRefs | undefined> {
  return platform.db.withTenant({ tenantId }, async (tx) => {
    const admins = await tx.sql.query<{ id: string }>(USERS_WITH_ROLE, [tenantId, 'admin']);
    const agents = await tx.sql.query<{ id: string; username: string }>(USERS_WITH_ROLE, [tenantId, 'agent']);
    const outlets = await tx.sql.query<{ id: string; code: string }>(
      'select id, code from outlets where tenant_id = $1 and archived_at is null order by code',
      [tenantId],
    );
    const products = await tx.sql.query<{ id: string }>(
      'select id from products where tenant_id = $1 and archived_at is null order by code limit 6',
      [tenantId],
    );
    if (!admins.rows[0] || !agents.rows.length || !outlets.rows.length || !products.rows.length)
      return undefined;
    return {
      tenantId,
      admin: await contextOf(tx, tenantId, admins.rows[0].id),
      agents: await Promise.all(
        agents.rows.map(async (a) => ({ ...a, ctx: await contextOf(tx, tenantId, a.id) })),
      ),
      outlets: outlets.rows,
      products: products.rows.map((p) => p.id),
      currency: (await tenantSettingsOf(tx, tenantId)).currency,
    };
  });
}

export interface DemoCampaigns {
  /** Running over the last two months, with a budget. */
  active: { id: string; outlets: string[]; products: string[] };
  /** Ran before it and ended a month ago. */
  ended: { id: string; outlets: string[]; products: string[]; endDate: string };
  sources: Record<(typeof SOURCES)[number][0], string>;
}

const SOURCES = [
  ['WALK-IN', 'Walk-in', 'Came into the shop on their own'],
  ['PARTNER', 'Partner outlet', 'Sent by a partner outlet'],
  ['STREET', 'Street team', 'Met by the street promotion team'],
  ['REFERRAL', 'Referral', 'Recommended by an earlier customer'],
] as const;

/**
 * Two campaigns and four attribution sources through their services (validation, audit), found
 * by code when an earlier start created them. Their creation is dated the morning the demo's
 * first campaign began, as if set up then.
 */
export async function ensureCampaigns(
  platform: Platform,
  refs: DemoRefs,
  clock: DemoClock,
): Promise<DemoCampaigns> {
  const deps = { db: platform.db, jobs: platform.jobs };
  const campaignsService = createCampaignsService(deps);
  const sourcesService = createSourcesService(deps);
  const codes = await platform.db.withTenant({ tenantId: refs.tenantId }, async (tx) => ({
    campaigns: (await tx.sql.query<{ id: string; code: string }>('select id, code from campaigns')).rows,
    sources: (await tx.sql.query<{ id: string; code: string }>('select id, code from attribution_sources'))
      .rows,
  }));
  const idOf = (rows: { id: string; code: string }[], code: string) => rows.find((r) => r.code === code)?.id;
  const outlets = refs.outlets.map((o) => o.id);
  const active = {
    outlets: outlets.slice(0, Math.max(1, Math.ceil(outlets.length * 0.7))),
    products: refs.products.slice(0, 3),
  };
  const ended = { outlets: outlets.slice(Math.floor(outlets.length / 2)), products: refs.products.slice(2) };
  const endDate = clock.day(-31);
  const activeId =
    idOf(codes.campaigns, 'SPRING-PHONES') ??
    (
      await campaignsService.create(refs.admin, {
        code: 'SPRING-PHONES',
        name: 'Spring smartphone promotion',
        description: 'Instalment offers on the new smartphone line at partner shops',
        start_date: clock.day(-61),
        end_date: clock.day(30),
        budget: '150000000.00',
        product_ids: active.products,
        outlet_ids: active.outlets,
      })
    ).id;
  const endedId =
    idOf(codes.campaigns, 'WINTER-BUNDLE') ??
    (
      await campaignsService.create(refs.admin, {
        code: 'WINTER-BUNDLE',
        name: 'Winter accessories bundle',
        description: 'Accessories bundled with every sale; ended after six weeks',
        start_date: clock.day(-75),
        end_date: endDate,
        budget: '40000000.00',
        product_ids: ended.products,
        outlet_ids: ended.outlets,
      })
    ).id;
  const sources = {} as DemoCampaigns['sources'];
  for (const [code, name, description] of SOURCES)
    sources[code] =
      idOf(codes.sources, code) ?? (await sourcesService.create(refs.admin, { code, name, description })).id;
  const setUpAt = clock.at(clock.day(-75), 8 * 60);
  await platform.db.withTenant({ tenantId: refs.tenantId }, async (tx) => {
    const at = setUpAt.toISOString();
    const ids = [activeId, endedId, ...Object.values(sources)];
    for (const table of ['campaigns', 'attribution_sources'])
      await tx.db.execute(
        sql`update ${sql.identifier(table)} set created_at = ${at}::timestamptz, updated_at = ${at}::timestamptz
          where id = any(${sql.param(ids)}::uuid[]) and created_at > ${at}::timestamptz`,
      );
  });
  return {
    active: { id: activeId, ...active },
    ended: { id: endedId, ...ended, endDate },
    sources,
  };
}

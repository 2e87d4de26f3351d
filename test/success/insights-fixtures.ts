import { and, eq, isNull, lte, or } from 'drizzle-orm';
import { customers } from '../../src/modules/catalog/tables.js';
import { alerts } from '../../src/modules/notify/notify.tables.js';
import { csatResponses } from '../../src/modules/success/tables/csat.tables.js';
import { deployments } from '../../src/modules/success/tables/deployments.tables.js';
import { healthScores } from '../../src/modules/success/tables/health.tables.js';
import { customerInteractions } from '../../src/modules/success/tables/interactions.tables.js';
import { localToday } from '../../src/platform/reports/period.js';
import { createTestApp, type TestApp } from '../harness/app.js';
import { FIXTURE_PASSWORD, identityFixture, login, type IdentityFixture } from '../identity/fixtures.js';
import { client, createCustomer, SUCCESS_MODULES, uniq, type Headers } from './helpers.js';

/**
 * Fixtures of the success dashboard and report tests. Customers are created through
 * `POST /customers`; deployments, interactions, health scores, CSAT responses and alerts are
 * written straight into the test database (as the owner) until their own routes exist: these
 * helpers are the only place that does it.
 */

/** Tashkent is UTC+5 all year (no daylight saving), so local times below are exact. */
export const TZ = 'Asia/Tashkent';

/** The app with job workers when reports are generated (a job renders them). */
export const insightsApp = (workers = false): Promise<TestApp> =>
  createTestApp({
    config: { workers },
    deps: { modules: SUCCESS_MODULES, jobOptions: { pollingIntervalSeconds: 0.5 } },
  });

const DAY_MS = 86_400_000;
export const addDays = (day: string, n: number): string =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
export const today = (): string => localToday(new Date(), TZ);
/** The instant of Tashkent day `day` at `hour`:00. */
export const at = (day: string, hour = 12): Date =>
  new Date(`${day}T${String(hour).padStart(2, '0')}:00:00+05:00`);
export const daysAgo = (n: number, hour = 12): Date => at(addDays(today(), -n), hour);
/** A moment ago: "now" for rows that must fall in the current day, week and month. */
export const justNow = (): Date => new Date(Date.now() - 5_000);
/** Day `day` of the month `back` months before the current (Tashkent) one, YYYY-MM-DD. */
export function monthDay(back: number, day: number): string {
  const [y, m] = today().split('-').map(Number) as [number, number];
  const index = y * 12 + (m - 1) - back;
  const month = `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
  return `${month}-${String(day).padStart(2, '0')}`;
}

/** A tenant in UZS on Tashkent time, with one user per built-in role. */
export async function insightsTenant(t: TestApp, name: string): Promise<IdentityFixture> {
  const fx = await identityFixture(t, name);
  await client(t).ok('PUT', `/tenants/${fx.tenantId}`, fx.users.admin.auth, {
    settings: { currency: 'UZS', time_zone: TZ },
  });
  return fx;
}

/** One more user of a role, with a chosen first name, signed in. */
export async function namedUser(t: TestApp, fx: IdentityFixture, role: string, firstName: string) {
  const email = `${uniq(firstName)}@insights.test`.toLowerCase();
  const { id } = await client(t).ok(
    'POST',
    '/users',
    fx.users.admin.auth,
    { email, password: FIXTURE_PASSWORD, first_name: firstName, last_name: 'Manager', roles: [role] },
    201,
  );
  return { id, ...(await login(t, email, FIXTURE_PASSWORD)) };
}

export const customer = (t: TestApp, admin: Headers, body: object): Promise<string> =>
  createCustomer(t, admin, body);

const asSystem = <T>(t: TestApp, fn: Parameters<TestApp['database']['db']['withSystem']>[0]) =>
  t.database.db.withSystem(fn) as Promise<T>;

/** Rows of the success tables and alerts, inserted directly for `tenantId`. */
export function successRows(t: TestApp, tenantId: string) {
  return {
    async deployment(customerId: string, productName: string, isActive = true): Promise<string> {
      const [row] = await asSystem<{ id: string }[]>(t, (tx) =>
        tx.db
          .insert(deployments)
          .values({ tenantId, customerId, productName, isActive })
          .returning({ id: deployments.id }),
      );
      return row!.id;
    },

    interaction(
      customerId: string,
      interactionType: (typeof customerInteractions.$inferInsert)['interactionType'],
      when: Date,
      subject = `${interactionType} note`,
    ) {
      return asSystem(t, (tx) =>
        tx.db
          .insert(customerInteractions)
          .values({ tenantId, customerId, interactionType, subject, interactionDate: when }),
      );
    },

    /**
     * A customer-level score (or a deployment's), and — as the health module does — the
     * customer's latest score on `customers` when it is the newest.
     */
    async healthScore(
      customerId: string,
      overall: number,
      risk: 'low' | 'medium' | 'high' | 'critical',
      when: Date,
      extra: Partial<typeof healthScores.$inferInsert> = {},
    ) {
      const components = {
        adoptionScore: overall,
        supportScore: overall,
        engagementScore: overall,
        financialScore: overall,
      };
      await asSystem(t, async (tx) => {
        await tx.db.insert(healthScores).values({
          tenantId,
          customerId,
          overallScore: overall,
          ...components,
          riskLevel: risk,
          trend: 'stable',
          factors: {},
          weights: { adoption: 20, support: 30, engagement: 25, financial: 25 },
          calculatedAt: when,
          ...extra,
        });
        if (extra.deploymentId) return;
        await tx.db
          .update(customers)
          .set({ healthScore: overall, healthRisk: risk, healthScoredAt: when })
          .where(
            and(
              eq(customers.tenantId, tenantId),
              eq(customers.id, customerId),
              or(isNull(customers.healthScoredAt), lte(customers.healthScoredAt, when)),
            ),
          );
      });
    },

    csat(
      customerId: string,
      surveyType: 'post_ticket' | 'quarterly' | 'nps' | 'onboarding',
      score: number,
      when: Date,
      extra: Partial<typeof csatResponses.$inferInsert> = {},
    ) {
      return asSystem(t, (tx) =>
        tx.db
          .insert(csatResponses)
          .values({ tenantId, customerId, surveyType, score, submittedAt: when, ...extra }),
      );
    },

    alert(
      customerId: string,
      severity: 'low' | 'medium' | 'high' | 'critical',
      status: 'open' | 'resolved' | 'snoozed',
      when: Date,
      type = 'health_drop',
    ) {
      return asSystem(t, (tx) =>
        tx.db.insert(alerts).values({
          tenantId,
          type,
          severity,
          title: `${type} ${severity}`,
          entityType: 'customer',
          entityId: customerId,
          customerId,
          status,
          source: 'manual',
          createdAt: when,
          updatedAt: when,
          ...(status === 'snoozed' ? { snoozedUntil: new Date(Date.now() + DAY_MS) } : {}),
          ...(status === 'resolved' ? { resolvedAt: when } : {}),
        }),
      );
    },
  };
}

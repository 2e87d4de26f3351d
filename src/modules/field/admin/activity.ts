import { sql } from 'drizzle-orm';
import type { ActivityCounter } from '../../../platform/module.js';

/** The report's page of users, as one array parameter (`agent_id = any(…)` uses the agent indexes). */
const agents = (userIds: readonly string[]) => sql`agent_id = any(${sql.param(userIds)}::uuid[])`;

/**
 * Field counts on `GET /admin/users/activity`: visits an agent completed and photos they took in
 * the period, for the users of the report's page only. Declared in the field module's
 * `activityCounters`; the identity report runs them in its tenant transaction.
 */
export const FIELD_ACTIVITY_COUNTERS: readonly ActivityCounter[] = [
  {
    key: 'visits_completed',
    query: ({ tenantId, from, to, userIds }) => sql`select agent_id as user_id, count(*)::int as n from visits
      where tenant_id = ${tenantId} and ${agents(userIds)}
        and status = 'completed' and completed_at >= ${from} and completed_at < ${to}
      group by agent_id`,
  },
  {
    key: 'visits_checked_in',
    query: ({ tenantId, from, to, userIds }) => sql`select agent_id as user_id, count(*)::int as n from visits
      where tenant_id = ${tenantId} and ${agents(userIds)} and check_in_at >= ${from} and check_in_at < ${to}
      group by agent_id`,
  },
  {
    key: 'photos',
    query: ({ tenantId, from, to, userIds }) => sql`select agent_id as user_id, count(*)::int as n from photos
      where tenant_id = ${tenantId} and ${agents(userIds)} and created_at >= ${from} and created_at < ${to}
      group by agent_id`,
  },
];

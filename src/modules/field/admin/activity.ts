import { sql } from 'drizzle-orm';
import type { ActivityCounter } from '../../../platform/module.js';

/**
 * Field counts on `GET /admin/users/activity`: visits an agent completed and photos they took in
 * the period. Declared in the field module's `activityCounters`; the identity report runs them in
 * its tenant transaction.
 */
export const FIELD_ACTIVITY_COUNTERS: readonly ActivityCounter[] = [
  {
    key: 'visits_completed',
    query: ({ tenantId, from, to }) => sql`select agent_id as user_id, count(*)::int as n from visits
      where tenant_id = ${tenantId} and status = 'completed' and completed_at >= ${from} and completed_at < ${to}
      group by agent_id`,
  },
  {
    key: 'visits_checked_in',
    query: ({ tenantId, from, to }) => sql`select agent_id as user_id, count(*)::int as n from visits
      where tenant_id = ${tenantId} and check_in_at >= ${from} and check_in_at < ${to}
      group by agent_id`,
  },
  {
    key: 'photos',
    query: ({ tenantId, from, to }) => sql`select agent_id as user_id, count(*)::int as n from photos
      where tenant_id = ${tenantId} and created_at >= ${from} and created_at < ${to}
      group by agent_id`,
  },
];

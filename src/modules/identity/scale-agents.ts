import { randomBytes } from 'node:crypto';
import type { SystemAccess } from '../../platform/db/system.js';
import { v7Sql } from '../../platform/db/scale-sql.js';
import { hashPassword } from './passwords.js';

/**
 * Adds the missing synthetic agents `1..count` with the agent role. Existing ones (from an earlier
 * run) are kept, so repeated runs grow the field force only when more data calls for it.
 */
const AGENTS_SQL = `
with units as (
  select id, (row_number() over (order by depth desc, id) - 1)::int as k from org_units where tenant_id = $1
),
fresh as (
  insert into users (tenant_id, id, email, password_hash, first_name, last_name, employee_code, org_unit_id)
  select $1, ${v7Sql('clock_timestamp()')}, 'scale-agent-' || lpad(i::text, 5, '0') || '@' || $2 || '.scale.local', $3,
    'Scale', 'Agent ' || lpad(i::text, 5, '0'), 'SCALE-' || lpad(i::text, 5, '0'),
    (select id from units where k = i % greatest((select count(*) from units), 1))
  from generate_series(1, $4::int) i
  where not exists (
    select 1 from users u where lower(u.email) = 'scale-agent-' || lpad(i::text, 5, '0') || '@' || $2 || '.scale.local')
  returning id
)
insert into user_roles (tenant_id, user_id, role_id)
select $1, fresh.id, r.id from fresh join roles r on r.tenant_id = $1 and r.key = 'agent'
returning user_id`;

/**
 * Benchmark data: synthetic agents `scale-agent-NNNNN@<slug>.scale.local` spread over the tenant's
 * org units, with a random password nobody knows, until there are `count`. Returns how many it added.
 */
export async function ensureScaleAgents(
  system: SystemAccess,
  tenant: { id: string; slug: string },
  count: number,
): Promise<number> {
  const passwordHash = await hashPassword(randomBytes(24).toString('base64url'));
  return system.seed(async (tx) => {
    const { rows } = await tx.sql.query(AGENTS_SQL, [tenant.id, tenant.slug, passwordHash, count]);
    return rows.length;
  });
}

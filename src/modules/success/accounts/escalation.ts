import { sql } from 'drizzle-orm';
import { selectRows } from '../../../platform/db/rows.js';
import type { Tx } from '../../../platform/db/types.js';
import type { AlertCheck, Platform, RaisedAlert } from '../../../platform/module.js';
import { raiseCheckAlert } from '../../notify/index.js';
import { tenantToday } from './common.js';

const CHECK = { name: 'success.escalation', type: 'escalation' } as const;

interface Escalation {
  customerId: string;
  customerName: string;
  ownerId: string | null;
  subject: string;
  description: string | null;
}

/**
 * The alert of an escalation: about the customer (so the alerts layer keeps one per customer and
 * day however many escalations are logged), owned by its account manager, so it reaches them and
 * whoever's scope covers them; nobody is assigned.
 */
function alertOf(e: Escalation): RaisedAlert {
  return {
    severity: 'high',
    title: `Escalation at ${e.customerName}: ${e.subject}`.slice(0, 500),
    description: e.description?.slice(0, 2000) ?? undefined,
    entityType: 'customer',
    entityId: e.customerId,
    customerId: e.customerId,
    ownerId: e.ownerId,
    assigneeId: null,
  };
}

export type AlertDeps = Pick<Platform, 'mailer' | 'realtime'>;

/** Raises an escalation's alert in the transaction that logs it (the check is the safety net). */
export async function raiseEscalation(deps: AlertDeps, tx: Tx, tenantId: string, e: Escalation) {
  const { today } = await tenantToday(tx, tenantId);
  await raiseCheckAlert(deps, tx, CHECK, { ...alertOf(e), tenantId, today });
}

/**
 * Escalations on the tenant's local today or yesterday whose customer has no alert of this check
 * raised on or after the local day the escalation was logged: whatever the immediate raise did not
 * cover (rows written by other paths). One per customer, its latest escalation.
 */
export const escalationCheck: AlertCheck = {
  ...CHECK,
  displayName: 'Customer escalation',
  async run(tx, { tenantId, today, timeZone }) {
    const rows = await selectRows<Escalation>(
      tx,
      sql`select distinct on (i.customer_id) i.customer_id as "customerId", c.name as "customerName",
          c.owner_id as "ownerId", i.subject, i.description
        from customer_interactions i
        join customers c on c.tenant_id = i.tenant_id and c.id = i.customer_id
        where i.tenant_id = ${tenantId} and i.interaction_type = 'escalation'
          and i.interaction_date >= ((${today}::date - 1)::timestamp at time zone ${timeZone})
          and i.interaction_date < ((${today}::date + 1)::timestamp at time zone ${timeZone})
          and not exists (select 1 from alerts a
            where a.tenant_id = i.tenant_id and a.source = ${CHECK.name}
              and a.entity_type = 'customer' and a.entity_id = i.customer_id
              and a.created_at >= ((i.created_at at time zone ${timeZone})::date::timestamp at time zone ${timeZone}))
        order by i.customer_id, i.interaction_date desc, i.id desc`,
    );
    return rows.map(alertOf);
  },
};

import { sql } from 'drizzle-orm';
import { selectRows } from '../../../platform/db/rows.js';
import type { AlertCheck, AlertSeverity } from '../../../platform/module.js';
import { currentAccountSql, localDayStartSql, nowSql } from './clock.js';
import { healthDropCheck } from './health-drop.js';

/** Contracts and licences ending within this many days raise an expiry alert. */
export const EXPIRY_HORIZON_DAYS = 90;
/** A current account with no interaction in this many local days (today included) is inactive. */
export const INACTIVITY_DAYS = 30;

/** By days left: ≤ 7 critical, ≤ 14 high, ≤ 30 medium, else low. */
export function expirySeverity(daysLeft: number): AlertSeverity {
  if (daysLeft <= 7) return 'critical';
  if (daysLeft <= 14) return 'high';
  if (daysLeft <= 30) return 'medium';
  return 'low';
}

/** The 30/60/90-day threshold the end falls within (named in the title). */
export const expiryThreshold = (daysLeft: number): 30 | 60 | 90 =>
  daysLeft <= 30 ? 30 : daysLeft <= 60 ? 60 : 90;

const left = (days: number) => (days === 0 ? 'today' : days === 1 ? 'in 1 day' : `in ${days} days`);

interface Expiring {
  id: string;
  customerId: string;
  name: string;
  ownerId: string | null;
  endsOn: string;
  daysLeft: number;
  product?: string;
}

/** Current accounts whose contract ends between today and 90 days from now (tenant-local dates). */
export const contractExpiryCheck: AlertCheck = {
  name: 'success.contract-expiry',
  type: 'contract_expiry',
  displayName: 'Customer contract ending within 90 days',
  async run(tx, { tenantId, today }) {
    const rows = await selectRows<Expiring>(
      tx,
      sql`select c.id, c.id as "customerId", c.name, c.owner_id as "ownerId",
          to_char(c.contract_end, 'YYYY-MM-DD') as "endsOn", (c.contract_end - ${today}::date) as "daysLeft"
        from customers c
        where c.tenant_id = ${tenantId} and ${currentAccountSql('c')}
          and c.contract_end between ${today}::date and ${today}::date + ${sql.raw(String(EXPIRY_HORIZON_DAYS))}`,
    );
    return rows.map((r) => ({
      severity: expirySeverity(r.daysLeft),
      title: `Contract of ${r.name} ends within ${expiryThreshold(r.daysLeft)} days`,
      description: `The contract ends on ${r.endsOn} (${left(r.daysLeft)}).`,
      entityType: 'customer',
      entityId: r.id,
      customerId: r.customerId,
      ownerId: r.ownerId,
    }));
  },
};

/** Active deployments of current accounts whose licence expires between today and 90 days from now. */
export const licenceExpiryCheck: AlertCheck = {
  name: 'success.licence-expiry',
  type: 'licence_expiry',
  displayName: 'Deployment licence expiring within 90 days',
  async run(tx, { tenantId, today }) {
    const rows = await selectRows<Expiring>(
      tx,
      sql`select d.id, c.id as "customerId", c.name, c.owner_id as "ownerId", d.product_name as product,
          to_char(d.licence_expiry, 'YYYY-MM-DD') as "endsOn", (d.licence_expiry - ${today}::date) as "daysLeft"
        from deployments d join customers c on c.tenant_id = d.tenant_id and c.id = d.customer_id
        where d.tenant_id = ${tenantId} and d.is_active
          and d.licence_expiry between ${today}::date and ${today}::date + ${sql.raw(String(EXPIRY_HORIZON_DAYS))}
          and ${currentAccountSql('c')}`,
    );
    return rows.map((r) => ({
      severity: expirySeverity(r.daysLeft),
      title: `Licence of ${r.product} for ${r.name} expires within ${expiryThreshold(r.daysLeft)} days`,
      description: `The ${r.product} licence expires on ${r.endsOn} (${left(r.daysLeft)}).`,
      entityType: 'deployment',
      entityId: r.id,
      customerId: r.customerId,
      ownerId: r.ownerId,
    }));
  },
};

/** Current accounts with no interaction in the last 30 tenant-local days (today included), up to now. */
export const inactivityCheck: AlertCheck = {
  name: 'success.inactivity',
  type: 'inactivity',
  displayName: 'Customer without an interaction for 30 days',
  async run(tx, { tenantId, today, timeZone, now }) {
    const clock = { today, timeZone, now };
    const rows = await selectRows<{
      id: string;
      name: string;
      ownerId: string | null;
      lastOn: string | null;
    }>(
      tx,
      sql`select c.id, c.name, c.owner_id as "ownerId",
          (select to_char(max(i.interaction_date) at time zone ${timeZone}, 'YYYY-MM-DD')
            from customer_interactions i
            where i.tenant_id = c.tenant_id and i.customer_id = c.id and i.interaction_date <= ${nowSql(clock)}) as "lastOn"
        from customers c
        where c.tenant_id = ${tenantId} and ${currentAccountSql('c')}
          and not exists (select 1 from customer_interactions i
            where i.tenant_id = c.tenant_id and i.customer_id = c.id
              and i.interaction_date >= ${localDayStartSql(clock, INACTIVITY_DAYS - 1)}
              and i.interaction_date <= ${nowSql(clock)})`,
    );
    return rows.map((r) => ({
      severity: 'medium' as const,
      title: `No interaction with ${r.name} for ${INACTIVITY_DAYS} days`,
      description: r.lastOn ? `The last interaction was on ${r.lastOn}.` : 'No interaction has been logged.',
      entityType: 'customer',
      entityId: r.id,
      customerId: r.id,
      ownerId: r.ownerId,
    }));
  },
};

export const HEALTH_ALERT_CHECKS: readonly AlertCheck[] = [
  healthDropCheck,
  contractExpiryCheck,
  licenceExpiryCheck,
  inactivityCheck,
];

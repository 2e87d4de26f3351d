import { sql } from 'drizzle-orm';
import { selectRows } from '../../../platform/db/rows.js';
import type { AlertCheck } from '../../../platform/module.js';
import { submissionDeadline } from '../cycles/window.js';

/** Reps are alerted when the deadline is this many days away or less and they have not submitted. */
export const SUBMISSION_ALERT_DAYS = 3;

/**
 * What each rep still has to submit in a cycle: active matrix rows with that rep without a
 * submitted or approved forecast of the cycle.
 */
const missingByRep = (tenantId: string, cycleId: string) => sql`
  select m.rep_id, count(*)::int as missing from product_customer_matrix m
  join users u on u.tenant_id = m.tenant_id and u.id = m.rep_id and u.status = 'active'
  where m.tenant_id = ${tenantId} and m.is_active and m.rep_id is not null
    and not exists (select 1 from forecasts f where f.tenant_id = m.tenant_id and f.cycle_id = ${cycleId}
      and f.customer_id = m.customer_id and f.product_id = m.product_id and f.rep_id = m.rep_id
      and f.status in ('submitted', 'approved'))
  group by m.rep_id`;

interface OpenCycle {
  id: string;
  name: string;
  end_date: string;
}

/**
 * The open cycle's reps who have not submitted everything when the deadline (end date − 7 days,
 * 23:59:59 tenant time) is at most 3 days away and not passed: one alert per rep (owner = the rep,
 * so admins and the rep's managers see it through their scope).
 */
export const submissionDueCheck: AlertCheck = {
  name: 'planning.submission-due',
  type: 'forecast_submission_due',
  displayName: 'Rep has not submitted forecasts 3 days before the deadline',
  async run(tx, { tenantId, now, timeZone }) {
    const [cycle] = await selectRows<OpenCycle>(
      tx,
      sql`select id, name, to_char(end_date, 'YYYY-MM-DD') as end_date from sop_cycles
        where tenant_id = ${tenantId} and status = 'open'`,
    );
    if (!cycle) return [];
    const deadline = submissionDeadline(cycle.end_date, timeZone);
    const left = deadline.getTime() - now.getTime();
    if (left < 0 || left > SUBMISSION_ALERT_DAYS * 86_400_000) return [];
    const reps = await selectRows<{ rep_id: string; missing: number }>(tx, missingByRep(tenantId, cycle.id));
    const when = deadline.toISOString();
    return reps.map((r) => ({
      severity: 'high' as const,
      title: `${r.missing} forecast(s) of cycle "${cycle.name}" not submitted`,
      description: `The submission deadline is ${when}; ${r.missing} customer × product forecast(s) are not submitted yet.`,
      entityType: 'user',
      entityId: r.rep_id,
      ownerId: r.rep_id,
      assigneeId: r.rep_id,
    }));
  },
};

/** Forecasts rejected in the last 7 days and not yet reopened: one alert per forecast, to its owner. */
export const forecastRejectedCheck: AlertCheck = {
  name: 'planning.forecast-rejected',
  type: 'forecast_rejected',
  displayName: 'Forecast rejected',
  async run(tx, { tenantId, now }) {
    const rows = await selectRows<{
      id: string;
      rep_id: string;
      customer_id: string;
      cycle: string;
      customer: string;
      product: string;
      comment: string | null;
    }>(
      tx,
      sql`select f.id, f.rep_id, f.customer_id, c.name as cycle, cu.name as customer, p.name as product, f.comment
        from forecasts f
        join sop_cycles c on c.tenant_id = f.tenant_id and c.id = f.cycle_id
        join customers cu on cu.tenant_id = f.tenant_id and cu.id = f.customer_id
        join products p on p.tenant_id = f.tenant_id and p.id = f.product_id
        where f.tenant_id = ${tenantId} and f.status = 'rejected' and c.status = 'open'
          and f.rejected_at > ${now}::timestamptz - interval '7 days' and f.rejected_at <= ${now}::timestamptz
          and not exists (select 1 from forecasts n where n.tenant_id = f.tenant_id and n.cycle_id = f.cycle_id
            and n.customer_id = f.customer_id and n.product_id = f.product_id and n.rep_id = f.rep_id
            and n.status <> 'rejected')`,
    );
    return rows.map((r) => ({
      severity: 'medium' as const,
      title: `Forecast of ${r.customer} × ${r.product} rejected`,
      description: `Cycle "${r.cycle}": ${r.comment ?? 'no comment'}`,
      entityType: 'forecast',
      entityId: r.id,
      customerId: r.customer_id,
      ownerId: r.rep_id,
      assigneeId: r.rep_id,
    }));
  },
};

/** Cycles closed in the last 7 days while some reps had not submitted: one alert per cycle, for admins. */
export const cycleClosedIncompleteCheck: AlertCheck = {
  name: 'planning.cycle-closed-incomplete',
  type: 'cycle_closed_incomplete',
  displayName: 'Cycle closed with missing submissions',
  async run(tx, { tenantId, now }) {
    const cycles = await selectRows<{ id: string; name: string }>(
      tx,
      sql`select id, name from sop_cycles where tenant_id = ${tenantId} and status = 'closed'
        and closed_at > ${now}::timestamptz - interval '7 days' and closed_at <= ${now}::timestamptz`,
    );
    const alerts = [];
    for (const cycle of cycles) {
      const reps = await selectRows<{ rep_id: string; missing: number }>(
        tx,
        missingByRep(tenantId, cycle.id),
      );
      if (!reps.length) continue;
      const missing = reps.reduce((sum, r) => sum + r.missing, 0);
      alerts.push({
        severity: 'high' as const,
        title: `Cycle "${cycle.name}" closed with ${missing} forecast(s) missing`,
        description: `${reps.length} rep(s) had not submitted all their forecasts when the cycle closed.`,
        entityType: 'sop_cycle',
        entityId: cycle.id,
        ownerId: null,
      });
    }
    return alerts;
  },
};

export const PLANNING_ALERT_CHECKS: readonly AlertCheck[] = [
  submissionDueCheck,
  forecastRejectedCheck,
  cycleClosedIncompleteCheck,
];

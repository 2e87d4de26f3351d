import { sql } from 'drizzle-orm';
import type { Mailer } from '../../../platform/mail/types.js';
import { selectRows } from '../../../platform/db/rows.js';
import type { Tx } from '../../../platform/db/types.js';
import { completionPercent, monthOf } from './window.js';
import type { CycleStats } from './cycles.schemas.js';

/**
 * The forecasts a cycle expects, each with whether it is in: every active matrix row with a rep
 * (the rep forecasts that customer × product), plus any non-rejected forecast of the cycle outside
 * the matrix. Submitted means submitted or approved.
 */
function expected(tenantId: string, cycleId: string, matrixOnly = false) {
  return sql`with keys as (
      select m.customer_id, m.product_id, m.rep_id, true as in_matrix from product_customer_matrix m
      where m.tenant_id = ${tenantId} and m.is_active and m.rep_id is not null
      ${
        matrixOnly
          ? sql``
          : sql`union select f.customer_id, f.product_id, f.rep_id, false from forecasts f
      where f.tenant_id = ${tenantId} and f.cycle_id = ${cycleId} and f.status <> 'rejected'`
      }
    ), distinct_keys as (
      select customer_id, product_id, rep_id from keys group by customer_id, product_id, rep_id
    )
    select k.customer_id, k.product_id, k.rep_id, exists (
      select 1 from forecasts f
      where f.tenant_id = ${tenantId} and f.cycle_id = ${cycleId} and f.customer_id = k.customer_id
        and f.product_id = k.product_id and f.rep_id = k.rep_id and f.status in ('submitted', 'approved')
    ) as submitted from distinct_keys k`;
}

export async function cycleStats(tx: Tx, tenantId: string, cycleId: string): Promise<CycleStats> {
  const [row] = await selectRows<{
    total: number;
    submitted: number;
    reps_total: number;
    reps_submitted: number;
  }>(
    tx,
    sql`with done as (${expected(tenantId, cycleId)}),
      reps as (select rep_id, bool_and(submitted) as all_in from done group by rep_id)
      select (select count(*) from done)::int as total,
        (select count(*) from done where submitted)::int as submitted,
        (select count(*) from reps)::int as reps_total,
        (select count(*) from reps where all_in)::int as reps_submitted`,
  );
  const statuses = await selectRows<{ status: string; n: number }>(
    tx,
    sql`select status, count(*)::int as n from forecasts
      where tenant_id = ${tenantId} and cycle_id = ${cycleId} group by status`,
  );
  const count = (status: string) => statuses.find((s) => s.status === status)?.n ?? 0;
  const total = row?.total ?? 0;
  const submitted = row?.submitted ?? 0;
  return {
    cycle_id: cycleId,
    forecasts_total: total,
    forecasts_submitted: submitted,
    reps_total: row?.reps_total ?? 0,
    reps_submitted: row?.reps_submitted ?? 0,
    completion_percent: completionPercent(submitted, total),
    by_status: {
      draft: count('draft'),
      submitted: count('submitted'),
      approved: count('approved'),
      rejected: count('rejected'),
    },
  };
}

/** Active reps with matrix rows whose forecasts for the cycle are not all in, with what is missing. */
export async function repsNotSubmitted(tx: Tx, tenantId: string, cycleId: string) {
  return selectRows<{ rep_id: string; email: string; first_name: string; missing: number }>(
    tx,
    sql`with done as (${expected(tenantId, cycleId, true)})
      select d.rep_id, u.email, u.first_name, count(*) filter (where not d.submitted)::int as missing
      from done d join users u on u.tenant_id = ${tenantId} and u.id = d.rep_id and u.status = 'active'
      group by d.rep_id, u.email, u.first_name
      having not bool_and(d.submitted)
      order by d.rep_id`,
  );
}

/**
 * E-mails every rep who has not submitted all their forecasts of the cycle, in the caller's
 * transaction (nothing is sent unless it commits). Answers the reps told.
 */
export async function mailRepsNotSubmitted(
  tx: Tx,
  mailer: Pick<Mailer, 'send'>,
  tenantId: string,
  cycle: { id: string; name: string; anchorMonth: string },
  deadline: Date,
  timeZone: string,
): Promise<string[]> {
  const reps = await repsNotSubmitted(tx, tenantId, cycle.id);
  const when = new Intl.DateTimeFormat('en-GB', { timeZone, dateStyle: 'long', timeStyle: 'short' }).format(
    deadline,
  );
  for (const rep of reps)
    await mailer.send(
      {
        to: rep.email,
        subject: `S&OP cycle "${cycle.name}": ${rep.missing} forecast(s) still to submit`,
        text:
          `Hello ${rep.first_name},\n\n` +
          `The S&OP cycle "${cycle.name}" (anchor month ${monthOf(cycle.anchorMonth)}) is open. ` +
          `${rep.missing} of your customer × product forecasts are not submitted yet.\n` +
          `Please submit them before ${when} (${timeZone}).\n`,
      },
      { tx, tenantId },
    );
  return reps.map((r) => r.rep_id);
}

import { sql } from 'drizzle-orm';
import { selectRows } from '../../../platform/db/rows.js';
import type { Tx } from '../../../platform/db/types.js';
import { notFound } from '../../../platform/http/errors.js';
import {
  currentAccountSql,
  inWindowSql,
  interactionCountsSql,
  trendCutSql,
  type ScoreClock,
} from './clock.js';
import type { ScoreFacts } from './drop-reasons.js';
import type { HealthInputs, HealthWeights, InteractionCounts } from './score.js';

/** The customer facts a score reads. */
export interface ScoredCustomer {
  id: string;
  name: string;
  ownerId: string | null;
  status: string;
  contractStart: string | null;
  contractEnd: string | null;
  /** A current account (not archived, a customer, not churned): health-drop alerts are raised for these. */
  current: boolean;
}

export async function scoredCustomer(tx: Tx, tenantId: string, customerId: string): Promise<ScoredCustomer> {
  const [row] = await selectRows<ScoredCustomer>(
    tx,
    sql`select id, name, owner_id as "ownerId", status,
        to_char(contract_start, 'YYYY-MM-DD') as "contractStart",
        to_char(contract_end, 'YYYY-MM-DD') as "contractEnd", ${currentAccountSql('customers')} as current
      from customers where tenant_id = ${tenantId} and id = ${customerId}`,
  );
  if (!row) throw notFound('Customer');
  return row;
}

/** The deployment a deployment-level score is for; it must be the customer's. */
async function deploymentProducts(tx: Tx, tenantId: string, customerId: string, deploymentId: string) {
  const [row] = await selectRows<{ productName: string; isActive: boolean }>(
    tx,
    sql`select product_name as "productName", is_active as "isActive" from deployments
      where tenant_id = ${tenantId} and id = ${deploymentId} and customer_id = ${customerId}`,
  );
  if (!row) throw notFound('Deployment', 'DEPLOYMENT_NOT_FOUND');
  return row.isActive ? [row.productName] : [];
}

async function activeProducts(tx: Tx, tenantId: string, customerId: string): Promise<string[]> {
  const rows = await selectRows<{ name: string }>(
    tx,
    sql`select distinct product_name collate "C" as name from deployments
      where tenant_id = ${tenantId} and customer_id = ${customerId} and is_active
      order by 1`,
  );
  return rows.map((r) => r.name);
}

async function interactionCounts(tx: Tx, tenantId: string, customerId: string, clock: ScoreClock) {
  const [row] = await selectRows<InteractionCounts>(
    tx,
    sql`select ${interactionCountsSql} from customer_interactions i
      where i.tenant_id = ${tenantId} and i.customer_id = ${customerId}
        and ${inWindowSql(sql`i.interaction_date`, clock)}`,
  );
  return row!;
}

const level = (deploymentId: string | null) =>
  deploymentId === null ? sql`deployment_id is null` : sql`deployment_id = ${deploymentId}`;

/** Overall score of the latest score (of the customer, or of the deployment) at least 30 local days old. */
async function trendBase(
  tx: Tx,
  tenantId: string,
  customerId: string,
  deploymentId: string | null,
  clock: ScoreClock,
) {
  const [row] = await selectRows<{ overall: number }>(
    tx,
    sql`select overall_score as overall from health_scores
      where tenant_id = ${tenantId} and customer_id = ${customerId} and ${level(deploymentId)}
        and calculated_at < ${trendCutSql(clock)}
      order by calculated_at desc, id desc limit 1`,
  );
  return row?.overall ?? null;
}

/** The customer's latest customer-level scores, newest first (for the health-drop reasons). */
export async function latestScores(
  tx: Tx,
  tenantId: string,
  customerId: string,
  limit = 3,
): Promise<ScoreFacts[]> {
  return selectRows<ScoreFacts>(
    tx,
    sql`select overall_score as overall, adoption_score as adoption, support_score as support,
        engagement_score as engagement, financial_score as financial
      from health_scores
      where tenant_id = ${tenantId} and customer_id = ${customerId} and deployment_id is null
      order by calculated_at desc, id desc limit ${limit}`,
  );
}

/** Everything the pure score function needs for one customer (or one of its deployments), read now. */
export async function healthInputsOf(
  tx: Tx,
  tenantId: string,
  customer: ScoredCustomer,
  clock: ScoreClock,
  weights: HealthWeights,
  deploymentId: string | null = null,
): Promise<HealthInputs> {
  const products = deploymentId
    ? await deploymentProducts(tx, tenantId, customer.id, deploymentId)
    : await activeProducts(tx, tenantId, customer.id);
  return {
    today: clock.today,
    products,
    deploymentId,
    contractStart: customer.contractStart,
    contractEnd: customer.contractEnd,
    counts: await interactionCounts(tx, tenantId, customer.id, clock),
    previousScore: await trendBase(tx, tenantId, customer.id, deploymentId, clock),
    weights,
  };
}

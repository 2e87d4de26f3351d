import { seededRandom } from '../../../lib/random.js';
import type { Tx } from '../../../platform/db/types.js';
import type { Platform } from '../../../platform/module.js';
import { insertCustomerRows } from '../../catalog/index.js';
import { csatResponses } from '../tables/csat.tables.js';
import { deployments } from '../tables/deployments.tables.js';
import { customerInteractions } from '../tables/interactions.tables.js';
import { DEMO_ACCOUNTS, type DemoAccount } from './accounts.js';
import { interactionsOf, responsesOf } from './activity.js';

const DAY_MS = 86_400_000;

export interface DemoBook {
  tenantId: string;
  /** The account managers, in order of how many customers they hold (the demo agent first). */
  managerIds: string[];
  customerIds: string[];
}

/** The demo tenant, its account managers (agents and team leaders), or undefined before identity's demo. */
export async function demoBookOwners(platform: Platform) {
  const { rows } = await platform.system.seed((tx) =>
    tx.sql.query<{ tenant_id: string; user_id: string; email: string; seeded: number }>(
      `select t.id as tenant_id, u.id as user_id, u.email,
         (select count(*)::int from customers c where c.tenant_id = t.id and c.code like 'CS-%') as seeded
       from tenants t join users u on u.tenant_id = t.id and u.status = 'active'
       join user_roles ur on ur.tenant_id = u.tenant_id and ur.user_id = u.id
       join roles r on r.tenant_id = ur.tenant_id and r.id = ur.role_id and r.key in ('agent', 'team_leader')
       where t.slug = 'demo' and u.email like '%@demo.salesops.local'
       order by (u.email = 'agent@demo.salesops.local') desc, r.key, u.email`,
    ),
  );
  if (!rows.length || rows[0]!.seeded > 0) return undefined;
  return { tenantId: rows[0]!.tenant_id, managerIds: [...new Set(rows.map((r) => r.user_id))] };
}

const dateOf = (now: Date, days: number) =>
  new Date(now.getTime() + days * DAY_MS).toISOString().slice(0, 10);

/** Customers, deployments, a year of interactions and CSAT/NPS responses, in one transaction. */
export async function writeDemoBook(tx: Tx, owners: { tenantId: string; managerIds: string[] }, now: Date) {
  const rand = seededRandom(20_241_104);
  const { tenantId, managerIds } = owners;
  // The demo agent holds every third account, so signing in as the agent shows a real book.
  const ownerOf = (i: number) =>
    managerIds[i % 3 === 0 ? 0 : 1 + (i % Math.max(1, managerIds.length - 1))] ?? managerIds[0]!;
  const rows = await insertCustomerRows(
    tx,
    DEMO_ACCOUNTS.map((a, i) => ({
      tenantId,
      code: a.code,
      name: a.name,
      industry: a.industry,
      segment: a.value > 500_000 ? 'enterprise' : 'mid-market',
      ownerId: ownerOf(i),
      status:
        a.story === 'churned'
          ? ('churned' as const)
          : a.story === 'new'
            ? ('onboarding' as const)
            : ('active' as const),
      contractStart: dateOf(now, -a.startedDaysAgo),
      contractEnd: a.endsInDays === null ? null : dateOf(now, a.endsInDays),
      contractValue: a.value.toFixed(2),
      currency: 'USD',
      contactName: `${a.name.split(' ')[0]} success lead`,
      email: `cs@${a.code.toLowerCase()}.example.com`,
      createdAt: new Date(now.getTime() - a.startedDaysAgo * DAY_MS),
    })),
  );
  for (const [i, account] of DEMO_ACCOUNTS.entries()) {
    const customer = rows[i]!;
    await writeAccountActivity(tx, tenantId, customer.id, customer.ownerId!, account, now, rand);
  }
  return rows.map((r) => r.id);
}

async function writeAccountActivity(
  tx: Tx,
  tenantId: string,
  customerId: string,
  ownerId: string,
  account: DemoAccount,
  now: Date,
  rand: () => number,
) {
  const at = (daysAgo: number, hour = 10) =>
    new Date(Math.floor((now.getTime() - daysAgo * DAY_MS) / DAY_MS) * DAY_MS + hour * 3_600_000);
  await tx.db.insert(deployments).values(
    account.products.map((product, k) => ({
      tenantId,
      customerId,
      productName: product,
      deploymentDate: dateOf(now, -account.startedDaysAgo + k * 20),
      version: `${3 + k}.${Math.floor(rand() * 9)}`,
      environment: (['cloud', 'on_premise', 'hybrid'] as const)[Math.floor(rand() * 3)]!,
      licenceType: k === 0 ? 'enterprise' : 'standard',
      // Some licences run out within the month: the licence expiry alerts have something to say.
      licenceExpiry: dateOf(now, rand() < 0.15 ? 3 + Math.floor(rand() * 40) : 90 + Math.floor(rand() * 500)),
      isActive: account.story !== 'churned',
      createdBy: ownerId,
      createdAt: at(Math.max(1, account.startedDaysAgo - k * 20)),
    })),
  );
  const interactions = interactionsOf(account, rand);
  if (interactions.length)
    await tx.db.insert(customerInteractions).values(
      interactions.map((x) => {
        const when = at(x.daysAgo, x.hour);
        const followUp =
          x.followUpInDays === null ? null : new Date(when.getTime() + x.followUpInDays * DAY_MS);
        return {
          tenantId,
          customerId,
          interactionType: x.type,
          subject: x.subject,
          sentiment: x.sentiment,
          performedBy: ownerId,
          interactionDate: when,
          followUpRequired: followUp !== null,
          followUpDate: followUp?.toISOString().slice(0, 10) ?? null,
          // Follow-ups older than two weeks were done; recent ones stay pending (due or overdue).
          followUpCompletedAt: followUp && x.daysAgo > 14 ? followUp : null,
          createdBy: ownerId,
          createdAt: when,
          updatedAt: when,
        };
      }),
    );
  const responses = responsesOf(account, rand);
  if (responses.length)
    await tx.db.insert(csatResponses).values(
      responses.map((r) => ({
        tenantId,
        customerId,
        surveyType: r.type,
        score: r.score,
        feedbackText: r.feedback,
        submittedByName: `${account.name.split(' ')[0]} success lead`,
        submittedByUser: ownerId,
        submittedAt: at(r.daysAgo, 15),
        createdAt: at(r.daysAgo, 15),
      })),
    );
}

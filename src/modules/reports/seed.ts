import type { DemoLogin, Platform } from '../../platform/module.js';
import { tenantFacts } from '../identity/index.js';
import { generateReportJob } from './jobs.js';
import { nextRunAfter, type ScheduleRule } from './next-run.js';
import { reportRuns, reportSchedules } from './reports.tables.js';

const DEMO_SCHEDULES: { name: string; type: string; format: string; rule: ScheduleRule; period: string }[] = [
  {
    name: 'Daily visit summary',
    type: 'field.visit_summary',
    format: 'pdf',
    rule: { frequency: 'daily', hour: 8 },
    period: 'last_7_days',
  },
  {
    name: 'Weekly agent performance',
    type: 'field.agent_performance',
    format: 'xlsx',
    rule: { frequency: 'weekly', weekday: 1, hour: 9 },
    period: 'last_7_days',
  },
  {
    name: 'Monthly shelf share',
    type: 'field.shelf_share',
    format: 'pdf',
    rule: { frequency: 'monthly', dayOfMonth: 1, hour: 7 },
    period: 'previous_month',
  },
  {
    name: 'Quarterly call-cycle adherence',
    type: 'field.call_cycle_adherence',
    format: 'csv',
    rule: { frequency: 'quarterly', dayOfMonth: 1, hour: 7 },
    period: 'last_30_days',
  },
  {
    name: 'Weekly health summary',
    type: 'success.health_summary',
    format: 'pdf',
    rule: { frequency: 'weekly', weekday: 1, hour: 8 },
    period: 'last_30_days',
  },
  {
    name: 'Monthly CSAT analysis',
    type: 'success.csat_analysis',
    format: 'xlsx',
    rule: { frequency: 'monthly', dayOfMonth: 1, hour: 8 },
    period: 'previous_month',
  },
];

/**
 * Demo reports for the `demo` tenant: the field and success reports scheduled for its admin, and one
 * requested report of each, so `/reports` has a history right after `npm start`. They are generated
 * by the workers, as a user's request would be, rather than on the start path: a first start does
 * not wait for four documents, and an API process that never renders one never loads the PDF,
 * chart and spreadsheet libraries. Skipped when the tenant already has schedules.
 */
export async function seedReportsDemo(platform: Platform): Promise<DemoLogin[]> {
  const found = await platform.system.seed((tx) =>
    tx.sql.query<{ tenant_id: string; admin_id: string; n: number }>(
      `select t.id as tenant_id,
         (select u.id from users u join user_roles ur on ur.tenant_id = u.tenant_id and ur.user_id = u.id
            join roles r on r.tenant_id = ur.tenant_id and r.id = ur.role_id
          where u.tenant_id = t.id and r.key = 'admin' and u.status = 'active' order by u.email limit 1) as admin_id,
         (select count(*)::int from report_schedules s where s.tenant_id = t.id) as n
       from tenants t where t.slug = 'demo'`,
    ),
  );
  const demo = found.rows[0];
  if (!demo?.admin_id || demo.n > 0) return [];
  const { tenant_id: tenantId, admin_id: adminId } = demo;
  await platform.db.withTenant({ tenantId }, async (tx) => {
    const timeZone = (await tenantFacts(tx, tenantId))?.timeZone ?? 'UTC';
    // Only the reports of the modules this app runs.
    const offered = new Set(platform.reportTypes.map((type) => type.key));
    for (const s of DEMO_SCHEDULES.filter((schedule) => offered.has(schedule.type))) {
      const [schedule] = await tx.db
        .insert(reportSchedules)
        .values({
          tenantId,
          name: s.name,
          reportType: s.type,
          format: s.format,
          frequency: s.rule.frequency,
          weekday: s.rule.weekday ?? null,
          dayOfMonth: s.rule.dayOfMonth ?? null,
          hour: s.rule.hour,
          parameters: { period: s.period },
          recipientUserIds: [adminId],
          recipientEmails: ['reports@demo.example.com'],
          nextRunAt: nextRunAfter(s.rule, timeZone, new Date()),
          createdBy: adminId,
        })
        .returning();
      const [run] = await tx.db
        .insert(reportRuns)
        .values({
          tenantId,
          scheduleId: schedule!.id,
          reportType: s.type,
          format: s.format,
          parameters: { period: s.period },
          requestedBy: adminId,
        })
        .returning();
      await platform.jobs.send(generateReportJob, { tenantId, runId: run!.id }, { tx });
    }
  });
  return [];
}

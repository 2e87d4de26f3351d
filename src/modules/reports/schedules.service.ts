import { and, eq } from 'drizzle-orm';
import type { Tx } from '../../platform/db/types.js';
import { AppError, validationFailed, type FieldError } from '../../platform/http/errors.js';
import { defineResource, envelope, tenantTxOf, type CallContext } from '../../platform/resource/index.js';
import { diff, isActiveUserInScope, tenantFacts, writeAudit } from '../identity/index.js';
import type { DueDeps } from './due.js';
import { dayWithoutHour, nextRunAfter, type ScheduleRule } from './next-run.js';
import { checkReportRequest } from './report-request.js';
import { reportRuns, reportSchedules, type ReportScheduleRow } from './reports.tables.js';
import type {
  CreateScheduleBody,
  Schedule,
  ScheduleListQuery,
  UpdateScheduleBody,
} from './reports.schemas.js';
import { toScheduleJson } from './run-views.js';

/** A schedule belongs to its creator: it reports their data scope, and lists follow the reader's. */
export const scheduleResource = defineResource({
  table: reportSchedules,
  name: 'Scheduled report',
  tenantId: reportSchedules.tenantId,
  id: reportSchedules.id,
  owner: reportSchedules.createdBy,
  sorts: {
    next_run_at: reportSchedules.nextRunAt,
    name: reportSchedules.name,
    created_at: reportSchedules.createdAt,
  },
});

type ScheduleInput = Omit<CreateScheduleBody, 'recipients'> & {
  recipients: { user_ids?: string[]; emails?: string[] };
};

/** The calendar rule: weekday only for weekly, day of month only for monthly and quarterly. */
function ruleOf(input: ScheduleInput): ScheduleRule {
  const errors: FieldError[] = [];
  if (input.frequency === 'weekly' && input.weekday == null)
    errors.push({ path: '/body/weekday', message: 'is required for a weekly schedule' });
  if (input.frequency !== 'weekly' && input.weekday != null)
    errors.push({ path: '/body/weekday', message: 'is only used by weekly schedules' });
  const monthly = input.frequency === 'monthly' || input.frequency === 'quarterly';
  if (monthly && input.day_of_month == null)
    errors.push({ path: '/body/day_of_month', message: `is required for a ${input.frequency} schedule` });
  if (!monthly && input.day_of_month != null)
    errors.push({ path: '/body/day_of_month', message: 'is only used by monthly and quarterly schedules' });
  if (errors.length) throw validationFailed(errors);
  return {
    frequency: input.frequency,
    weekday: input.weekday ?? null,
    dayOfMonth: input.day_of_month ?? null,
    hour: input.hour,
  };
}

/** Recipient users must be active users the caller's data scope covers. */
async function checkRecipients(tx: Tx, ctx: CallContext, userIds: readonly string[]) {
  const errors: FieldError[] = [];
  for (const [i, id] of userIds.entries())
    if (!(await isActiveUserInScope(tx, ctx.principal, ctx.tenantId, id)))
      errors.push({
        path: `/body/recipients/user_ids/${i}`,
        message: 'is not an active user in your data scope',
      });
  if (errors.length) throw validationFailed(errors);
}

/**
 * The first run after now, refusing an hour the tenant's clock skips on a day the schedule runs
 * (a spring-forward gap): 422 NONEXISTENT_LOCAL_TIME rather than a silently moved report.
 */
function firstRun(rule: ScheduleRule, timeZone: string, now: Date): Date {
  const gap = dayWithoutHour(rule, timeZone, now);
  if (gap)
    throw new AppError(
      422,
      'NONEXISTENT_LOCAL_TIME',
      `${String(rule.hour).padStart(2, '0')}:00 does not exist in ${timeZone} on ${gap} (the clocks skip it); choose another hour.`,
      { errors: [{ path: '/body/hour', message: `does not exist in ${timeZone} on ${gap}` }] },
    );
  return nextRunAfter(rule, timeZone, now);
}

const asInput = (row: ReportScheduleRow): ScheduleInput => ({
  name: row.name,
  report_type: row.reportType,
  format: row.format,
  frequency: row.frequency,
  ...(row.weekday === null ? {} : { weekday: row.weekday }),
  ...(row.dayOfMonth === null ? {} : { day_of_month: row.dayOfMonth }),
  hour: row.hour,
  parameters: row.parameters,
  recipients: { user_ids: row.recipientUserIds, emails: row.recipientEmails },
  is_active: row.isActive,
});

/**
 * When an edited schedule runs next. A slot already due stays due: the edit must not drop a report
 * that is owed (it runs on the next pass, as edited). An unchanged calendar rule keeps its next
 * slot. Otherwise (a new rule, or a schedule resumed by the edit) the rule's first slot after now.
 */
function nextRunOfEdit(
  before: ReportScheduleRow,
  after: ScheduleRule & { isActive: boolean; nextRunAt: Date },
  now: Date,
): Date {
  const running = before.isActive && after.isActive;
  if (running && before.nextRunAt <= now) return before.nextRunAt;
  const sameRule =
    before.frequency === after.frequency &&
    before.weekday === after.weekday &&
    before.dayOfMonth === after.dayOfMonth &&
    before.hour === after.hour;
  return running && sameRule ? before.nextRunAt : after.nextRunAt;
}

export function createSchedulesService(deps: DueDeps) {
  const tenantTx = tenantTxOf(deps);
  const now = () => deps.now?.() ?? new Date();
  const zoneOf = async (tx: Tx, tenantId: string) => (await tenantFacts(tx, tenantId))?.timeZone ?? 'UTC';

  /** Checks a whole schedule (created, or changed and merged) and gives the columns to store. */
  async function prepare(tx: Tx, ctx: CallContext, input: ScheduleInput) {
    const checked = checkReportRequest(deps.reportTypes, ctx.principal, input);
    const rule = ruleOf(input);
    const userIds = input.recipients.user_ids ?? [];
    const emails = input.recipients.emails ?? [];
    if (userIds.length + emails.length === 0)
      throw validationFailed([
        { path: '/body/recipients', message: 'needs at least one user or e-mail address' },
      ]);
    await checkRecipients(tx, ctx, userIds);
    const timeZone = await zoneOf(tx, ctx.tenantId);
    return {
      timeZone,
      values: {
        name: input.name,
        reportType: checked.type.key,
        format: checked.format,
        frequency: rule.frequency,
        weekday: rule.weekday ?? null,
        dayOfMonth: rule.dayOfMonth ?? null,
        hour: rule.hour,
        parameters: checked.parameters,
        recipientUserIds: userIds,
        recipientEmails: emails.map((e) => e.toLowerCase()),
        isActive: input.is_active ?? true,
        nextRunAt: firstRun(rule, timeZone, now()),
      },
    };
  }

  type Changes = Parameters<typeof writeAudit>[2]['changes'];
  const audit = (tx: Tx, ctx: CallContext, action: string, id: string, changes: Changes) =>
    writeAudit(tx, ctx.audit, {
      tenantId: ctx.tenantId,
      action,
      entityType: 'report_schedule',
      entityId: id,
      changes,
    });

  return {
    list: (ctx: CallContext, query: ScheduleListQuery) =>
      tenantTx(ctx, async (tx) => {
        const timeZone = await zoneOf(tx, ctx.tenantId);
        const page = await scheduleResource.list(tx, ctx, query, {
          where: [query.is_active === undefined ? undefined : eq(reportSchedules.isActive, query.is_active)],
        });
        return envelope('scheduled_reports', page, (row) => toScheduleJson(row, timeZone));
      }),

    get: (ctx: CallContext, id: string) =>
      tenantTx(ctx, async (tx) =>
        toScheduleJson(await scheduleResource.find(tx, ctx, id), await zoneOf(tx, ctx.tenantId)),
      ),

    create: (ctx: CallContext, body: CreateScheduleBody) =>
      tenantTx(ctx, async (tx) => {
        const { values, timeZone } = await prepare(tx, ctx, body);
        const [row] = await tx.db
          .insert(reportSchedules)
          .values({ ...values, tenantId: ctx.tenantId, createdBy: ctx.principal.userId })
          .returning();
        const json = toScheduleJson(row!, timeZone);
        await audit(tx, ctx, 'report_schedule.create', row!.id, { after: json });
        return json;
      }),

    update: (ctx: CallContext, id: string, body: UpdateScheduleBody) =>
      tenantTx(ctx, async (tx) => {
        const before = await scheduleResource.find(tx, ctx, id, { lock: true });
        const merged = { ...asInput(before), ...body } as ScheduleInput;
        // A frequency change drops the other calendar field unless the body sets it.
        if (body.frequency && body.frequency !== before.frequency) {
          if (body.weekday === undefined && merged.frequency !== 'weekly') delete merged.weekday;
          if (
            body.day_of_month === undefined &&
            (merged.frequency === 'daily' || merged.frequency === 'weekly')
          )
            delete merged.day_of_month;
        }
        const { values, timeZone } = await prepare(tx, ctx, merged);
        const nextRunAt = nextRunOfEdit(before, values, now());
        const [row] = await tx.db
          .update(reportSchedules)
          .set({ ...values, nextRunAt, updatedAt: new Date() })
          .where(and(eq(reportSchedules.tenantId, ctx.tenantId), eq(reportSchedules.id, id)))
          .returning();
        const json = toScheduleJson(row!, timeZone);
        await audit(tx, ctx, 'report_schedule.update', id, diff(toScheduleJson(before, timeZone), json));
        return json;
      }),

    toggle: (ctx: CallContext, id: string): Promise<Schedule> =>
      tenantTx(ctx, async (tx) => {
        const before = await scheduleResource.find(tx, ctx, id, { lock: true });
        const timeZone = await zoneOf(tx, ctx.tenantId);
        // Re-activated, it runs at its next slot from now, not at the ones it missed while paused.
        const nextRunAt = before.isActive ? before.nextRunAt : nextRunAfter(before, timeZone, now());
        const [row] = await tx.db
          .update(reportSchedules)
          .set({ isActive: !before.isActive, nextRunAt, updatedAt: new Date() })
          .where(and(eq(reportSchedules.tenantId, ctx.tenantId), eq(reportSchedules.id, id)))
          .returning();
        await audit(tx, ctx, 'report_schedule.toggle', id, {
          before: { is_active: before.isActive },
          after: { is_active: row!.isActive },
        });
        return toScheduleJson(row!, timeZone);
      }),

    remove: (ctx: CallContext, id: string) =>
      tenantTx(ctx, async (tx) => {
        const before = await scheduleResource.find(tx, ctx, id, { lock: true });
        // Its history stays, unlinked.
        await tx.db
          .update(reportRuns)
          .set({ scheduleId: null })
          .where(and(eq(reportRuns.tenantId, ctx.tenantId), eq(reportRuns.scheduleId, id)));
        await tx.db
          .delete(reportSchedules)
          .where(and(eq(reportSchedules.tenantId, ctx.tenantId), eq(reportSchedules.id, id)));
        await audit(tx, ctx, 'report_schedule.delete', id, {
          before: toScheduleJson(before, await zoneOf(tx, ctx.tenantId)),
        });
      }),
  };
}
export type SchedulesService = ReturnType<typeof createSchedulesService>;

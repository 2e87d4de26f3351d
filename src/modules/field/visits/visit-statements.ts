import { and, eq, getTableColumns, sql, type SQL } from 'drizzle-orm';
import { prepared } from '../../../platform/db/prepared.js';
import type { AppDb, Tx } from '../../../platform/db/types.js';
import type { Principal } from '../../../platform/http/auth.js';
import { scopePredicate, type CallContext } from '../../../platform/resource/index.js';
import { auditInsertSql } from '../../identity/index.js';
import type { AnswerableQuestion } from '../surveys/question-rules.js';
import { visits } from '../tables/visits.tables.js';

/**
 * The visit write path's statements, prepared once per connection (building a Drizzle query costs
 * about as much as running it) and shaped so each step is one read and one write, outside any
 * transaction (`writeTenant`):
 *
 * - a visit is found by its primary key alone; the data scope is a selected `visible` flag checked
 *   afterwards, so the key is the only access path whatever the table's statistics say (with the
 *   scope in the WHERE clause, an unanalysed table once led the planner to walk the agent's
 *   (tenant, agent, date) index and discard thousands of rows to lock one);
 * - what a step needs besides the visit (the outlet's geofence, the survey's questions, the visit's
 *   photos, the call-cycle slots it fulfils) comes back with it as JSON;
 * - the read takes no lock; the write is one statement (the visit's update, its audit row and
 *   whatever else it writes are CTEs) guarded by the status the read saw. When the visit changed in
 *   between, the guard matches no row, the statement writes nothing at all (each other CTE runs only
 *   when the update did), and the step reads again (`untilFresh`).
 *
 * Every value that varies is a placeholder; the caller's scope is the only part of the SQL that
 * differs between callers, so it is part of each statement's key.
 */

const p = <T = unknown>(name: string) => sql.placeholder(name) as unknown as T;

/** The caller's data scope over the visit's agent, with the caller's id as the placeholder `me`. */
function scopeOf(principal: Principal): { key: string; visible: SQL } {
  const predicate = scopePredicate({ ...principal, userId: p<string>('me') }, visits.agentId);
  return { key: principal.scope, visible: predicate ? sql`(${predicate})` : sql`true` };
}

const byKey = and(eq(visits.tenantId, p('tenantId')), eq(visits.id, p('id')));
/** The visit by its key, still in the status the step read (`seenStatus`). */
const unchangedSince = and(byKey, eq(visits.status, p('seenStatus')));

type PhotoJson = Record<string, unknown>;
export interface QuestionJson extends AnswerableQuestion {
  position: number;
}
export interface SlotJson {
  id: string;
  cycle_id: string;
  outlet_id: string;
  slot_date: string;
  agent_id: string;
}
interface StoredAnswer {
  question_id: string;
  value: unknown;
  created_at: string;
}
interface AnswerJson {
  question_id: string;
  text: string;
  type: string;
  value: unknown;
  created_at: string;
}

// The subqueries name the outer row as `visits.…` in plain SQL: Drizzle writes a single-table
// select's columns unqualified, which inside a subquery would bind to the subquery's own table.
const photosJson = sql<
  PhotoJson[]
>`(select coalesce(json_agg(row_to_json(ph) order by ph.created_at, ph.id), '[]')
  from photos ph where ph.tenant_id = visits.tenant_id and ph.visit_id = visits.id)`;

const outletJson = sql<{
  latitude: number | null;
  longitude: number | null;
  radius_m: number;
  archived: boolean;
} | null>`(select json_build_object('latitude', o.latitude, 'longitude', o.longitude,
    'radius_m', o.geofence_radius_m, 'archived', o.archived_at is not null)
  from outlets o where o.tenant_id = visits.tenant_id and o.id = visits.outlet_id)`;

const answersJson = sql<
  AnswerJson[]
>`(select coalesce(json_agg(json_build_object('question_id', a.question_id,
    'text', q.text, 'type', q.type, 'value', a.value, 'created_at', a.created_at) order by q.position, q.id), '[]')
  from visit_answers a join survey_questions q on q.tenant_id = a.tenant_id and q.id = a.question_id
  where a.tenant_id = visits.tenant_id and a.visit_id = visits.id)`;

const questionsJson = sql<
  QuestionJson[]
>`(select coalesce(json_agg(json_build_object('id', q.id, 'text', q.text,
    'type', q.type, 'required', q.required, 'options', q.options, 'validation', q.validation,
    'position', q.position) order by q.position, q.id), '[]')
  from survey_questions q
  where q.tenant_id = visits.tenant_id and q.survey_id = visits.survey_id and q.archived_at is null)`;

/**
 * The open call-cycle slots at the visit's outlet that its completion on `completedDate` may fulfil
 * (the agent's cycles that day, the visit's own cycle that day or on its planned date); which of
 * them it does is decided by `slotsFulfilledBy`.
 */
const slotCandidatesJson = sql<SlotJson[]>`(select coalesce(json_agg(json_build_object('id', s.id,
    'cycle_id', s.cycle_id, 'outlet_id', s.outlet_id, 'slot_date', s.slot_date, 'agent_id', c.agent_id)), '[]')
  from call_cycle_slots s join call_cycles c on c.tenant_id = s.tenant_id and c.id = s.cycle_id
  where s.tenant_id = visits.tenant_id and s.outlet_id = visits.outlet_id
    and s.status in ('planned', 'missed') and c.status <> 'cancelled'
    and ((c.agent_id = visits.agent_id and s.slot_date = ${p('completedDate')}::date)
      or (c.id = visits.call_cycle_id
        and s.slot_date in (${p('completedDate')}::date, visits.planned_date))))`;

const columns = getTableColumns(visits);

function visitQuery<E extends Record<string, SQL>>(db: AppDb, principal: Principal, extra: E) {
  const { visible } = scopeOf(principal);
  return db
    .select({ ...columns, visible: sql<boolean>`${visible}`, ...extra })
    .from(visits)
    .where(byKey);
}

const keyed = (ctx: CallContext, id: string, more: Record<string, unknown> = {}) => ({
  tenantId: ctx.tenantId,
  id,
  me: ctx.principal.userId,
  ...more,
});

/** GET /visits/{id}: the visit, its answers and photos in one statement. */
export async function visitWithDetails(tx: Tx, ctx: CallContext, id: string) {
  const { key } = scopeOf(ctx.principal);
  const [row] = await prepared(tx.db, `visits.details:${key}`, (db) =>
    visitQuery(db, ctx.principal, { answers: answersJson, photos: photosJson }).prepare(
      `visits_details_${key}`,
    ),
  ).execute(keyed(ctx, id));
  return row?.visible ? row : undefined;
}

/** The visit for check-in, with its outlet's geofence. */
export async function visitForCheckIn(tx: Tx, ctx: CallContext, id: string) {
  const { key } = scopeOf(ctx.principal);
  const [row] = await prepared(tx.db, `visits.forCheckIn:${key}`, (db) =>
    visitQuery(db, ctx.principal, { outlet: outletJson }).prepare(`visits_for_check_in_${key}`),
  ).execute(keyed(ctx, id));
  return row?.visible ? row : undefined;
}

/**
 * The visit for completion, with everything completion reads: the outlet's geofence, the survey's
 * active questions, the visit's photos (answers may name them; the response lists them) and the
 * call-cycle slots the completion may fulfil.
 */
export async function visitForCompletion(tx: Tx, ctx: CallContext, id: string, completedDate: string) {
  const { key } = scopeOf(ctx.principal);
  const [row] = await prepared(tx.db, `visits.forCompletion:${key}`, (db) =>
    visitQuery(db, ctx.principal, {
      outlet: outletJson,
      questions: questionsJson,
      photos: photosJson,
      slots: slotCandidatesJson,
    }).prepare(`visits_for_completion_${key}`),
  ).execute(keyed(ctx, id, { completedDate }));
  return row?.visible ? row : undefined;
}

/**
 * The visit's update as a CTE (`updated`), so the statement's other writes can depend on it; its
 * audit row is written only when the update was.
 */
function guardedUpdate(db: AppDb, values: Parameters<ReturnType<AppDb['update']>['set']>[0]) {
  const updated = db.$with('updated').as(db.update(visits).set(values).where(unchangedSince).returning());
  const audit = db.$with('audit_row', {}).as(auditInsertSql(sql`exists (select 1 from ${updated})`));
  // The CTE's columns under the table's field names, for the final select.
  const fields = Object.fromEntries(
    Object.keys(columns).map((name) => [name, updated[name as keyof typeof columns]]),
  ) as unknown as typeof columns;
  return { updated, audit, fields };
}

/** planned → in_progress with the check-in facts, and its audit row; no row when the visit changed. */
export function checkInVisit(tx: Tx, values: Record<string, unknown>) {
  return prepared(tx.db, 'visits.checkIn', (db) => {
    const { updated, audit, fields } = guardedUpdate(db, {
      status: 'in_progress',
      checkInAt: p('checkInAt'),
      checkInLatitude: p('checkInLatitude'),
      checkInLongitude: p('checkInLongitude'),
      checkInAccuracyM: p('checkInAccuracyM'),
      checkInDistanceM: p('checkInDistanceM'),
      checkInWithinGeofence: p('checkInWithinGeofence'),
      checkInGeocodeStatus: p('checkInGeocodeStatus'),
      checkInAddress: p('checkInAddress'),
      updatedAt: p('updatedAt'),
    });
    return db.with(updated, audit).select(fields).from(updated).prepare('visits_check_in');
  }).execute(values);
}

/** What a completion writes besides the visit and its audit row. */
export interface CompletionWrites {
  answers: boolean;
  slots: boolean;
}

/**
 * → completed with the completion facts, in one statement: the answers (a JSON list of
 * `{id, question_id, value}`), the fulfilled call-cycle slots (a JSON list of ids) and the audit
 * row are CTEs that write only when the visit was updated. The answers come back as inserted; no
 * row when the visit changed since it was read. A completion without answers or slots runs a
 * statement without those CTEs: each one, even writing nothing, sets up its table and indexes.
 */
export function completeVisit(tx: Tx, writes: CompletionWrites, values: Record<string, unknown>) {
  const shape = `${writes.answers ? 'a' : ''}${writes.slots ? 's' : ''}`;
  return prepared(tx.db, `visits.complete:${shape}`, (db) => {
    const { updated, audit, fields } = guardedUpdate(db, {
      status: 'completed',
      completedAt: p('completedAt'),
      completionLatitude: p('completionLatitude'),
      completionLongitude: p('completionLongitude'),
      completionAccuracyM: p('completionAccuracyM'),
      completionDistanceM: p('completionDistanceM'),
      completionWithinGeofence: p('completionWithinGeofence'),
      completionGeocodeStatus: p('completionGeocodeStatus'),
      completionAddress: p('completionAddress'),
      notes: sql`case when ${p('notesGiven')}::boolean then ${p('notes')}::text else ${visits.notes} end`,
      updatedAt: p('updatedAt'),
    });
    const answers = db.$with('new_answers', {}).as(
      sql`insert into visit_answers (tenant_id, id, visit_id, question_id, value)
        select ${p('tenantId')}, (a->>'id')::uuid, ${p('id')}, (a->>'question_id')::uuid, a->'value'
        from jsonb_array_elements(${p('answers')}::jsonb) a
        where exists (select 1 from ${updated})
        returning question_id, value, created_at`,
    );
    const slots = db.$with('fulfilled_slots', {}).as(
      sql`update call_cycle_slots set status = 'visited', visit_id = ${p('id')}, updated_at = ${p('updatedAt')}
        where tenant_id = ${p('tenantId')}
          and id in (select jsonb_array_elements_text(${p('slotIds')}::jsonb)::uuid)
          and status in ('planned', 'missed')
          and exists (select 1 from ${updated})
        returning id`,
    );
    const storedAnswers = writes.answers
      ? sql<StoredAnswer[]>`(select coalesce(
          json_agg(json_build_object('question_id', question_id, 'value', value, 'created_at', created_at)),
          '[]') from new_answers)`
      : sql<StoredAnswer[]>`'[]'::json`;
    return db
      .with(updated, ...(writes.answers ? [answers] : []), ...(writes.slots ? [slots] : []), audit)
      .select({ ...fields, answers: storedAnswers })
      .from(updated)
      .prepare(`visits_complete_${shape}`);
  }).execute(values);
}

/**
 * What creating a visit checks, in one statement: a visit already stored under the client_uuid, the
 * outlet (missing or archived), the survey (active) and the agent (active and within the caller's
 * scope, unless it is the caller).
 */
export async function creationFacts(tx: Tx, ctx: CallContext, values: Record<string, unknown>) {
  const { key } = scopeOf(ctx.principal);
  const [row] = await prepared(tx.db, `visits.creationFacts:${key}`, (db) => {
    const userScope = scopePredicate({ ...ctx.principal, userId: p<string>('me') }, sql`u.id`);
    return db
      .select({
        existingId: sql<string | null>`(select v.id from visits v
          where v.tenant_id = ${p('tenantId')} and v.client_uuid = ${p('clientUuid')}::uuid)`,
        outletArchived: sql<boolean | null>`(select o.archived_at is not null from outlets o
          where o.tenant_id = ${p('tenantId')} and o.id = ${p('outletId')}::uuid)`,
        surveyOk: sql<boolean>`(${p('surveyId')}::uuid is null or exists (select 1 from surveys s
          where s.tenant_id = ${p('tenantId')} and s.id = ${p('surveyId')}::uuid and s.is_active
            and s.archived_at is null))`,
        agentOk: sql<boolean>`(${p('agentId')}::uuid = ${p('me')}::uuid or exists (select 1 from users u
          where u.tenant_id = ${p('tenantId')} and u.id = ${p('agentId')}::uuid and u.status = 'active'
            and ${userScope ?? sql`true`}))`,
      })
      .from(sql`(select 1) as one`)
      .prepare(`visits_creation_facts_${key}`);
  }).execute({ tenantId: ctx.tenantId, me: ctx.principal.userId, ...values });
  return row!;
}

/**
 * Inserts the visit and, only when it was inserted, its audit row; nothing when the client_uuid
 * is already taken (a concurrent retry).
 */
export async function insertVisitAudited(tx: Tx, values: Record<string, unknown>) {
  const rows = await prepared(tx.db, 'visits.insert', (db) => {
    const inserted = db.$with('inserted').as(
      db
        .insert(visits)
        .values({
          tenantId: p('tenantId'),
          id: p('id'),
          agentId: p('agentId'),
          outletId: p('outletId'),
          surveyId: p('surveyId'),
          callCycleId: p('callCycleId'),
          clientUuid: p('clientUuid'),
          visitType: p('visitType'),
          plannedDate: p('plannedDate'),
          notes: p('notes'),
          createdAt: p('now'),
          updatedAt: p('now'),
        })
        .onConflictDoNothing({ target: [visits.tenantId, visits.clientUuid] })
        .returning(),
    );
    const audit = db.$with('audit_row', {}).as(auditInsertSql(sql`exists (select 1 from ${inserted})`));
    return db.with(inserted, audit).select().from(inserted).prepare('visits_insert');
  }).execute(values);
  return rows[0];
}

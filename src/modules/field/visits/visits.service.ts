import { eq, gte, lte } from 'drizzle-orm';
import { missingReference } from '../../../platform/db/pg-errors.js';
import type { TenantDatabase, Tx } from '../../../platform/db/types.js';
import {
  AppError,
  conflict,
  notFound,
  validationFailed,
  type FieldError,
} from '../../../platform/http/errors.js';
import { uuidv7 } from '../../../lib/ids.js';
import { auditPlaceholders } from '../../identity/index.js';
import {
  defineResource,
  envelope,
  iso,
  tenantReadOf,
  tenantTxOf,
  tenantWriteOf,
  type CallContext,
} from '../../../platform/resource/index.js';
import { callCycleResource } from '../call-cycles/call-cycles.service.js';
import { photoRowFromJson, photosOfVisit, toPhotoJson } from '../photos/photos.repository.js';
import { callCycles } from '../tables/call-cycles.tables.js';
import { visits } from '../tables/visits.tables.js';
import { visitGeocodeJson } from './visit-geocoding.schemas.js';
import type { Answer, CreateVisitBody, Visit, VisitListQuery } from './visits.schemas.js';
import { answersOfVisit, visitByClientUuid, type VisitRow } from './visits.repository.js';
import { creationFacts, insertVisitAudited, visitWithDetails } from './visit-statements.js';

export const toVisitJson = (row: VisitRow): Visit => ({
  id: row.id,
  agent_id: row.agentId,
  outlet_id: row.outletId,
  survey_id: row.surveyId,
  call_cycle_id: row.callCycleId,
  client_uuid: row.clientUuid,
  status: row.status,
  visit_type: row.visitType,
  planned_date: row.plannedDate,
  notes: row.notes,
  check_in_at: iso(row.checkInAt),
  check_in_latitude: row.checkInLatitude,
  check_in_longitude: row.checkInLongitude,
  check_in_accuracy_m: row.checkInAccuracyM,
  check_in_distance_m: row.checkInDistanceM,
  check_in_within_geofence: row.checkInWithinGeofence,
  completed_at: iso(row.completedAt),
  completion_latitude: row.completionLatitude,
  completion_longitude: row.completionLongitude,
  completion_accuracy_m: row.completionAccuracyM,
  completion_distance_m: row.completionDistanceM,
  completion_within_geofence: row.completionWithinGeofence,
  cancelled_at: iso(row.cancelledAt),
  cancel_reason: row.cancelReason,
  ...visitGeocodeJson(row),
  created_at: row.createdAt.toISOString(),
  updated_at: row.updatedAt.toISOString(),
});

/** Visits belong to their agent: lists and reads are limited to the caller's data scope. */
export const visitResource = defineResource({
  table: visits,
  name: 'Visit',
  tenantId: visits.tenantId,
  id: visits.id,
  owner: visits.agentId,
  sorts: {
    planned_date: visits.plannedDate,
    created_at: visits.createdAt,
    completed_at: visits.completedAt,
    status: visits.status,
  },
});

const NO_SUCH_CYCLE = { path: '/body/call_cycle_id', message: 'no such call cycle' };

const today = () => new Date().toISOString().slice(0, 10);

/**
 * The fields that make a visit the one its client_uuid names, as the request states them (defaults
 * applied): who visits which outlet, when, under which cycle, with which survey, of which type. They
 * never change after creation, so a true repeat always matches. `notes` is left out (completion may
 * replace it), and so is an omitted `planned_date`: its default is the day the request arrives,
 * which a retry after midnight would move.
 */
function changedFields(row: VisitRow, body: CreateVisitBody, agentId: string): string[] {
  const asked: Record<string, [unknown, unknown]> = {
    outlet_id: [row.outletId, body.outlet_id],
    agent_id: [row.agentId, agentId],
    call_cycle_id: [row.callCycleId, body.call_cycle_id ?? null],
    survey_id: [row.surveyId, body.survey_id ?? null],
    visit_type: [row.visitType, body.visit_type ?? 'planned'],
    planned_date: [row.plannedDate, body.planned_date ?? row.plannedDate],
  };
  return Object.entries(asked)
    .filter(([, [stored, requested]]) => stored !== requested)
    .map(([field]) => field);
}

export interface CreatedVisit {
  visit: Visit;
  /** False when a retry with the same client_uuid found the visit already there. */
  created: boolean;
}

export function createVisitsService(deps: { db: TenantDatabase }) {
  const tenantTx = tenantTxOf(deps);
  const tenantWrite = tenantWriteOf(deps);
  const tenantRead = tenantReadOf(deps);

  /**
   * The existing visit for a repeated client_uuid. A visit the caller may not see is a clash with
   * someone else's device id, not a retry, so it is never returned (nor compared). One the caller
   * sees is returned only when the request asks for the same visit (`changedFields`); a different
   * visit under the same id is a client's bug, answered 409 rather than with the wrong visit.
   */
  async function existing(
    tx: Tx,
    ctx: CallContext,
    body: CreateVisitBody,
    agentId: string,
  ): Promise<CreatedVisit | undefined> {
    const row = await visitByClientUuid(tx, ctx.tenantId, body.client_uuid!);
    if (!row) return undefined;
    const visible = await tx.db
      .select({ id: visits.id })
      .from(visits)
      .where(visitResource.where(ctx, eq(visits.id, row.id)));
    if (visible.length === 0)
      throw conflict('CLIENT_UUID_IN_USE', 'Another visit already uses this client_uuid.');
    const changed = changedFields(row, body, agentId);
    if (changed.length > 0)
      throw new AppError(
        409,
        'CLIENT_UUID_REUSED',
        'This client_uuid already named a different visit; a retry must repeat the same request.',
        {
          errors: changed.map((field) => ({
            path: `/body/${field}`,
            message: 'differs from the visit stored under this client_uuid',
          })),
          extensions: { visit_id: row.id },
        },
      );
    return { visit: toVisitJson(row), created: false };
  }

  /** 422 naming every reference the caller may not use; the checks travel in one statement. */
  async function checkReferences(tx: Tx, ctx: CallContext, body: CreateVisitBody, agentId: string) {
    const facts = await creationFacts(tx, ctx, {
      clientUuid: body.client_uuid ?? null,
      outletId: body.outlet_id,
      surveyId: body.survey_id ?? null,
      agentId,
    });
    if (facts.existingId) return facts;
    const errors: FieldError[] = [];
    if (!facts.agentOk)
      errors.push({ path: '/body/agent_id', message: 'no such active user within your scope' });
    if (facts.outletArchived !== false) errors.push({ path: '/body/outlet_id', message: 'no such outlet' });
    if (!facts.surveyOk) errors.push({ path: '/body/survey_id', message: 'no such active survey' });
    // The foreign key holds it to the tenant; the caller must also be able to see the cycle.
    if (body.call_cycle_id) {
      const [cycle] = await tx.db
        .select({ id: callCycles.id })
        .from(callCycles)
        .where(callCycleResource.where(ctx, eq(callCycles.id, body.call_cycle_id)));
      if (!cycle) errors.push(NO_SUCH_CYCLE);
    }
    if (errors.length) throw validationFailed(errors);
    return facts;
  }

  return {
    /**
     * Creates a planned visit. With a client_uuid the call is idempotent: a repeat returns the
     * visit already stored (created = false) — also when two repeats race, through ON CONFLICT —
     * and a different request under the same client_uuid is 409 CLIENT_UUID_REUSED. The checks
     * are reads and the visit with its audit row one statement, so no transaction is needed.
     */
    create(ctx: CallContext, body: CreateVisitBody): Promise<CreatedVisit> {
      return tenantWrite(ctx, async (tx) => {
        const agentId = body.agent_id ?? ctx.principal.userId;
        // A stored visit under the client_uuid is found by the same statement as the checks.
        const facts = await checkReferences(tx, ctx, body, agentId);
        if (facts.existingId) return (await existing(tx, ctx, body, agentId))!;
        const visit = {
          agent_id: agentId,
          outlet_id: body.outlet_id,
          survey_id: body.survey_id ?? null,
          call_cycle_id: body.call_cycle_id ?? null,
          client_uuid: body.client_uuid ?? null,
          visit_type: body.visit_type ?? 'planned',
          planned_date: body.planned_date ?? today(),
          notes: body.notes ?? null,
        };
        const id = uuidv7();
        // The cycle's key has the last word should the cycle be deleted since the check.
        const row = await insertVisitAudited(tx, {
          tenantId: ctx.tenantId,
          id,
          agentId,
          outletId: visit.outlet_id,
          surveyId: visit.survey_id,
          callCycleId: visit.call_cycle_id,
          clientUuid: visit.client_uuid,
          visitType: visit.visit_type,
          plannedDate: visit.planned_date,
          notes: visit.notes,
          now: new Date(),
          ...auditPlaceholders(ctx.audit, {
            tenantId: ctx.tenantId,
            action: 'visit.create',
            entityType: 'visit',
            entityId: id,
            changes: { after: { status: 'planned', ...visit } },
          }),
        }).catch((error: unknown) => {
          throw missingReference(error, { visits_tenant_call_cycle_fk: NO_SUCH_CYCLE }) ?? error;
        });
        if (row) return { visit: toVisitJson(row), created: true };
        // Lost a race with a concurrent retry: the other request's row is the answer.
        return (await existing(tx, ctx, body, agentId))!;
      });
    },

    list(ctx: CallContext, query: VisitListQuery) {
      return tenantTx(ctx, async (tx) => {
        const page = await visitResource.list(tx, ctx, query, {
          where: [
            query.agent ? eq(visits.agentId, query.agent) : undefined,
            query.outlet ? eq(visits.outletId, query.outlet) : undefined,
            query.survey ? eq(visits.surveyId, query.survey) : undefined,
            query.call_cycle ? eq(visits.callCycleId, query.call_cycle) : undefined,
            query.status ? eq(visits.status, query.status) : undefined,
            query.date_from ? gte(visits.plannedDate, query.date_from) : undefined,
            query.date_to ? lte(visits.plannedDate, query.date_to) : undefined,
          ],
        });
        return envelope('visits', page, toVisitJson);
      });
    },

    /** The visit with its answers and photos, read in one statement (outside a transaction). */
    get(ctx: CallContext, id: string) {
      return tenantRead(ctx, async (tx) => {
        const row = await visitWithDetails(tx, ctx, id);
        if (!row) throw notFound('Visit');
        const { answers, photos, visible: _visible, ...visit } = row;
        return {
          ...toVisitJson(visit),
          answers: answers.map((a) => ({
            question_id: a.question_id,
            question_text: a.text,
            question_type: a.type as Answer['question_type'],
            value: a.value,
            created_at: new Date(a.created_at).toISOString(),
          })),
          photos: photos.map((photo) => toPhotoJson(photoRowFromJson(photo))),
        };
      });
    },

    photos(ctx: CallContext, id: string) {
      return tenantTx(ctx, async (tx) => {
        await visitResource.find(tx, ctx, id);
        return { photos: (await photosOfVisit(tx, ctx.tenantId, id)).map(toPhotoJson) };
      });
    },

    answers(ctx: CallContext, id: string) {
      return tenantTx(ctx, async (tx) => {
        await visitResource.find(tx, ctx, id);
        return { answers: await answersOfVisit(tx, ctx.tenantId, id) };
      });
    },
  };
}

export type VisitsService = ReturnType<typeof createVisitsService>;

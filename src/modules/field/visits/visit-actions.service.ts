import type { TenantDatabase, Tx } from '../../../platform/db/types.js';
import { AppError, notFound, validationFailed } from '../../../platform/http/errors.js';
import { uuidv7 } from '../../../lib/ids.js';
import { auditPlaceholders, type CallContext, inTenant, writeAudit } from '../../identity/index.js';
import { staleRead, tenantWriteOf, untilFresh } from '../../../platform/resource/index.js';
import { slotsToMark } from '../call-cycles/slots.js';
import { geofenceCheck } from '../formulas.js';
import { photoRowFromJson, toPhotoJson } from '../photos/photos.repository.js';
import { checkAnswers } from '../surveys/question-rules.js';
import type { Answer, CancelVisitBody, CheckInBody, CompleteVisitBody } from './visits.schemas.js';
import { updateVisit, type VisitRow } from './visits.repository.js';
import type { VisitGeocoding } from './visit-geocoding.js';
import { checkInVisit, completeVisit, visitForCheckIn, visitForCompletion } from './visit-statements.js';
import { toVisitJson, visitResource } from './visits.service.js';

/** Device clocks drift; times further ahead than this are rejected as wrong. */
const CLOCK_SKEW_MS = 5 * 60_000;

const utcDay = (at: Date) => at.toISOString().slice(0, 10);

export const visitAlreadyCompleted = (row: Pick<VisitRow, 'id' | 'completedAt'>) =>
  new AppError(409, 'VISIT_ALREADY_COMPLETED', 'The visit is already completed.', {
    extensions: { visit_id: row.id, completed_at: row.completedAt?.toISOString() ?? null },
  });

const visitCancelled = () => new AppError(409, 'VISIT_CANCELLED', 'The visit is cancelled.');

/** The states a visit can still be worked on from. */
function assertOpen(row: VisitRow) {
  if (row.status === 'completed') throw visitAlreadyCompleted(row);
  if (row.status === 'cancelled') throw visitCancelled();
  if (row.status === 'missed')
    throw new AppError(409, 'VISIT_MISSED', 'The visit was missed; create a new visit instead.');
}

/** A device-supplied time, defaulting to now; never in the future beyond clock skew. */
function deviceTime(value: string | undefined, path: string): Date {
  if (!value) return new Date();
  const at = new Date(value);
  if (at.getTime() > Date.now() + CLOCK_SKEW_MS)
    throw validationFailed([{ path, message: 'must not be in the future' }]);
  return at;
}

/** Distance to the outlet and the geofence verdict (none when the outlet has no position). */
function gpsFacts(
  outlet: { latitude: number | null; longitude: number | null; radius_m: number } | null,
  point: { latitude: number; longitude: number },
) {
  return geofenceCheck(point, {
    latitude: outlet?.latitude ?? null,
    longitude: outlet?.longitude ?? null,
    radiusM: outlet?.radius_m,
  });
}

/** Code-point order, as the database's `C` collation sorts uuids. */
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function createVisitActionsService(deps: { db: TenantDatabase; geocoding: VisitGeocoding }) {
  const tenantTx = <T>(ctx: CallContext, fn: (tx: Tx) => Promise<T>) => inTenant(deps, ctx, fn);
  const tenantWrite = tenantWriteOf(deps);
  /**
   * A check-in or completion: its reads, then one guarded write that commits on its own; read
   * again when the visit changed in between. When the fix is geocoded, a transaction instead, so the
   * geocoding job commits with the fix.
   */
  const step = <T>(ctx: CallContext, fn: (tx: Tx) => Promise<T>) =>
    untilFresh(() => (deps.geocoding.queuesJobs ? tenantTx(ctx, fn) : tenantWrite(ctx, fn)));

  return {
    /**
     * planned → in_progress with the GPS fix, its distance to the outlet and the geofence verdict.
     * A retry with the same coordinates and accuracy returns the visit unchanged; a second check-in
     * with a different fix is a 409, so the first fix is never overwritten.
     */
    checkIn(ctx: CallContext, id: string, body: CheckInBody) {
      return step(ctx, async (tx) => {
        const found = await visitForCheckIn(tx, ctx, id);
        if (!found) throw notFound('Visit');
        const { outlet, visible: _visible, ...row } = found;
        if (row.status === 'in_progress') {
          const same =
            row.checkInLatitude === body.latitude &&
            row.checkInLongitude === body.longitude &&
            row.checkInAccuracyM === body.accuracy_m;
          if (same) return toVisitJson(row);
          throw new AppError(409, 'VISIT_ALREADY_CHECKED_IN', 'The visit is already checked in.', {
            extensions: { visit_id: row.id, check_in_at: row.checkInAt?.toISOString() ?? null },
          });
        }
        assertOpen(row);
        const at = deviceTime(body.checked_in_at, '/body/checked_in_at');
        const gps = gpsFacts(outlet, body);
        const after = {
          status: 'in_progress',
          check_in_at: at.toISOString(),
          check_in_latitude: body.latitude,
          check_in_longitude: body.longitude,
          check_in_accuracy_m: body.accuracy_m ?? null,
          check_in_distance_m: gps.distanceM,
          check_in_within_geofence: gps.withinGeofence,
        };
        const [updated] = await checkInVisit(tx, {
          tenantId: ctx.tenantId,
          id,
          seenStatus: row.status,
          checkInAt: at,
          checkInLatitude: body.latitude,
          checkInLongitude: body.longitude,
          checkInAccuracyM: body.accuracy_m ?? null,
          checkInDistanceM: gps.distanceM,
          checkInWithinGeofence: gps.withinGeofence,
          ...deps.geocoding.valuesFor('check_in'),
          updatedAt: new Date(),
          ...auditPlaceholders(ctx.audit, {
            tenantId: ctx.tenantId,
            action: 'visit.check_in',
            entityType: 'visit',
            entityId: id,
            changes: { before: { status: row.status }, after },
          }),
        });
        if (!updated) throw staleRead();
        await deps.geocoding.enqueue(tx, ctx.tenantId, id, 'check_in');
        return toVisitJson(updated);
      });
    },

    /**
     * Completes a planned or in-progress visit: answers checked against the survey's active
     * questions, stored with the completion GPS and time in one transaction. A second completion is
     * a 409 VISIT_ALREADY_COMPLETED (carrying the visit id), which a retrying device treats as done.
     * The visit and all completion reads come in one statement; the answers, the visit, the call-cycle
     * slots it fulfils and the audit row are written by one more.
     */
    complete(ctx: CallContext, id: string, body: CompleteVisitBody) {
      return step(ctx, async (tx) => {
        const at = deviceTime(body.completed_at, '/body/completed_at');
        const found = await visitForCompletion(tx, ctx, id, utcDay(at));
        if (!found) throw notFound('Visit');
        const { outlet, questions, photos, slots, visible: _visible, ...row } = found;
        assertOpen(row);
        if (row.checkInAt && at < row.checkInAt)
          throw validationFailed([
            { path: '/body/completed_at', message: 'must not be before the check-in' },
          ]);
        const answers = body.answers ?? [];
        if (!row.surveyId && answers.length > 0)
          throw validationFailed([{ path: '/body/answers', message: 'the visit has no survey to answer' }]);
        const photoIds = new Set(photos.map((p) => p.id as string));
        const { errors, values } = checkAnswers(questions, answers, photoIds);
        if (errors.length) throw validationFailed(errors, 'The answers are not valid.');
        const gps = gpsFacts(outlet, body);
        // Call-cycle adherence counts this visit from the moment it is completed.
        const fulfilled = slotsToMark({ ...row, completedAt: at }, slots);
        const writes = { answers: values.size > 0, slots: fulfilled.length > 0 };
        const [updated] = await completeVisit(tx, writes, {
          tenantId: ctx.tenantId,
          id,
          seenStatus: row.status,
          answers: JSON.stringify(
            [...values].map(([questionId, value]) => ({ id: uuidv7(), question_id: questionId, value })),
          ),
          slotIds: JSON.stringify(fulfilled),
          completedAt: at,
          completionLatitude: body.latitude,
          completionLongitude: body.longitude,
          completionAccuracyM: body.accuracy_m ?? null,
          completionDistanceM: gps.distanceM,
          completionWithinGeofence: gps.withinGeofence,
          ...deps.geocoding.valuesFor('completion'),
          notesGiven: body.notes !== undefined,
          notes: body.notes ?? null,
          updatedAt: new Date(),
          ...auditPlaceholders(ctx.audit, {
            tenantId: ctx.tenantId,
            action: 'visit.complete',
            entityType: 'visit',
            entityId: id,
            changes: {
              before: { status: row.status },
              after: {
                status: 'completed',
                answers: values.size,
                completion_distance_m: gps.distanceM,
                completion_within_geofence: gps.withinGeofence,
              },
            },
          }),
        });
        if (!updated) throw staleRead();
        await deps.geocoding.enqueue(tx, ctx.tenantId, id, 'completion');
        const { answers: stored, ...visit } = updated;
        const byQuestion = new Map(questions.map((q) => [q.id, q]));
        return {
          ...toVisitJson(visit),
          answers: stored
            .map((a) => ({ ...a, question: byQuestion.get(a.question_id)! }))
            .sort(
              (a, b) => a.question.position - b.question.position || compare(a.question.id, b.question.id),
            )
            .map((a) => ({
              question_id: a.question_id,
              question_text: a.question.text,
              question_type: a.question.type as Answer['question_type'],
              value: a.value,
              created_at: new Date(a.created_at).toISOString(),
            })),
          photos: photos.map((photo) => toPhotoJson(photoRowFromJson(photo))),
        };
      });
    },

    /** Cancels an open visit with a reason; cancelling a cancelled visit again returns it unchanged. */
    cancel(ctx: CallContext, id: string, body: CancelVisitBody) {
      return tenantTx(ctx, async (tx) => {
        const row = await visitResource.find(tx, ctx, id, { lock: true });
        if (row.status === 'cancelled') return toVisitJson(row);
        assertOpen(row);
        const updated = await updateVisit(tx, ctx.tenantId, id, {
          status: 'cancelled',
          cancelledAt: new Date(),
          cancelReason: body.reason,
        });
        await writeAudit(tx, ctx.audit, {
          tenantId: ctx.tenantId,
          action: 'visit.cancel',
          entityType: 'visit',
          entityId: id,
          changes: { before: { status: row.status }, after: { status: 'cancelled', reason: body.reason } },
        });
        return toVisitJson(updated);
      });
    },
  };
}

export type VisitActionsService = ReturnType<typeof createVisitActionsService>;

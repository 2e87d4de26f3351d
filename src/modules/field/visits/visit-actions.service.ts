import type { TenantDatabase, Tx } from '../../../platform/db/types.js';
import { AppError, validationFailed } from '../../../platform/http/errors.js';
import { type CallContext, inTenant, writeAudit } from '../../identity/index.js';
import { markSlotsVisitedByVisit } from '../call-cycles/slots.js';
import { geofenceCheck } from '../formulas.js';
import { photosOfVisit, toPhotoJson } from '../photos/photos.repository.js';
import { checkAnswers } from '../surveys/question-rules.js';
import { questionsOf } from '../surveys/surveys.repository.js';
import { visitAnswers } from '../tables/visits.tables.js';
import type { CancelVisitBody, CheckInBody, CompleteVisitBody } from './visits.schemas.js';
import { answersOfVisit, outletOf, updateVisit, type VisitRow } from './visits.repository.js';
import type { VisitGeocoding } from './visit-geocoding.js';
import { toVisitJson, visitResource } from './visits.service.js';

/** Device clocks drift; times further ahead than this are rejected as wrong. */
const CLOCK_SKEW_MS = 5 * 60_000;

export const visitAlreadyCompleted = (row: VisitRow) =>
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

async function gpsFacts(
  tx: Tx,
  tenantId: string,
  row: VisitRow,
  point: { latitude: number; longitude: number },
) {
  const outlet = await outletOf(tx, tenantId, row.outletId);
  return geofenceCheck(point, {
    latitude: outlet?.latitude ?? null,
    longitude: outlet?.longitude ?? null,
    radiusM: outlet?.radiusM,
  });
}

export function createVisitActionsService(deps: { db: TenantDatabase; geocoding?: VisitGeocoding }) {
  const tenantTx = <T>(ctx: CallContext, fn: (tx: Tx) => Promise<T>) => inTenant(deps, ctx, fn);

  return {
    /**
     * planned → in_progress with the GPS fix, its distance to the outlet and the geofence verdict.
     * A retry with the same coordinates and accuracy returns the visit unchanged; a second check-in
     * with a different fix is a 409, so the first fix is never overwritten.
     */
    checkIn(ctx: CallContext, id: string, body: CheckInBody) {
      return tenantTx(ctx, async (tx) => {
        const row = await visitResource.find(tx, ctx, id, { lock: true });
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
        const gps = await gpsFacts(tx, ctx.tenantId, row, body);
        const updated = await updateVisit(tx, ctx.tenantId, id, {
          status: 'in_progress',
          checkInAt: at,
          checkInLatitude: body.latitude,
          checkInLongitude: body.longitude,
          checkInAccuracyM: body.accuracy_m,
          checkInDistanceM: gps.distanceM,
          checkInWithinGeofence: gps.withinGeofence,
          ...deps.geocoding?.valuesFor('check_in'),
        });
        await deps.geocoding?.enqueue(tx, ctx.tenantId, id, 'check_in');
        return toVisitJson(updated);
      });
    },

    /**
     * Completes a planned or in-progress visit: answers checked against the survey's active
     * questions, stored with the completion GPS and time in one transaction. A second completion is
     * a 409 VISIT_ALREADY_COMPLETED (carrying the visit id), which a retrying device treats as done.
     */
    complete(ctx: CallContext, id: string, body: CompleteVisitBody) {
      return tenantTx(ctx, async (tx) => {
        const row = await visitResource.find(tx, ctx, id, { lock: true });
        assertOpen(row);
        const at = deviceTime(body.completed_at, '/body/completed_at');
        if (row.checkInAt && at < row.checkInAt)
          throw validationFailed([
            { path: '/body/completed_at', message: 'must not be before the check-in' },
          ]);
        const answers = body.answers ?? [];
        const questions = row.surveyId ? await questionsOf(tx, ctx.tenantId, row.surveyId) : [];
        if (!row.surveyId && answers.length > 0)
          throw validationFailed([{ path: '/body/answers', message: 'the visit has no survey to answer' }]);
        const photoIds = new Set((await photosOfVisit(tx, ctx.tenantId, id)).map((p) => p.id));
        const { errors, values } = checkAnswers(questions, answers, photoIds);
        if (errors.length) throw validationFailed(errors, 'The answers are not valid.');
        if (values.size > 0)
          await tx.db.insert(visitAnswers).values(
            [...values].map(([questionId, value]) => ({
              tenantId: ctx.tenantId,
              visitId: id,
              questionId,
              value,
            })),
          );
        const gps = await gpsFacts(tx, ctx.tenantId, row, body);
        const updated = await updateVisit(tx, ctx.tenantId, id, {
          status: 'completed',
          completedAt: at,
          completionLatitude: body.latitude,
          completionLongitude: body.longitude,
          completionAccuracyM: body.accuracy_m,
          completionDistanceM: gps.distanceM,
          completionWithinGeofence: gps.withinGeofence,
          ...(body.notes !== undefined ? { notes: body.notes } : {}),
          ...deps.geocoding?.valuesFor('completion'),
        });
        await deps.geocoding?.enqueue(tx, ctx.tenantId, id, 'completion');
        // Call-cycle adherence counts this visit from the moment it is completed.
        await markSlotsVisitedByVisit(tx, ctx.tenantId, updated);
        await writeAudit(tx, ctx.audit, {
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
        });
        const photos = await photosOfVisit(tx, ctx.tenantId, id);
        return {
          ...toVisitJson(updated),
          answers: await answersOfVisit(tx, ctx.tenantId, id),
          photos: photos.map(toPhotoJson),
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

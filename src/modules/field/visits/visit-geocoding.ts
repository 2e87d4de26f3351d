import { and, eq } from 'drizzle-orm';
import type { Tx } from '../../../platform/db/types.js';
import {
  GeocoderRejectedError,
  geocodeJobOptions,
  isFinalAttempt,
  type GeocodeOutcome,
  type Geocoder,
  type GeocodeStatus,
} from '../../../platform/geocoding/index.js';
import { defineJob, type JobQueue } from '../../../platform/jobs/index.js';
import type { Platform } from '../../../platform/module.js';
import { visits } from '../tables/visits.tables.js';

type VisitRow = typeof visits.$inferSelect;
type NewVisitRow = typeof visits.$inferInsert;

/** Which of a visit's fixes: the check-in or the completion. */
export type VisitPosition = 'check_in' | 'completion';

export const geocodeVisitJob = defineJob<{ tenantId: string; visitId: string; position: VisitPosition }>(
  'field.geocode-visit',
);

const columns = {
  check_in: {
    latitude: 'checkInLatitude',
    longitude: 'checkInLongitude',
    address: 'checkInAddress',
    status: 'checkInGeocodeStatus',
  },
  completion: {
    latitude: 'completionLatitude',
    longitude: 'completionLongitude',
    address: 'completionAddress',
    status: 'completionGeocodeStatus',
  },
} as const;

/**
 * What the check-in and completion use cases call: the status columns to write with the fix
 * (`pending`, or `off` without a geocoder), then the job, enqueued in the same transaction.
 */
export function createVisitGeocoding(platform: {
  geocoder: Pick<Geocoder, 'enabled'>;
  jobs: Pick<JobQueue, 'send'>;
}) {
  return {
    /** Whether a fix is geocoded: its job is then enqueued in the transaction that stores the fix. */
    get queuesJobs(): boolean {
      return platform.geocoder.enabled;
    },
    valuesFor(position: VisitPosition): Partial<NewVisitRow> {
      const status: GeocodeStatus = platform.geocoder.enabled ? 'pending' : 'off';
      return { [columns[position].status]: status, [columns[position].address]: null };
    },
    async enqueue(tx: Tx, tenantId: string, visitId: string, position: VisitPosition): Promise<void> {
      if (platform.geocoder.enabled)
        await platform.jobs.send(geocodeVisitJob, { tenantId, visitId, position }, { tx });
    },
  };
}
export type VisitGeocoding = ReturnType<typeof createVisitGeocoding>;

/**
 * The job: reverse-geocodes the fix outside any transaction (the geocoder may wait for its
 * rate-limit slot) and stores the address with the visit. Fixes never change once taken, so the
 * result is written whenever the position is still pending. Throttling, 5xx and timeouts are
 * retried with backoff; the last failure leaves `failed` and the error on the visit.
 */
export function registerVisitGeocodingJobs(platform: Pick<Platform, 'db' | 'jobs' | 'geocoder' | 'config'>) {
  const { db, geocoder } = platform;
  const options = geocodeJobOptions(platform.config);

  const settle = (tenantId: string, visitId: string, position: VisitPosition, values: Partial<NewVisitRow>) =>
    db.withTenant({ tenantId }, async (tx) => {
      const status = visits[columns[position].status];
      await tx.db
        .update(visits)
        .set(values)
        .where(and(eq(visits.tenantId, tenantId), eq(visits.id, visitId), eq(status, 'pending')));
    });

  platform.jobs.register(
    geocodeVisitJob,
    async ({ tenantId, visitId, position }, { attempt }) => {
      const c = columns[position];
      const [row]: (VisitRow | undefined)[] = await db.withTenant({ tenantId }, (tx) =>
        tx.db
          .select()
          .from(visits)
          .where(and(eq(visits.tenantId, tenantId), eq(visits.id, visitId))),
      );
      if (!row || row[c.status] !== 'pending') return;
      const latitude = row[c.latitude];
      const longitude = row[c.longitude];
      if (latitude === null || longitude === null || !geocoder.enabled) {
        await settle(tenantId, visitId, position, { [c.status]: geocoder.enabled ? null : 'off' });
        return;
      }
      let outcome: GeocodeOutcome;
      try {
        outcome = await geocoder.reverse({ latitude, longitude });
      } catch (error) {
        const final = isFinalAttempt(attempt, options) || error instanceof GeocoderRejectedError;
        await settle(tenantId, visitId, position, {
          [c.status]: final ? 'failed' : 'pending',
          geocodeError: (error as Error).message.slice(0, 500),
        });
        if (error instanceof GeocoderRejectedError) return;
        throw error;
      }
      await settle(tenantId, visitId, position, {
        [c.status]: outcome.found ? 'ok' : 'not_found',
        [c.address]: outcome.found ? outcome.place : null,
        geocodeError: null,
      });
    },
    options,
  );
}

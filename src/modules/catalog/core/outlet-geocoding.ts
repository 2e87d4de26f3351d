import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Tx } from '../../../platform/db/types.js';
import {
  addressLine,
  GeocoderRejectedError,
  geocodeJobOptions,
  isFinalAttempt,
  type GeocodeOutcome,
  type Geocoder,
  type GeocodeStatus,
} from '../../../platform/geocoding/index.js';
import { defineJob, type JobQueue } from '../../../platform/jobs/index.js';
import type { Platform } from '../../../platform/module.js';
import { SYSTEM_AUDIT, writeAudit } from '../../identity/index.js';
import { outlets } from '../tables/core.tables.js';

type OutletRow = typeof outlets.$inferSelect;
type NewOutletRow = typeof outlets.$inferInsert;
type Position = Pick<OutletRow, 'address' | 'latitude' | 'longitude'>;
type Located = Position & Pick<OutletRow, 'geocodedField'>;

export const geocodeOutletJob = defineJob<{ tenantId: string; outletId: string }>('catalog.geocode-outlet');
/** Fans an import batch's outlets out to one lookup job each, after the batch committed. */
export const geocodeOutletsJob = defineJob<{ tenantId: string; outletIds: string[] }>(
  'catalog.geocode-outlets',
);

/**
 * What an outlet needs: a position for its address (forward, `search`), or an address for its
 * position (`reverse`). A half the geocoder filled in is looked up again once the other half was
 * edited (the write leaves `geocodedField` set and marks the outlet pending); a half written by
 * hand is never replaced. One with both by hand, or neither, needs nothing.
 */
export function geocodeNeed(o: Located): 'search' | 'reverse' | null {
  const hasAddress = Boolean(o.address?.trim());
  const hasPosition = o.latitude !== null && o.longitude !== null;
  if (hasAddress && (!hasPosition || o.geocodedField === 'position')) return 'search';
  if (hasPosition && (!hasAddress || o.geocodedField === 'address')) return 'reverse';
  return null;
}

const samePosition = (a: Position, b: Position) =>
  a.address === b.address && a.latitude === b.latitude && a.longitude === b.longitude;

/** The outlet write path's side: the geocoder's switch and the queue to enqueue lookups on. */
export interface OutletGeocoding {
  geocoder: Pick<Geocoder, 'enabled'>;
  jobs: Pick<JobQueue, 'send'>;
}

/**
 * The geocoding columns an outlet write sets, from the outlet as it will be: `pending` (a job is
 * enqueued) when its address or position changed and it needs a lookup, `off` when it would but
 * geocoding is not configured, cleared when it no longer needs one. A write that leaves address and
 * position alone leaves them alone too.
 */
export function geocodeValuesFor(
  geocoding: OutletGeocoding | undefined,
  before: OutletRow | undefined,
  values: Partial<NewOutletRow>,
): Partial<NewOutletRow> {
  const position: Position = {
    address: values.address !== undefined ? values.address : (before?.address ?? null),
    latitude: values.latitude !== undefined ? values.latitude : (before?.latitude ?? null),
    longitude: values.longitude !== undefined ? values.longitude : (before?.longitude ?? null),
  };
  if (before && samePosition(before, position)) return {};
  // The half this write changed is now the user's own, no longer the geocoder's.
  const addressEdited = !before || position.address !== before.address;
  const positionEdited =
    !before || position.latitude !== before.latitude || position.longitude !== before.longitude;
  const filled = before?.geocodedField ?? null;
  const geocodedField =
    (filled === 'address' && addressEdited) || (filled === 'position' && positionEdited) ? null : filled;
  const need = geocodeNeed({ ...position, geocodedField });
  const status: GeocodeStatus | null = !need ? null : geocoding?.geocoder.enabled ? 'pending' : 'off';
  return { geocodeStatus: status, geocodeError: null, geocodedField };
}

/** Enqueues the lookup in the write's transaction, when the write marked the outlet pending. */
export async function enqueueOutletGeocode(
  geocoding: OutletGeocoding | undefined,
  tx: Tx,
  row: OutletRow,
  values: Partial<NewOutletRow>,
): Promise<void> {
  if (geocoding && values.geocodeStatus === 'pending')
    await geocoding.jobs.send(geocodeOutletJob, { tenantId: row.tenantId, outletId: row.id }, { tx });
}

/**
 * At start with a geocoder: outlets marked `off` while geocoding was not configured are queued now
 * (in one cross-tenant transaction, so a crash queues them again at the next start). Visits are not
 * back-filled: their past fixes would swamp a 1-request-per-second geocoder.
 */
export async function queueOutletsGeocodingWasOffFor(
  platform: Pick<Platform, 'system' | 'jobs' | 'geocoder'>,
) {
  if (!platform.geocoder.enabled) return;
  await platform.system.crossTenantJob(geocodeOutletJob.name, async (tx) => {
    const rows = await tx.db
      .update(outlets)
      .set({ geocodeStatus: 'pending' })
      .where(eq(outlets.geocodeStatus, 'off'))
      .returning({ tenantId: outlets.tenantId, id: outlets.id });
    for (const row of rows)
      await platform.jobs.send(geocodeOutletJob, { tenantId: row.tenantId, outletId: row.id }, { tx });
  });
}

const STALE_POSITION = { latitude: null, longitude: null, geocodedField: null };
const STALE_ADDRESS = { address: null, geocodedField: null };

/**
 * After an import batch wrote outlets: the same rules as an API write, in one statement over the
 * batch's created and updated rows. The file's columns say which halves it wrote by hand; an
 * outlet is queued when it lacks a half, or when the file wrote one half and the other was the
 * geocoder's. One fan-out job per batch (not one per outlet) joins the write's transaction.
 */
export async function queueImportedOutlets(
  tx: Tx,
  geocoding: OutletGeocoding,
  input: { tenantId: string; ids: string[]; columns: ReadonlySet<string> },
): Promise<void> {
  const literal = (b: boolean) => sql.raw(b ? 'true' : 'false');
  const wroteAddress = literal(input.columns.has('address'));
  const wrotePosition = literal(input.columns.has('latitude') || input.columns.has('longitude'));
  const hasAddress = sql`coalesce(btrim(${outlets.address}), '') <> ''`;
  const hasPosition = sql`${outlets.latitude} is not null`;
  const field = sql`case
    when ${wrotePosition} and ${outlets.geocodedField} = 'position' then null
    when ${wroteAddress} and ${outlets.geocodedField} = 'address' then null
    else ${outlets.geocodedField} end`;
  const need = sql`(${hasAddress} and (not ${hasPosition} or ${field} = 'position'))
    or (${hasPosition} and (not ${hasAddress} or ${field} = 'address'))`;
  const queued = geocoding.geocoder.enabled ? 'pending' : 'off';
  const rows = await tx.db
    .update(outlets)
    .set({
      geocodedField: sql`${field}`,
      geocodeStatus: sql`case when ${need} then ${queued}
        when ${outlets.geocodeStatus} = 'ok' then 'ok' end`,
      geocodeError: null,
    })
    .where(and(eq(outlets.tenantId, input.tenantId), inArray(outlets.id, input.ids)))
    .returning({ id: outlets.id, status: outlets.geocodeStatus });
  const outletIds = rows.filter((r) => r.status === 'pending').map((r) => r.id);
  if (outletIds.length)
    await geocoding.jobs.send(geocodeOutletsJob, { tenantId: input.tenantId, outletIds }, { tx });
}

/**
 * The job: looks the outlet up outside any transaction (the geocoder may wait for its rate-limit
 * slot), then writes the result only if the outlet's address and position are still what was looked
 * up — a newer edit has its own job. Throttling, 5xx and timeouts are retried with backoff, the
 * error kept on the outlet; after the last retry the outlet shows `failed`.
 */
export function registerOutletGeocodingJobs(platform: Pick<Platform, 'db' | 'jobs' | 'geocoder' | 'config'>) {
  const { db, geocoder } = platform;
  const options = geocodeJobOptions(platform.config);

  const read = (tenantId: string, id: string, tx: Tx, lock = false) => {
    const query = tx.db
      .select()
      .from(outlets)
      .where(and(eq(outlets.tenantId, tenantId), eq(outlets.id, id)));
    return (lock ? query.for('update') : query).then((rows) => rows[0]);
  };

  /** Writes `set` when the outlet is still pending with the address and position looked up. */
  const settle = (tenantId: string, looked: OutletRow, set: (row: OutletRow) => Partial<NewOutletRow>) =>
    db.withTenant({ tenantId }, async (tx) => {
      const row = await read(tenantId, looked.id, tx, true);
      if (!row || row.geocodeStatus !== 'pending' || !samePosition(row, looked)) return;
      const values = set(row);
      await tx.db
        .update(outlets)
        .set(values)
        .where(and(eq(outlets.tenantId, tenantId), eq(outlets.id, row.id)));
      const changed = (['address', 'latitude', 'longitude'] as const).filter(
        (k) => values[k] !== undefined && values[k] !== row[k],
      );
      if (changed.length)
        await writeAudit(tx, SYSTEM_AUDIT, {
          tenantId,
          action: 'outlet.geocode',
          entityType: 'outlet',
          entityId: row.id,
          changes: {
            before: Object.fromEntries(changed.map((k) => [k, row[k]])),
            after: Object.fromEntries(changed.map((k) => [k, values[k]])),
          },
        });
    });

  platform.jobs.register(geocodeOutletsJob, async ({ tenantId, outletIds }) => {
    for (const outletId of outletIds) await platform.jobs.send(geocodeOutletJob, { tenantId, outletId });
  });

  platform.jobs.register(
    geocodeOutletJob,
    async ({ tenantId, outletId }, { attempt }) => {
      const row = await db.withTenant({ tenantId }, (tx) => read(tenantId, outletId, tx));
      if (!row || row.geocodeStatus !== 'pending') return;
      const need = geocodeNeed(row);
      if (!need || !geocoder.enabled) {
        await settle(tenantId, row, () => ({ geocodeStatus: need ? 'off' : null }));
        return;
      }
      let outcome: GeocodeOutcome;
      try {
        outcome =
          need === 'search'
            ? await geocoder.search(row.address!)
            : await geocoder.reverse({ latitude: row.latitude!, longitude: row.longitude! });
      } catch (error) {
        const final = isFinalAttempt(attempt, options) || error instanceof GeocoderRejectedError;
        await settle(tenantId, row, () => ({
          geocodeStatus: final ? 'failed' : 'pending',
          geocodeError: (error as Error).message.slice(0, 500),
        }));
        if (error instanceof GeocoderRejectedError) return;
        throw error;
      }
      const now = new Date();
      await settle(tenantId, row, () => {
        if (!outcome.found) {
          // A half looked up for the other half's old value describes another place: drop it.
          const stale =
            row.geocodedField === 'position' ? STALE_POSITION : row.geocodedField ? STALE_ADDRESS : {};
          return { geocodeStatus: 'not_found', geocodeError: null, geocodedAt: now, ...stale };
        }
        const { place } = outcome;
        const found = { geocodeStatus: 'ok' as const, geocodeError: null, geocodedAt: now };
        return need === 'search'
          ? { ...found, latitude: place.latitude, longitude: place.longitude, geocodedField: 'position' }
          : { ...found, address: addressLine(place), geocodedField: 'address' };
      });
    },
    options,
  );
}

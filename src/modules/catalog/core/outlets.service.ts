import { and, asc, eq, gte, ilike, isNotNull, isNull, lte, or, sql, type SQL } from 'drizzle-orm';
import { boundingBox, EARTH_RADIUS_M, parseLatLng, type LatLng } from '../../../lib/geo.js';
import type { TenantDatabase, Tx } from '../../../platform/db/types.js';
import { validationFailed } from '../../../platform/http/errors.js';
import {
  defineResource,
  envelope,
  iso,
  likeEscape,
  tenantReadOf,
  tenantTxOf,
  type CallContext,
} from '../../../platform/resource/index.js';
import { diff, orgUnitIdsAmong, writeAudit } from '../../identity/index.js';
import { customers, outlets } from '../tables/core.tables.js';
import { externalRefsColumn, externalRefsOf } from './external-refs.js';
import { enqueueOutletGeocode, geocodeValuesFor, type OutletGeocoding } from './outlet-geocoding.js';
import type {
  CreateOutletBody,
  ExternalRef,
  Outlet,
  OutletListQuery,
  UpdateOutletBody,
} from './core.schemas.js';

type OutletRow = typeof outlets.$inferSelect;
type NewOutletRow = typeof outlets.$inferInsert;

const ENTITY = 'outlet';

/** What a by-id read selects besides the row: its external references, in the same statement. */
const withRefs = { externalRefs: externalRefsColumn(ENTITY, outlets) };

export function toOutletJson(row: OutletRow, refs: ExternalRef[] = [], distanceM?: number): Outlet {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    address: row.address,
    latitude: row.latitude,
    longitude: row.longitude,
    geofence_radius_m: row.geofenceRadiusM,
    type: row.type,
    org_unit_id: row.orgUnitId,
    customer_id: row.customerId,
    archived_at: iso(row.archivedAt),
    geocode_status: row.geocodeStatus,
    geocoded_at: iso(row.geocodedAt),
    geocode_error: row.geocodeError,
    geocoded_field: row.geocodedField,
    external_refs: refs,
    ...(distanceM === undefined ? {} : { distance_m: Math.round(distanceM * 10) / 10 }),
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

const auditable = (o: Outlet): Record<string, unknown> => {
  const {
    created_at: _c,
    updated_at: _u,
    external_refs: _e,
    geocode_status: _s,
    geocoded_at: _g,
    geocode_error: _r,
    geocoded_field: _f,
    ...rest
  } = o;
  return rest;
};

export const outletResource = defineResource({
  table: outlets,
  name: 'Outlet',
  tenantId: outlets.tenantId,
  id: outlets.id,
  sorts: {
    name: outlets.name,
    code: outlets.code,
    type: outlets.type,
    created_at: outlets.createdAt,
    updated_at: outlets.updatedAt,
  },
});

/** Haversine distance in metres from `p` to the outlet, in SQL (no PostGIS on PGlite). */
function distanceSql(p: LatLng): SQL<number> {
  const lat = sql`${p.latitude}::double precision`;
  const lng = sql`${p.longitude}::double precision`;
  return sql<number>`(2 * ${sql.raw(String(EARTH_RADIUS_M))} * asin(least(1, sqrt(
    power(sin(radians(${outlets.latitude} - ${lat}) / 2), 2)
    + cos(radians(${lat})) * cos(radians(${outlets.latitude}))
      * power(sin(radians(${outlets.longitude} - ${lng}) / 2), 2)))))`;
}

export function outletValues(body: UpdateOutletBody): Partial<NewOutletRow> {
  const v: Partial<NewOutletRow> = {};
  if (body.code !== undefined) v.code = body.code;
  if (body.name !== undefined) v.name = body.name;
  if (body.address !== undefined) v.address = body.address;
  if (body.latitude !== undefined) v.latitude = body.latitude;
  if (body.longitude !== undefined) v.longitude = body.longitude;
  if (body.geofence_radius_m !== undefined) v.geofenceRadiusM = body.geofence_radius_m;
  if (body.type !== undefined) v.type = body.type;
  if (body.org_unit_id !== undefined) v.orgUnitId = body.org_unit_id;
  if (body.customer_id !== undefined) v.customerId = body.customer_id;
  return v;
}

/**
 * The outlet rules the schema cannot say, as the record would be after the write: a position is
 * both coordinates or neither. The API (with `/body/` pointers) and the importer (on the file's
 * column) both apply these, so they agree.
 */
export function outletRuleErrors(after: {
  latitude: number | null | undefined;
  longitude: number | null | undefined;
}): { field: string; message: string }[] {
  const lat = after.latitude ?? null;
  const lng = after.longitude ?? null;
  if ((lat === null) === (lng === null)) return [];
  return [{ field: lat === null ? 'latitude' : 'longitude', message: 'latitude and longitude go together' }];
}

async function checkReferences(tx: Tx, tenantId: string, values: Partial<NewOutletRow>, before?: OutletRow) {
  const rules = outletRuleErrors({
    latitude: values.latitude !== undefined ? values.latitude : before?.latitude,
    longitude: values.longitude !== undefined ? values.longitude : before?.longitude,
  });
  if (rules.length)
    throw validationFailed(rules.map(({ field, message }) => ({ path: `/body/${field}`, message })));
  if (values.orgUnitId) {
    const units = await orgUnitIdsAmong(tx, tenantId, [values.orgUnitId]);
    if (!units.has(values.orgUnitId))
      throw validationFailed(
        [{ path: '/body/org_unit_id', message: 'no such org unit' }],
        'Unknown org unit.',
      );
  }
  if (values.customerId) {
    const [customer] = await tx.db
      .select({ id: customers.id })
      .from(customers)
      .where(and(eq(customers.tenantId, tenantId), eq(customers.id, values.customerId)));
    if (!customer)
      throw validationFailed(
        [{ path: '/body/customer_id', message: 'no such customer' }],
        'Unknown customer.',
      );
  }
}

/**
 * The list's `near` filter as a point, checked beyond its pattern (the list and the export share it):
 * 422 on `/query/near` when it is off the globe.
 */
export function outletNear(query: Pick<OutletListQuery, 'near'>): LatLng | undefined {
  if (query.near === undefined) return undefined;
  const near = parseLatLng(query.near);
  if (!near)
    throw validationFailed([{ path: '/query/near', message: 'latitude -90..90, longitude -180..180' }]);
  return near;
}

/** The list filters as conditions, `near` already parsed (the list and the export share them). */
export function outletListConditions(
  tenantId: string,
  query: Omit<OutletListQuery, 'limit' | 'offset' | 'sort' | 'near'>,
  near: LatLng | undefined,
): (SQL | undefined)[] {
  const conditions: (SQL | undefined)[] = [
    eq(outlets.tenantId, tenantId),
    query.archived ? isNotNull(outlets.archivedAt) : isNull(outlets.archivedAt),
  ];
  if (query.q) {
    const pattern = `%${likeEscape(query.q)}%`;
    conditions.push(
      or(ilike(outlets.name, pattern), ilike(outlets.code, pattern), ilike(outlets.address, pattern)),
    );
  }
  if (query.type) conditions.push(eq(outlets.type, query.type));
  if (query.org_unit) conditions.push(eq(outlets.orgUnitId, query.org_unit));
  if (query.customer) conditions.push(eq(outlets.customerId, query.customer));
  if (near) {
    const distance = distanceSql(near);
    const box = boundingBox(near, query.radius_m);
    conditions.push(gte(outlets.latitude, box.minLat), lte(outlets.latitude, box.maxLat));
    if (box.minLng !== undefined && box.maxLng !== undefined)
      conditions.push(gte(outlets.longitude, box.minLng), lte(outlets.longitude, box.maxLng));
    conditions.push(sql`${distance} <= ${query.radius_m}::double precision`);
  }
  return conditions;
}

/** `geocoding` absent: writes never enqueue lookups (and mark outlets that would need one `off`). */
export function createOutletsService(deps: { db: TenantDatabase; geocoding?: OutletGeocoding }) {
  const tenantTx = tenantTxOf(deps);
  const tenantRead = tenantReadOf(deps);

  async function present(tx: Tx, tenantId: string, row: OutletRow): Promise<Outlet> {
    const refs = await externalRefsOf(tx, tenantId, ENTITY, [row.id]);
    return toOutletJson(row, refs.get(row.id));
  }

  async function update(ctx: CallContext, id: string, values: Partial<NewOutletRow>, action: string) {
    return tenantTx(ctx, async (tx) => {
      const before = await outletResource.find(tx, ctx, id, { lock: true });
      await checkReferences(tx, ctx.tenantId, values, before);
      const geocode = geocodeValuesFor(deps.geocoding, before, values);
      const [row] = await tx.db
        .update(outlets)
        .set({ ...values, ...geocode, updatedAt: new Date() })
        .where(and(eq(outlets.tenantId, ctx.tenantId), eq(outlets.id, id)))
        .returning();
      await enqueueOutletGeocode(deps.geocoding, tx, row!, geocode);
      const json = await present(tx, ctx.tenantId, row!);
      await writeAudit(tx, ctx.audit, {
        tenantId: ctx.tenantId,
        action,
        entityType: ENTITY,
        entityId: id,
        changes: diff(auditable(toOutletJson(before)), auditable(json)),
      });
      return json;
    });
  }

  return {
    list(ctx: CallContext, query: OutletListQuery) {
      const near = outletNear(query);
      return tenantTx(ctx, async (tx) => {
        const distance = near ? distanceSql(near) : undefined;
        // Nearest first pages by offset only (a distance is no stable keyset across requests).
        const page = await outletResource.list<{ distanceM: number | null }>(tx, ctx, query, {
          where: outletListConditions(ctx.tenantId, query, near),
          fields: { distanceM: distance ?? sql<null>`null` },
          order: distance ? [asc(distance), asc(outlets.id)] : undefined,
        });
        const refs = await externalRefsOf(
          tx,
          ctx.tenantId,
          ENTITY,
          page.rows.map((r) => r.id),
        );
        return envelope('outlets', page, ({ distanceM, ...row }) =>
          toOutletJson(row, refs.get(row.id), distanceM === null ? undefined : Number(distanceM)),
        );
      });
    },

    async get(ctx: CallContext, id: string) {
      const row = await tenantRead(ctx, (tx) =>
        outletResource.read<{ externalRefs: ExternalRef[] }>(tx, ctx, id, withRefs),
      );
      return toOutletJson(row, row.externalRefs);
    },

    create(ctx: CallContext, body: CreateOutletBody) {
      return tenantTx(ctx, async (tx) => {
        const values = outletValues(body);
        await checkReferences(tx, ctx.tenantId, values);
        const geocode = geocodeValuesFor(deps.geocoding, undefined, values);
        const [row] = await tx.db
          .insert(outlets)
          .values({ ...values, ...geocode, code: body.code, name: body.name, tenantId: ctx.tenantId })
          .returning();
        await enqueueOutletGeocode(deps.geocoding, tx, row!, geocode);
        const json = toOutletJson(row!);
        await writeAudit(tx, ctx.audit, {
          tenantId: ctx.tenantId,
          action: 'outlet.create',
          entityType: ENTITY,
          entityId: row!.id,
          changes: { after: auditable(json) },
        });
        return json;
      });
    },

    update(ctx: CallContext, id: string, body: UpdateOutletBody) {
      return update(ctx, id, outletValues(body), 'outlet.update');
    },

    async archive(ctx: CallContext, id: string): Promise<void> {
      await update(ctx, id, { archivedAt: new Date() }, 'outlet.archive');
    },
  };
}

export type OutletsService = ReturnType<typeof createOutletsService>;

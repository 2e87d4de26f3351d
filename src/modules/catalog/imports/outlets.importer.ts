import type { ImportColumn } from '../../../platform/bulk/index.js';
import { orgUnitIdsByCode } from '../../identity/index.js';
import { outletRuleErrors, outletValues } from '../core/outlets.service.js';
import { CreateOutletBody } from '../core/core.schemas.js';
import { queueImportedOutlets } from '../core/outlet-geocoding.js';
import { customers, outlets } from '../tables/core.tables.js';
import { codeImporter, idsByCode } from './code-importer.js';
import { bodyOf } from './fields.js';

export const OUTLET_COLUMNS: ImportColumn[] = [
  { name: 'code', kind: 'text', required: true, description: 'Unique per tenant', example: 'O-2001' },
  { name: 'name', kind: 'text', required: true, description: 'Display name', example: 'Korzinka Yunusobod' },
  { name: 'address', kind: 'text', description: 'Street address', example: 'Amir Temur 108, Tashkent' },
  { name: 'latitude', kind: 'number', description: '-90…90, with longitude', example: '41.3541' },
  { name: 'longitude', kind: 'number', description: '-180…180, with latitude', example: '69.2846' },
  {
    name: 'geofence_radius_m',
    kind: 'integer',
    description: 'Check-in radius in metres (default 100)',
    example: '100',
  },
  {
    name: 'type',
    kind: 'text',
    description: 'store, campus, pop_up, partner … (default store)',
    example: 'store',
  },
  { name: 'org_unit_code', kind: 'text', description: 'Territory, by org unit code', example: '' },
  { name: 'customer_code', kind: 'text', description: 'Chain, by customer code', example: '' },
];

const PLAIN_FIELDS = ['code', 'name', 'address', 'latitude', 'longitude', 'geofence_radius_m', 'type'];
const DEFAULTS = { geofence_radius_m: 100, type: 'store' };

export const outletsImporter = codeImporter<CreateOutletBody, ReturnType<typeof outletValues>>({
  name: 'outlets',
  permission: 'outlets:write',
  table: outlets,
  columns: async () => OUTLET_COLUMNS,
  schema: CreateOutletBody,
  references: [
    {
      column: 'org_unit_code',
      field: 'org_unit_id',
      lookup: 'org unit with code',
      resolve: (tx, tenantId, codes) => orgUnitIdsByCode(tx, tenantId, codes),
    },
    {
      column: 'customer_code',
      field: 'customer_id',
      lookup: 'customer with code',
      resolve: (tx, tenantId, codes) => idsByCode(tx, customers, tenantId, codes),
    },
  ],
  toBody: (record, columns) => bodyOf(record, columns, PLAIN_FIELDS, DEFAULTS),
  checkBody: (body) => outletRuleErrors({ latitude: body.latitude, longitude: body.longitude }),
  values: outletValues,
  written: (tx, { ctx, ids, columns, services }) =>
    queueImportedOutlets(tx, services, { tenantId: ctx.tenantId, ids, columns }),
});

import type { FastifyInstance } from 'fastify';
import { crudRoutes, resourceAction } from '../../../platform/resource/index.js';
import {
  Conversion,
  ConversionListQuery,
  CreateConversionBody,
  ExternalSaleRows,
  ExternalSaleRowsQuery,
  UpdateConversionBody,
} from './conversions.schemas.js';
import type { ConversionsService } from './conversions.service.js';
import type { ExternalSalesService } from './external-sales.service.js';

const tag = 'conversions';

export function conversionRoutes(
  app: FastifyInstance,
  service: ConversionsService,
  externalSales: ExternalSalesService,
): void {
  crudRoutes(
    app,
    {
      path: '/conversions',
      tag,
      listKey: 'conversions',
      singular: 'conversion',
      permission: 'conversions',
      item: Conversion,
      list: { query: ConversionListQuery, summary: 'List conversions (sales) within the data scope' },
      create: {
        body: CreateConversionBody,
        summary:
          'Record a sale of a lead in scope: the lead becomes converted, the ledger gets revenue and cost ' +
          '(409 EXTERNAL_SALE_EXISTS, LEAD_ALREADY_CONVERTED, LEAD_NOT_CONVERTIBLE, LEAD_MERGED)',
      },
      read: {},
      update: {
        body: UpdateConversionBody,
        method: 'patch',
        summary: 'Correct a sale: the ledger gets entries carrying the differences',
      },
    },
    service,
  );

  resourceAction(
    app,
    {
      tag,
      method: 'get',
      path: '/imports/:id/external-sales',
      summary: 'What an external sales import did with each row (created, updated, unchanged, unmatched)',
      description:
        'Counts per outcome for the whole run and a page of its rows (row order). Unmatched rows say why: ' +
        '`lead_uuid_unknown`, `no_lead_with_phone` or `lead_not_convertible`. A dry run records none.',
      permission: 'conversions:import',
      query: ExternalSaleRowsQuery,
      response: ExternalSaleRows,
    },
    (ctx, id, _body, query) => externalSales.rows(ctx, id!, query),
  );
}

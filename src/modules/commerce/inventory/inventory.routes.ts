import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { TenantDatabase } from '../../../platform/db/types.js';
import { ListEnvelope, Uuid } from '../../../platform/http/schemas.js';
import { actionsOf } from '../../../platform/resource/index.js';
import { createAdjustmentsService } from './adjustments.service.js';
import {
  AdjustmentBody,
  AdjustmentResult,
  Movement,
  MovementListQuery,
  ProductStock,
  ProductStockQuery,
  StockListQuery,
  StockListResponse,
  Store,
  StoresQuery,
  Threshold,
  ThresholdBody,
  ThresholdListQuery,
  ThresholdParams,
} from './inventory.schemas.js';
import { createMovementsService } from './movements.service.js';
import { createStockService } from './stock.service.js';
import { createThresholdsService } from './thresholds.service.js';

export function inventoryRoutes(app: FastifyInstance, db: TenantDatabase): void {
  const stock = createStockService({ db });
  const movements = createMovementsService({ db });
  const thresholds = createThresholdsService({ db });
  const adjustments = createAdjustmentsService({ db });
  const action = actionsOf(app, 'inventory');

  action(
    {
      method: 'get',
      path: '/inventory/stock',
      summary: 'Stock levels by product, variant and warehouse, with totals over the filter',
      description:
        'available = stock − reserve; min_stock = the warehouse threshold ?? the product min_stock ?? the tenant default; ' +
        'status out when available ≤ 0, low when 0 < available ≤ min_stock. value = stock × unit cost (the level unit cost, ' +
        'else the buy price, else 0). `totals` sum every level the filters match, not only the page.',
      permission: 'inventory:read',
      query: StockListQuery,
      response: StockListResponse,
    },
    (ctx, _id, _body, query: StockListQuery) => stock.list(ctx, query),
  );
  action(
    {
      method: 'get',
      path: '/inventory/stock/:product_id',
      summary: "A product's stock by warehouse and variant (or at a past instant with `at`)",
      permission: 'inventory:read',
      params: Type.Object({ product_id: Uuid }),
      query: ProductStockQuery,
      response: ProductStock,
    },
    (ctx, _id, _body, query: ProductStockQuery, params) => stock.product(ctx, params.product_id!, query),
  );
  action(
    {
      method: 'get',
      path: '/inventory/stores',
      summary: 'Warehouses with their stock value at cost and at sale price, product, low and out counts',
      permission: 'inventory:read',
      query: StoresQuery,
      response: ListEnvelope('stores', Store),
    },
    (ctx, _id, _body, query: StoresQuery) => stock.stores(ctx, query),
  );
  action(
    {
      method: 'get',
      path: '/inventory/movements',
      summary: 'Stock movements (documents, adjustments, ERP differences)',
      permission: 'inventory:read',
      query: MovementListQuery,
      response: ListEnvelope('movements', Movement),
    },
    (ctx, _id, _body, query: MovementListQuery) => movements.list(ctx, query),
  );
  action(
    {
      method: 'post',
      path: '/inventory/adjustments',
      summary: 'Adjust stock by hand: a signed quantity or the counted stock',
      permission: 'inventory:write',
      body: AdjustmentBody,
      response: AdjustmentResult,
      status: 201,
    },
    (ctx, _id, body: AdjustmentBody) => adjustments.create(ctx, body),
  );

  action(
    {
      method: 'get',
      path: '/inventory/thresholds',
      summary: 'Per-warehouse minimum stock of products',
      permission: 'inventory:read',
      query: ThresholdListQuery,
      response: ListEnvelope('thresholds', Threshold),
    },
    (ctx, _id, _body, query: ThresholdListQuery) => thresholds.list(ctx, query),
  );
  const pair = (params: Record<string, string>) => ({
    product_id: params.product_id!,
    warehouse_id: params.warehouse_id!,
  });
  action(
    {
      method: 'get',
      path: '/inventory/thresholds/:product_id/:warehouse_id',
      summary: 'The minimum stock of a product in a warehouse',
      permission: 'inventory:read',
      params: ThresholdParams,
      response: Threshold,
    },
    (ctx, _id, _body, _query, params) => thresholds.get(ctx, pair(params)),
  );
  action(
    {
      method: 'put',
      path: '/inventory/thresholds/:product_id/:warehouse_id',
      summary: 'Set the minimum stock of a product in a warehouse',
      permission: 'inventory:write',
      params: ThresholdParams,
      body: ThresholdBody,
      response: Threshold,
    },
    (ctx, _id, body: ThresholdBody, _query, params) => thresholds.put(ctx, pair(params), body),
  );
  action(
    {
      method: 'delete',
      path: '/inventory/thresholds/:product_id/:warehouse_id',
      summary: 'Remove the per-warehouse minimum (the product minimum or the default applies again)',
      permission: 'inventory:write',
      params: ThresholdParams,
      status: 204,
    },
    (ctx, _id, _body, _query, params) => thresholds.remove(ctx, pair(params)),
  );
}

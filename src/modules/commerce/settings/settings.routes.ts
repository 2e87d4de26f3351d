import type { FastifyInstance } from 'fastify';
import { sql } from 'drizzle-orm';
import { Type, type Static } from 'typebox';
import { selectRows } from '../../../platform/db/rows.js';
import type { TenantDatabase } from '../../../platform/db/types.js';
import { validationFailed, type FieldError } from '../../../platform/http/errors.js';
import { Uuid } from '../../../platform/http/schemas.js';
import { actionsOf, tenantTxOf, type CallContext } from '../../../platform/resource/index.js';
import { diff, writeAudit } from '../../identity/index.js';
import { qty, qtyText } from '../inventory/decimal.js';
import { commerceSettingsOf, saveCommerceSettings, type CommerceSettings } from './settings.repository.js';
import { lockForTransaction } from '../../../platform/db/advisory-lock.js';

const Quantity = Type.String({
  pattern: '^\\d{1,11}(\\.\\d{1,3})?$',
  description: 'Not negative, e.g. "10"',
});
const NullableUuid = Type.Union([Type.Null(), Uuid]);

export const CommerceSettingsSchema = Type.Object({
  allow_negative_stock: Type.Boolean({
    description: 'Whether local documents may take stock below zero (default false)',
  }),
  default_min_stock: Type.String({
    description: 'Minimum stock of products without their own (default "10.000")',
  }),
  buy_price_type_id: Type.Union([Type.Null(), Uuid], { description: 'Price type that values stock at cost' }),
  sale_price_type_id: Type.Union([Type.Null(), Uuid], {
    description: 'Price type that values stock at sale price',
  }),
  cover_window_days: Type.Integer({ description: 'Days of sales days-of-cover averages over (default 30)' }),
  dead_stock_days: Type.Integer({ description: 'Days without a movement that make stock dead (default 90)' }),
});

export const CommerceSettingsView = Type.Object({ commerce: CommerceSettingsSchema });
export type CommerceSettingsView = Static<typeof CommerceSettingsView>;

export const CommerceSettingsBody = Type.Object({
  commerce: Type.Object(
    {
      allow_negative_stock: Type.Optional(Type.Boolean()),
      default_min_stock: Type.Optional(Quantity),
      buy_price_type_id: Type.Optional(NullableUuid),
      sale_price_type_id: Type.Optional(NullableUuid),
      cover_window_days: Type.Optional(Type.Integer({ minimum: 1, maximum: 366 })),
      dead_stock_days: Type.Optional(Type.Integer({ minimum: 1, maximum: 3660 })),
    },
    { minProperties: 1, additionalProperties: false },
  ),
});
export type CommerceSettingsBody = Static<typeof CommerceSettingsBody>;

const toJson = (s: CommerceSettings): CommerceSettingsView['commerce'] => ({
  allow_negative_stock: s.allowNegativeStock,
  default_min_stock: qtyText(qty(s.defaultMinStock)),
  buy_price_type_id: s.buyPriceTypeId,
  sale_price_type_id: s.salePriceTypeId,
  cover_window_days: s.coverWindowDays,
  dead_stock_days: s.deadStockDays,
});

/** The tenant's commerce settings: read by everyone in commerce, changed by `commerce:settings` (audited). */
export function createCommerceSettingsService(deps: { db: TenantDatabase }) {
  const tenantTx = tenantTxOf(deps);
  return {
    get: (ctx: CallContext): Promise<CommerceSettingsView> =>
      tenantTx(ctx, async (tx) => ({ commerce: toJson(await commerceSettingsOf(tx, ctx.tenantId)) })),

    /** A partial change: the given fields replace the stored ones, the rest stay. */
    update: (ctx: CallContext, body: CommerceSettingsBody): Promise<CommerceSettingsView> =>
      tenantTx(ctx, async (tx) => {
        // Changes of different fields at once both stay: each reads the settings only after the
        // one before it committed (the row may not exist yet, so a lock of its key, not of the row).
        await lockForTransaction(tx, `${ctx.tenantId}:commerce-settings`);
        const current = await commerceSettingsOf(tx, ctx.tenantId);
        const b = body.commerce;
        const next: CommerceSettings = {
          allowNegativeStock: b.allow_negative_stock ?? current.allowNegativeStock,
          defaultMinStock:
            b.default_min_stock !== undefined ? qtyText(qty(b.default_min_stock)) : current.defaultMinStock,
          buyPriceTypeId: b.buy_price_type_id !== undefined ? b.buy_price_type_id : current.buyPriceTypeId,
          salePriceTypeId:
            b.sale_price_type_id !== undefined ? b.sale_price_type_id : current.salePriceTypeId,
          coverWindowDays: b.cover_window_days ?? current.coverWindowDays,
          deadStockDays: b.dead_stock_days ?? current.deadStockDays,
        };
        const wanted = [next.buyPriceTypeId, next.salePriceTypeId].filter((id): id is string => id !== null);
        const known = wanted.length
          ? new Set(
              (
                await selectRows<{ id: string }>(
                  tx,
                  sql`select id from price_types where tenant_id = ${ctx.tenantId}
                    and id = any(${`{${wanted.join(',')}}`}::uuid[])`,
                )
              ).map((r) => r.id),
            )
          : new Set<string>();
        const errors: FieldError[] = [];
        if (b.buy_price_type_id && !known.has(b.buy_price_type_id))
          errors.push({ path: '/body/commerce/buy_price_type_id', message: 'no such price type' });
        if (b.sale_price_type_id && !known.has(b.sale_price_type_id))
          errors.push({ path: '/body/commerce/sale_price_type_id', message: 'no such price type' });
        if (errors.length) throw validationFailed(errors, 'Unknown reference.');
        await saveCommerceSettings(tx, ctx.tenantId, next);
        await writeAudit(tx, ctx.audit, {
          tenantId: ctx.tenantId,
          action: 'commerce_settings.update',
          entityType: 'tenant',
          entityId: ctx.tenantId,
          changes: diff({ commerce: toJson(current) }, { commerce: toJson(next) }),
        });
        return { commerce: toJson(next) };
      }),
  };
}

export function commerceSettingsRoutes(app: FastifyInstance, db: TenantDatabase): void {
  const service = createCommerceSettingsService({ db });
  const action = actionsOf(app, 'commerce-settings');
  action(
    {
      method: 'get',
      path: '/commerce/settings',
      summary: 'The commerce settings of the tenant',
      permission: ['inventory:read', 'documents:read', 'commerce_analytics:read'],
      response: CommerceSettingsView,
    },
    (ctx) => service.get(ctx),
  );
  action(
    {
      method: 'put',
      path: '/commerce/settings',
      summary: 'Change the commerce settings (partial: the fields given)',
      description:
        'allow_negative_stock (default false), default_min_stock (default 10), buy_price_type_id and ' +
        'sale_price_type_id (price types of the tenant, or null), cover_window_days 1–366 (default 30), ' +
        'dead_stock_days 1–3660 (default 90).',
      permission: 'commerce:settings',
      body: CommerceSettingsBody,
      response: CommerceSettingsView,
    },
    (ctx, _id, body: CommerceSettingsBody) => service.update(ctx, body),
  );
}

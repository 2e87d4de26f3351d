import {
  upsertSyncedCustomers,
  upsertSyncedFolders,
  upsertSyncedProducts,
  upsertSyncedVariants,
  upsertSyncedWarehouses,
  type SyncOutcome,
} from '../../../catalog/index.js';
import type {
  CounterpartyRecord,
  FolderRecord,
  ProductRecord,
  StoreRecord,
  VariantRecord,
} from '../../integrations/provider.js';
import type { ApplyResult, ApplyTarget } from './context.js';

/** The price type an ERP's buy (purchase) price lands in; sale prices keep their ERP names. */
export const BUY_PRICE_TYPE = 'Закупочная цена';
/** The currency of prices that name none (MoySklad accounts price in roubles by default). */
export const DEFAULT_CURRENCY = 'RUB';

const resultOf = (outcome: SyncOutcome): ApplyResult => ({
  counts: {
    created: outcome.created,
    updated: outcome.updated,
    unchanged: outcome.unchanged,
    deleted: 0,
    failed: outcome.failures.length,
  },
  failures: outcome.failures,
});

const sourceOf = (target: ApplyTarget) => ({ tenantId: target.tenantId, provider: target.provider });

export async function applyFolders(target: ApplyTarget, records: readonly FolderRecord[]) {
  return resultOf(
    await upsertSyncedFolders(
      target.tx,
      sourceOf(target),
      records.map((r) => ({
        externalId: r.externalId,
        code: r.code ?? null,
        name: r.name,
        parentExternalId: r.parentExternalId ?? null,
      })),
    ),
  );
}

export async function applyProducts(target: ApplyTarget, records: readonly ProductRecord[]) {
  return resultOf(
    await upsertSyncedProducts(
      target.tx,
      sourceOf(target),
      records.map((r) => ({
        externalId: r.externalId,
        code: r.code || r.externalId,
        name: r.name,
        article: r.article ?? null,
        description: r.description ?? null,
        folderExternalId: r.folderExternalId ?? null,
        uom: r.uom || 'pcs',
        vatRate: r.vatRate ?? null,
        weight: r.weight ?? null,
        volume: r.volume ?? null,
        isService: r.isService,
        minStock: r.minStock ?? null,
        prices: [
          ...r.salePrices.map((p) => ({
            priceType: p.priceType,
            amount: p.amount,
            currency: p.currency || DEFAULT_CURRENCY,
          })),
          ...(r.buyPrice != null
            ? [{ priceType: BUY_PRICE_TYPE, amount: r.buyPrice, currency: DEFAULT_CURRENCY }]
            : []),
        ],
        barcodes: r.barcodes,
        archived: r.archived,
        archivedAt: r.updatedAt,
      })),
    ),
  );
}

export async function applyVariants(target: ApplyTarget, records: readonly VariantRecord[]) {
  return resultOf(
    await upsertSyncedVariants(
      target.tx,
      sourceOf(target),
      records.map((r) => ({
        externalId: r.externalId,
        productExternalId: r.productExternalId,
        code: r.code || r.externalId,
        name: r.name,
        characteristics: r.characteristics,
      })),
    ),
  );
}

export async function applyCounterparties(target: ApplyTarget, records: readonly CounterpartyRecord[]) {
  return resultOf(
    await upsertSyncedCustomers(
      target.tx,
      sourceOf(target),
      records.map((r) => ({
        externalId: r.externalId,
        code: r.code || r.externalId,
        name: r.name,
        legalName: r.legalName ?? null,
        inn: r.inn ?? null,
        kpp: r.kpp ?? null,
        ogrn: r.ogrn ?? null,
        email: r.email ?? null,
        phone: r.phone ?? null,
        tags: r.tags,
        archived: r.archived,
        archivedAt: r.updatedAt,
      })),
    ),
  );
}

export async function applyStores(target: ApplyTarget, records: readonly StoreRecord[]) {
  return resultOf(
    await upsertSyncedWarehouses(
      target.tx,
      sourceOf(target),
      records.map((r) => ({
        externalId: r.externalId,
        code: r.code || r.externalId,
        name: r.name,
        address: r.address ?? null,
        archived: r.archived,
        archivedAt: r.updatedAt,
      })),
    ),
  );
}

import type {
  CounterpartyRecord,
  DocumentRecord,
  FolderRecord,
  PositionRecord,
  ProductRecord,
  RecordBase,
  RowFailure,
  StockRecord,
  StoreRecord,
  SyncRecord,
  VariantRecord,
} from '../integrations/provider.js';
import { DOCUMENT_TYPES, type DictionaryType, type DocumentType } from './entities.js';
import { idFromHref, minorToDecimal, numberToDecimal, parseMoscowTime } from './values.js';

/**
 * MoySklad rows → sync records. Pure: every function takes a parsed JSON row and returns a record
 * or throws `MappingError` with the reason, which the provider turns into a `RowFailure`.
 */

export class MappingError extends Error {}

type Row = Record<string, unknown>;

const fail = (reason: string): never => {
  throw new MappingError(reason);
};

const isObject = (value: unknown): value is Row =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const optionalString = (value: unknown): string | null =>
  typeof value === 'string' && value !== '' ? value : null;

function requiredString(row: Row, field: string): string {
  const value = row[field];
  return typeof value === 'string' && value.trim() !== '' ? value : fail(`${field} is missing`);
}

/** The id a reference field (`{meta:{href}}`) points at, or null when the field is absent. */
export function refId(value: unknown, field = 'reference'): string | null {
  if (value === undefined || value === null) return null;
  if (!isObject(value) || !isObject(value.meta)) return fail(`${field} is not a reference`);
  return idFromHref(value.meta.href) ?? fail(`${field} has no usable meta.href`);
}

function refType(value: unknown): string | null {
  return isObject(value) && isObject(value.meta) && typeof value.meta.type === 'string'
    ? value.meta.type
    : null;
}

/** The row's own id (from `meta.href`), for failures too. */
export function rowId(row: unknown): string | null {
  return isObject(row) && isObject(row.meta) ? idFromHref(row.meta.href) : null;
}

function base(row: Row): RecordBase {
  if (!isObject(row.meta)) fail('meta is missing');
  const externalId = rowId(row) ?? fail('meta.href has no id');
  const updatedAt =
    parseMoscowTime(row.updated) ??
    fail(`updated is not a MoySklad datetime: ${JSON.stringify(row.updated)}`);
  return { externalId, updatedAt, archived: row.archived === true };
}

function money(value: unknown, field: string): string {
  return minorToDecimal(value) ?? fail(`${field} is not a number: ${JSON.stringify(value)}`);
}

function optionalMoney(value: unknown, field: string): string | null {
  return value === undefined || value === null ? null : money(value, field);
}

function optionalNumber(value: unknown, field: string): string | null {
  if (value === undefined || value === null) return null;
  return numberToDecimal(value) ?? fail(`${field} is not a number: ${JSON.stringify(value)}`);
}

/** Names of MoySklad's standard units by their fixed ids (a custom unit needs `expand=uom`). */
const STANDARD_UOMS: Record<string, string> = {
  '19f1edc0-fc42-4001-94cb-c9ec9c62ec10': 'шт',
};

function uomName(value: unknown): string | null {
  if (isObject(value) && typeof value.name === 'string') return value.name;
  const id = refId(value, 'uom');
  return id ? (STANDARD_UOMS[id] ?? null) : null;
}

export function mapFolder(row: Row): FolderRecord {
  return {
    ...base(row),
    type: 'folder',
    name: requiredString(row, 'name'),
    code: optionalString(row.code),
    parentExternalId: refId(row.productFolder, 'productFolder'),
  };
}

function barcodes(value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) return fail('barcodes is not a list');
  return value.flatMap((b) =>
    isObject(b) ? Object.values(b).filter((v): v is string => typeof v === 'string') : [],
  );
}

function salePrices(value: unknown): ProductRecord['salePrices'] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) return fail('salePrices is not a list');
  return value.map((p, n) => {
    if (!isObject(p)) return fail(`salePrices[${n}] is not an object`);
    const priceType = isObject(p.priceType)
      ? (optionalString(p.priceType.name) ?? optionalString(p.priceType.id))
      : null;
    const currency = isObject(p.currency) ? optionalString(p.currency.isoCode) : null;
    return { priceType: priceType ?? 'default', amount: money(p.value, `salePrices[${n}].value`), currency };
  });
}

/** A product or (with `isService`) a service: both become catalog products. */
export function mapProduct(row: Row, isService = false): ProductRecord {
  const vat = row.effectiveVat ?? row.vat;
  const buy = isObject(row.buyPrice) ? row.buyPrice.value : row.buyPrice;
  const minimum = isObject(row.minimumStock) ? row.minimumStock.quantity : row.minimumBalance;
  return {
    ...base(row),
    type: 'product',
    name: requiredString(row, 'name'),
    code: optionalString(row.code),
    article: optionalString(row.article),
    description: optionalString(row.description),
    folderExternalId: refId(row.productFolder, 'productFolder'),
    uom: uomName(row.uom),
    vatRate: optionalNumber(vat, 'vat'),
    weight: optionalNumber(row.weight, 'weight'),
    volume: optionalNumber(row.volume, 'volume'),
    isService,
    buyPrice: optionalMoney(buy, 'buyPrice.value'),
    salePrices: salePrices(row.salePrices),
    minStock: optionalNumber(minimum, 'minimumStock'),
    barcodes: barcodes(row.barcodes),
  };
}

export function mapVariant(row: Row): VariantRecord {
  const characteristics: Record<string, string> = {};
  if (row.characteristics !== undefined) {
    if (!Array.isArray(row.characteristics)) fail('characteristics is not a list');
    for (const c of row.characteristics as unknown[]) {
      if (!isObject(c) || typeof c.name !== 'string') fail('a characteristic has no name');
      characteristics[(c as Row).name as string] = String((c as Row).value ?? '');
    }
  }
  return {
    ...base(row),
    type: 'variant',
    productExternalId: refId(row.product, 'product') ?? fail('product is missing'),
    name: requiredString(row, 'name'),
    code: optionalString(row.code),
    characteristics,
  };
}

export function mapCounterparty(row: Row): CounterpartyRecord {
  if (row.tags !== undefined && !Array.isArray(row.tags)) fail('tags is not a list');
  return {
    ...base(row),
    type: 'counterparty',
    name: requiredString(row, 'name'),
    code: optionalString(row.code),
    legalName: optionalString(row.legalTitle),
    inn: optionalString(row.inn),
    kpp: optionalString(row.kpp),
    ogrn: optionalString(row.ogrn) ?? optionalString(row.ogrnip),
    email: optionalString(row.email),
    phone: optionalString(row.phone),
    tags: ((row.tags as unknown[] | undefined) ?? []).filter((t): t is string => typeof t === 'string'),
    companyType: optionalString(row.companyType),
  };
}

export function mapStore(row: Row): StoreRecord {
  return {
    ...base(row),
    type: 'store',
    name: requiredString(row, 'name'),
    code: optionalString(row.code),
    address: optionalString(row.address),
  };
}

const ASSORTMENT_TYPES = new Set(['product', 'variant', 'service', 'bundle']);

/**
 * A position; `variantProducts` resolves a variant's product when the position's assortment was
 * not expanded (MoySklad's position names only the variant).
 */
export function mapPosition(
  row: unknown,
  variantProducts: ReadonlyMap<string, string>,
  n = 0,
): PositionRecord {
  if (!isObject(row)) return fail(`positions[${n}] is not an object`);
  const externalId = rowId(row) ?? optionalString(row.id) ?? fail(`positions[${n}] has no id`);
  const type = refType(row.assortment);
  if (!type || !ASSORTMENT_TYPES.has(type)) fail(`positions[${n}].assortment has an unknown type: ${type}`);
  const assortmentId =
    refId(row.assortment, `positions[${n}].assortment`) ?? fail(`positions[${n}].assortment is missing`);
  const assortment: PositionRecord['assortment'] = {
    type: type as PositionRecord['assortment']['type'],
    externalId: assortmentId,
  };
  if (type === 'variant') {
    const expanded = isObject(row.assortment) ? refIdOrNull(row.assortment.product) : null;
    const product = expanded ?? variantProducts.get(assortmentId);
    if (product) assortment.productExternalId = product;
  }
  return {
    externalId,
    assortment,
    quantity:
      optionalNumber(row.quantity, `positions[${n}].quantity`) ?? fail(`positions[${n}].quantity is missing`),
    price: optionalMoney(row.price, `positions[${n}].price`) ?? '0.00',
    discount: optionalNumber(row.discount, `positions[${n}].discount`) ?? '0',
    vatRate: optionalNumber(row.vat, `positions[${n}].vat`),
    reserve: optionalNumber(row.reserve, `positions[${n}].reserve`),
  };
}

function refIdOrNull(value: unknown): string | null {
  try {
    return refId(value);
  } catch {
    return null;
  }
}

/** Positions a document row carries: the expanded collection's rows (the caller fetches the rest). */
export function expandedPositions(row: Row): { rows: unknown[]; size: number } {
  const positions = row.positions;
  if (!isObject(positions)) return { rows: [], size: 0 };
  const size = isObject(positions.meta) && typeof positions.meta.size === 'number' ? positions.meta.size : 0;
  return { rows: Array.isArray(positions.rows) ? positions.rows : [], size };
}

/**
 * A document of one of the eight kinds. `positions` are the rows of its positions collection
 * (expanded or fetched); state, owner and currency are read when expanded.
 */
export function mapDocument(
  type: DocumentType,
  row: Row,
  positions: unknown[],
  variantProducts: ReadonlyMap<string, string> = new Map(),
): DocumentRecord {
  const moment =
    parseMoscowTime(row.moment) ?? fail(`moment is not a MoySklad datetime: ${JSON.stringify(row.moment)}`);
  const agentType = refType(row.agent);
  const rate = isObject(row.rate) ? row.rate : {};
  const currency = isObject(rate.currency) ? optionalString(rate.currency.isoCode) : null;
  return {
    ...base(row),
    archived: false,
    type: 'document',
    kind: DOCUMENT_TYPES[type],
    number: requiredString(row, 'name'),
    moment,
    applicable: row.applicable === true,
    state: isObject(row.state) ? optionalString(row.state.name) : null,
    counterpartyExternalId: agentType === 'counterparty' ? refId(row.agent, 'agent') : null,
    storeExternalId: refId(row.store, 'store'),
    ownerEmail: isObject(row.owner) ? optionalString(row.owner.email) : null,
    currency,
    sum: optionalMoney(row.sum, 'sum') ?? '0.00',
    vatSum: optionalMoney(row.vatSum, 'vatSum') ?? '0.00',
    description: optionalString(row.description),
    deleted: typeof row.deleted === 'string' && row.deleted !== '',
    positions: positions.map((p, n) => mapPosition(p, variantProducts, n)),
  };
}

/**
 * A `/report/stock/bystore` row → one record per store. `variantProducts` gives a variant row's
 * product (the report names only the variant).
 */
export function mapStockByStore(row: Row, variantProducts: ReadonlyMap<string, string>): StockRecord[] {
  if (!isObject(row.meta)) fail('meta is missing');
  const type = (row.meta as Row).type;
  const id = rowId(row) ?? fail('meta.href has no id');
  if (type !== 'product' && type !== 'variant') fail(`unexpected assortment type: ${String(type)}`);
  const productExternalId =
    type === 'product' ? id : (variantProducts.get(id) ?? fail(`variant ${id} has no known product`));
  if (!Array.isArray(row.stockByStore)) fail('stockByStore is not a list');
  return (row.stockByStore as unknown[]).map((s, n) => {
    if (!isObject(s)) return fail(`stockByStore[${n}] is not an object`);
    return {
      type: 'stock',
      productExternalId,
      variantExternalId: type === 'variant' ? id : null,
      storeExternalId: refId(s, `stockByStore[${n}]`) ?? fail(`stockByStore[${n}] has no store`),
      stock: optionalNumber(s.stock ?? 0, `stockByStore[${n}].stock`)!,
      reserve: optionalNumber(s.reserve ?? 0, `stockByStore[${n}].reserve`)!,
      inTransit: optionalNumber(s.inTransit ?? 0, `stockByStore[${n}].inTransit`)!,
      unitCost: null,
    };
  });
}

/** A dictionary row of `type` → its record. */
export function mapDictionary(type: DictionaryType, row: Row): SyncRecord {
  switch (type) {
    case 'productfolder':
      return mapFolder(row);
    case 'product':
      return mapProduct(row);
    case 'service':
      return mapProduct(row, true);
    case 'variant':
      return mapVariant(row);
    case 'counterparty':
      return mapCounterparty(row);
    case 'store':
      return mapStore(row);
  }
}

/** Runs a mapping; a malformed row becomes a failure with its reason instead of stopping the page. */
export function attempt<T>(
  row: unknown,
  map: (row: Row) => T,
): { ok: true; value: T } | { ok: false; failure: RowFailure } {
  try {
    if (!isObject(row)) return { ok: false, failure: { externalId: null, reason: 'row is not an object' } };
    return { ok: true, value: map(row) };
  } catch (error) {
    if (!(error instanceof MappingError)) throw error;
    return { ok: false, failure: { externalId: rowId(row), reason: error.message } };
  }
}

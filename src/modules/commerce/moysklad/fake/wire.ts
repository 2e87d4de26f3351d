import { DOCUMENT_TYPES, isDocumentType } from '../entities.js';
import { formatMoscowTime } from '../values.js';
import { STATE_NAMES, STATE_TYPES, type FakeData, type Table } from './data.js';
import { ean13, rowRng } from './random.js';

/**
 * Rows in MoySklad's wire format, built on demand from the seed: refs as `{meta}`, money in
 * kopecks, Moscow-time strings, empty optional fields omitted.
 */

const MEDIA = 'application/json';
export const UOM_PIECE_ID = '19f1edc0-fc42-4001-94cb-c9ec9c62ec10';
const ADJECTIVES = ['Красный', 'Большой', 'Лёгкий', 'Прочный', 'Новый', 'Классический', 'Мягкий', 'Зелёный'];
const NOUNS = ['Стул', 'Стол', 'Фонарь', 'Рюкзак', 'Чайник', 'Кабель', 'Плед', 'Кружка', 'Ящик', 'Молоток'];
const SIZES = ['S', 'M'];
const CHARACTERISTIC_ID = 'a3f4a1b2-1c2d-11e6-8a84-bae500000001';
/** Documents that name a store. */
const STORE_DOCUMENTS = new Set([
  'customerorder',
  'demand',
  'supply',
  'salesreturn',
  'purchasereturn',
  'purchaseorder',
]);

type Json = Record<string, unknown>;

export class Wire {
  constructor(
    readonly data: FakeData,
    readonly base: string,
  ) {}

  href(type: string, id: string): string {
    return `${this.base}/entity/${type}/${id}`;
  }

  /** A reference as a row carries it. */
  ref(type: string, id: string, href = this.href(type, id)): Json {
    return { meta: { href, type, mediaType: MEDIA } };
  }

  private ownMeta(type: string, id: string): Json {
    return {
      href: this.href(type, id),
      metadataHref: `${this.base}/entity/${type}/metadata`,
      type,
      mediaType: MEDIA,
    };
  }

  private common(table: Table, index: number): Json {
    const id = table.ids[index]!;
    return {
      meta: this.ownMeta(table.type, id),
      id,
      accountId: this.data.accountId,
      owner: this.ref('employee', this.data.employeeIds[index % this.data.employeeIds.length]!),
      shared: false,
      group: this.ref('group', this.data.groupId),
      updated: formatMoscowTime(new Date(table.updated[index]!)),
    };
  }

  /** The full row of `type` at `index`, with the control API's changes applied. */
  row(type: string, index: number): Json {
    const table = this.data.table(type)!;
    const base = this.common(table, index);
    const patch = table.patches.get(index);
    const body = isDocumentType(type) ? this.document(table, index, patch) : this.dictionary(table, index);
    const row: Json = { ...base, ...body };
    if (patch) for (const [key, value] of Object.entries(patch)) if (key !== 'positions') row[key] = value;
    for (const key of Object.keys(row))
      if (row[key] === undefined || row[key] === null || row[key] === '') delete row[key];
    return row;
  }

  private dictionary(table: Table, i: number): Json {
    const r = rowRng(this.data.seed, table.type, 'content', i);
    const archived = table.isArchived(i);
    const externalCode = r.uuid().replace(/-/g, '').slice(0, 22);
    switch (table.type) {
      case 'productfolder': {
        const parent = folderParent(i);
        return {
          name: this.folderName(i),
          code: `F-${i + 1}`,
          externalCode,
          archived,
          pathName: this.folderPath(i),
          productFolder:
            parent === null ? undefined : this.ref('productfolder', this.idOf('productfolder', parent)),
          vatEnabled: true,
          useParentVat: true,
          effectiveVat: 20,
          effectiveVatEnabled: true,
        };
      }
      case 'product':
      case 'service': {
        const isProduct = table.type === 'product';
        const folders = this.data.sizes.folders;
        const folder = folders > 0 && r.chance(0.9) ? r.int(0, folders - 1) : null;
        const sale = this.salePrice(table.type, i);
        return {
          name: isProduct ? generatedProductName(this.data.seed, i) : `Услуга ${i + 1}`,
          code: isProduct ? `P-${i + 1}` : `S-${i + 1}`,
          externalCode,
          article: isProduct ? `ART${100000 + i}` : undefined,
          description: r.chance(0.3) ? `Описание ${i + 1}` : undefined,
          archived,
          pathName: folder === null ? '' : this.folderPath(folder, true),
          productFolder:
            folder === null ? undefined : this.ref('productfolder', this.idOf('productfolder', folder)),
          uom: this.ref('uom', UOM_PIECE_ID),
          vat: 20,
          vatEnabled: true,
          useParentVat: true,
          effectiveVat: 20,
          effectiveVatEnabled: true,
          discountProhibited: false,
          salePrices: [this.salePriceObject(sale)],
          buyPrice: { value: Math.round(sale * 0.6), currency: this.ref('currency', this.data.currencyId) },
          barcodes: [{ ean13: ean13(`46${r.digits(10)}`) }],
          paymentItemType: isProduct ? 'GOOD' : 'SERVICE',
          weight: isProduct ? r.int(1, 5000) / 1000 : undefined,
          volume: isProduct ? 0 : undefined,
          variantsCount: isProduct ? this.variantsOf(i) : undefined,
          isSerialTrackable: isProduct ? false : undefined,
        };
      }
      case 'variant': {
        const product = this.data.variantProduct[i] ?? 0;
        const size = SIZES[i % SIZES.length]!;
        const own = i % 2 === 0;
        return {
          name: `${this.productName(product)} (${size})`,
          code: `P-${product + 1}-${size}`,
          externalCode,
          archived,
          characteristics: [
            {
              meta: {
                href: `${this.base}/entity/variant/metadata/characteristics/${CHARACTERISTIC_ID}`,
                type: 'attributemetadata',
                mediaType: MEDIA,
              },
              id: CHARACTERISTIC_ID,
              name: 'Размер',
              value: size,
            },
          ],
          salePrices: own ? [this.salePriceObject(this.salePrice('variant', i))] : undefined,
          barcodes: [{ ean13: ean13(`47${r.digits(10)}`) }],
          product: this.ref('product', this.idOf('product', product)),
        };
      }
      case 'counterparty': {
        const companyType = (['legal', 'entrepreneur', 'individual'] as const)[i % 3]!;
        const name = companyType === 'legal' ? `ООО «Клиент ${i + 1}»` : `ИП Клиентов ${i + 1}`;
        return {
          name: companyType === 'individual' ? `Покупатель ${i + 1}` : name,
          code: `C-${i + 1}`,
          externalCode,
          archived,
          created: formatMoscowTime(new Date(table.created[i]!)),
          companyType,
          legalTitle: companyType === 'individual' ? undefined : name,
          inn: companyType === 'legal' ? r.digits(10) : r.digits(12),
          kpp: companyType === 'legal' ? r.digits(9) : undefined,
          ogrn: companyType === 'legal' ? r.digits(13) : undefined,
          ogrnip: companyType === 'entrepreneur' ? r.digits(15) : undefined,
          email: r.chance(0.8) ? `client${i + 1}@example.ru` : undefined,
          phone: r.chance(0.8) ? `+7 9${r.digits(9)}` : undefined,
          tags: i % 5 === 0 ? ['поставщики'] : ['покупатели'],
          salesAmount: 0,
        };
      }
      case 'store':
        return {
          name: `Склад ${i + 1}`,
          code: `W-${i + 1}`,
          externalCode,
          archived,
          address: `г. Москва, ул. Складская, ${i + 1}`,
          addressFull: { city: 'Москва', street: 'ул. Складская', house: String(i + 1) },
          pathName: '',
        };
      default:
        return {};
    }
  }

  private document(table: Table, i: number, patch: Json | undefined): Json {
    const type = table.type;
    const r = rowRng(this.data.seed, type, 'content', i);
    const id = table.ids[i]!;
    const positions = this.positionSpecs(type, i, patch);
    const sum = positions.reduce((acc, p) => acc + lineSum(p), 0);
    const counterparties = this.data.table('counterparty')!;
    const stores = this.data.table('store')!;
    const states = this.data.stateIds.get(type)!;
    const deleted = table.deleted[i]!;
    const sales = ['customerorder', 'demand', 'invoiceout', 'salesreturn'].includes(type);
    return {
      syncId: rowRng(this.data.seed, type, 'sync', i).uuid(),
      created: formatMoscowTime(new Date(table.created[i]!)),
      deleted: deleted ? formatMoscowTime(new Date(deleted)) : undefined,
      name: String(i + 1).padStart(5, '0'),
      externalCode: r.uuid().replace(/-/g, '').slice(0, 22),
      moment: formatMoscowTime(new Date(table.moment[i]!)),
      applicable: r.chance(0.9),
      printed: false,
      published: false,
      rate: { currency: this.ref('currency', this.data.currencyId) },
      sum,
      organization: this.ref('organization', this.data.organizationId),
      agent:
        counterparties.size > 0
          ? this.ref('counterparty', counterparties.ids[r.int(0, counterparties.generated - 1)]!)
          : undefined,
      store:
        STORE_DOCUMENTS.has(type) && stores.size > 0
          ? this.ref('store', stores.ids[r.int(0, stores.generated - 1)]!)
          : undefined,
      state: {
        meta: {
          href: `${this.base}/entity/${type}/metadata/states/${states[r.int(0, states.length - 1)]}`,
          type: 'state',
          mediaType: MEDIA,
        },
      },
      vatEnabled: true,
      vatIncluded: true,
      vatSum: Math.round((sum * 20) / 120),
      payedSum: sales && r.chance(0.5) ? sum : 0,
      positions: {
        meta: {
          href: `${this.base}/entity/${type}/${id}/positions`,
          type: `${type}position`,
          mediaType: MEDIA,
          size: positions.length,
          limit: 1000,
          offset: 0,
        },
      },
    };
  }

  /** The positions of a document: generated from the seed, or set through the control API. */
  positionSpecs(type: string, i: number, patch = this.data.table(type)!.patches.get(i)): PositionSpec[] {
    if (patch && Array.isArray(patch.positions)) return patch.positions as PositionSpec[];
    const r = rowRng(this.data.seed, type, 'positions', i);
    const count = r.int(1, 5);
    const products = this.data.table('product')!.generated;
    const variants = this.data.table('variant')!.generated;
    const services = this.data.table('service')!.generated;
    const out: PositionSpec[] = [];
    for (let k = 0; k < count && products > 0; k++) {
      const roll = r.next();
      const assortmentType =
        roll < 0.15 && variants > 0 ? 'variant' : roll < 0.25 && services > 0 ? 'service' : 'product';
      const count =
        assortmentType === 'variant' ? variants : assortmentType === 'service' ? services : products;
      const index = r.int(0, count - 1);
      out.push({
        id: rowRng(this.data.seed, type, 'position', i, k).uuid(),
        assortmentType,
        assortmentId: this.idOf(assortmentType, index),
        quantity: r.chance(0.1) ? r.int(1, 20) / 2 : r.int(1, 10),
        price: this.salePrice(
          assortmentType === 'variant' ? 'product' : assortmentType,
          assortmentType === 'variant' ? (this.data.variantProduct[index] ?? 0) : index,
        ),
        discount: r.pick([0, 0, 0, 5, 10]),
      });
    }
    return out;
  }

  position(type: string, docId: string, p: PositionSpec): Json {
    const row: Json = {
      meta: {
        href: `${this.base}/entity/${type}/${docId}/positions/${p.id}`,
        type: `${type}position`,
        mediaType: MEDIA,
      },
      id: p.id,
      accountId: this.data.accountId,
      quantity: p.quantity,
      price: p.price,
      discount: p.discount,
      vat: 20,
      vatEnabled: true,
      assortment: this.ref(p.assortmentType, p.assortmentId),
    };
    if (type === 'customerorder') {
      row.reserve = p.quantity;
      row.shipped = 0;
    }
    return row;
  }

  /** A reference expanded into the object it points at (for `expand`). */
  resolve(type: string, id: string): Json | null {
    const table = this.data.table(type);
    if (table) {
      const index = table.byId.get(id);
      return index !== undefined && table.live(index) ? this.row(type, index) : null;
    }
    switch (type) {
      case 'employee': {
        const k = this.data.employeeIds.indexOf(id);
        return k < 0 ? null : this.employee(k);
      }
      case 'currency':
        return {
          meta: this.ownMeta('currency', id),
          id,
          name: 'руб',
          fullName: 'Российский рубль',
          code: '643',
          isoCode: 'RUB',
          isoCode3: 'RUB',
          default: true,
        };
      case 'uom':
        return { meta: this.ownMeta('uom', id), id, name: 'шт', description: 'Штука', code: '796' };
      case 'organization':
        return { meta: this.ownMeta('organization', id), id, name: 'ООО «Продавец»', archived: false };
      default:
        return null;
    }
  }

  /** A document state (`…/metadata/states/{id}`) expanded. */
  state(docType: string, id: string): Json | null {
    const k = this.data.stateIds.get(docType)?.indexOf(id) ?? -1;
    if (k < 0) return null;
    return {
      meta: { href: `${this.base}/entity/${docType}/metadata/states/${id}`, type: 'state', mediaType: MEDIA },
      id,
      accountId: this.data.accountId,
      name: STATE_NAMES[k],
      color: 15106326,
      stateType: STATE_TYPES[k],
      entityType: docType,
    };
  }

  employee(k: number): Json {
    const id = this.data.employeeIds[k]!;
    return {
      meta: { ...this.ownMeta('employee', id) },
      id,
      accountId: this.data.accountId,
      name: k === 0 ? 'Администратор' : `Менеджер ${k}`,
      uid: k === 0 ? 'admin@fake' : `manager${k}@fake`,
      email: k === 0 ? 'admin@example.ru' : `manager${k}@example.ru`,
      archived: false,
      updated: formatMoscowTime(new Date(this.data.anchor - 30 * 86400000)),
    };
  }

  /** Kopecks: a product's, service's or variant's own sale price. */
  salePrice(type: string, i: number): number {
    return rowRng(this.data.seed, type, 'price', i).int(5_000, 5_000_000);
  }

  private salePriceObject(value: number): Json {
    return {
      value,
      currency: this.ref('currency', this.data.currencyId),
      priceType: {
        meta: {
          href: `${this.base}/context/companysettings/pricetype/${this.data.priceTypeId}`,
          type: 'pricetype',
          mediaType: MEDIA,
        },
        id: this.data.priceTypeId,
        name: 'Цена продажи',
        externalCode: 'cbcf493b-55bc-11d9-848a-00112f43529a',
      },
    };
  }

  idOf(type: string, index: number): string {
    return this.data.table(type)!.ids[index]!;
  }

  productName(i: number): string {
    const patched = this.data.table('product')!.patches.get(i)?.name;
    return typeof patched === 'string' ? patched : generatedProductName(this.data.seed, i);
  }

  private folderName(i: number): string {
    const patched = this.data.table('productfolder')!.patches.get(i)?.name;
    return typeof patched === 'string' ? patched : `Группа ${i + 1}`;
  }

  /** Names of the parent chain (`withSelf` adds the folder itself): MoySklad's `pathName`. */
  private folderPath(i: number, withSelf = false): string {
    const names: string[] = withSelf ? [this.folderName(i)] : [];
    for (let p = folderParent(i); p !== null; p = folderParent(p)) names.unshift(this.folderName(p));
    return names.join('/');
  }

  private variantsOf(product: number): number {
    return product % 4 === 0 && product < this.data.sizes.products ? 2 : 0;
  }
}

function generatedProductName(seed: string | number, i: number): string {
  const r = rowRng(seed, 'product', 'name', i);
  return `${r.pick(ADJECTIVES)} ${r.pick(NOUNS)} ${i + 1}`;
}

/** The folder tree: three roots, then three children under each earlier folder in turn. */
export function folderParent(i: number): number | null {
  return i < 3 ? null : Math.floor((i - 3) / 3);
}

export interface PositionSpec {
  id: string;
  assortmentType: 'product' | 'variant' | 'service';
  assortmentId: string;
  quantity: number;
  /** Kopecks per unit. */
  price: number;
  /** Percent. */
  discount: number;
}

export function lineSum(p: PositionSpec): number {
  return Math.round((p.quantity * p.price * (100 - p.discount)) / 100);
}

export const DOCUMENT_TYPE_NAMES = Object.keys(DOCUMENT_TYPES);

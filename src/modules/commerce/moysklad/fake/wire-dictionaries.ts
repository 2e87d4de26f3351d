import { formatMoscowTime } from '../values.js';
import type { Table } from './data.js';
import { metaOf, type Json } from './envelope.js';
import { ean13, rowRng } from './random.js';
import type { Wire } from './wire.js';

/** The bodies of dictionary rows: folders, products, services, variants, counterparties, stores. */

export const UOM_PIECE_ID = '19f1edc0-fc42-4001-94cb-c9ec9c62ec10';
const ADJECTIVES = ['Красный', 'Большой', 'Лёгкий', 'Прочный', 'Новый', 'Классический', 'Мягкий', 'Зелёный'];
const NOUNS = ['Стул', 'Стол', 'Фонарь', 'Рюкзак', 'Чайник', 'Кабель', 'Плед', 'Кружка', 'Ящик', 'Молоток'];
const SIZES = ['S', 'M'];
const CHARACTERISTIC_ID = 'a3f4a1b2-1c2d-11e6-8a84-bae500000001';
/** Every generated folder, product and service carries the same VAT settings. */
const VAT = { vatEnabled: true, useParentVat: true, effectiveVat: 20, effectiveVatEnabled: true };

export function dictionaryBody(wire: Wire, table: Table, i: number): Json {
  const r = rowRng(wire.data.seed, table.type, 'content', i);
  const archived = table.isArchived(i);
  const externalCode = r.uuid().replace(/-/g, '').slice(0, 22);
  switch (table.type) {
    case 'productfolder': {
      const parent = folderParent(i);
      return {
        name: folderName(wire, i),
        code: `F-${i + 1}`,
        externalCode,
        archived,
        pathName: folderPath(wire, i),
        productFolder:
          parent === null ? undefined : wire.ref('productfolder', wire.idOf('productfolder', parent)),
        ...VAT,
      };
    }
    case 'product':
    case 'service': {
      const isProduct = table.type === 'product';
      const folders = wire.data.sizes.folders;
      const folder = folders > 0 && r.chance(0.9) ? r.int(0, folders - 1) : null;
      const sale = salePrice(wire, table.type, i);
      return {
        name: isProduct ? generatedProductName(wire.data.seed, i) : `Услуга ${i + 1}`,
        code: isProduct ? `P-${i + 1}` : `S-${i + 1}`,
        externalCode,
        article: isProduct ? `ART${100000 + i}` : undefined,
        description: r.chance(0.3) ? `Описание ${i + 1}` : undefined,
        archived,
        pathName: folder === null ? '' : folderPath(wire, folder, true),
        productFolder:
          folder === null ? undefined : wire.ref('productfolder', wire.idOf('productfolder', folder)),
        uom: wire.ref('uom', UOM_PIECE_ID),
        vat: 20,
        ...VAT,
        discountProhibited: false,
        salePrices: [salePriceObject(wire, sale)],
        buyPrice: { value: Math.round(sale * 0.6), currency: wire.ref('currency', wire.data.currencyId) },
        barcodes: [{ ean13: ean13(`46${r.digits(10)}`) }],
        paymentItemType: isProduct ? 'GOOD' : 'SERVICE',
        weight: isProduct ? r.int(1, 5000) / 1000 : undefined,
        volume: isProduct ? 0 : undefined,
        variantsCount: isProduct ? variantsOf(wire, i) : undefined,
        isSerialTrackable: isProduct ? false : undefined,
      };
    }
    case 'variant': {
      const product = wire.data.variantProduct[i] ?? 0;
      const size = SIZES[i % SIZES.length]!;
      const own = i % 2 === 0;
      return {
        name: `${wire.productName(product)} (${size})`,
        code: `P-${product + 1}-${size}`,
        externalCode,
        archived,
        characteristics: [
          {
            meta: metaOf(
              `${wire.base}/entity/variant/metadata/characteristics/${CHARACTERISTIC_ID}`,
              'attributemetadata',
            ),
            id: CHARACTERISTIC_ID,
            name: 'Размер',
            value: size,
          },
        ],
        salePrices: own ? [salePriceObject(wire, salePrice(wire, 'variant', i))] : undefined,
        barcodes: [{ ean13: ean13(`47${r.digits(10)}`) }],
        product: wire.ref('product', wire.idOf('product', product)),
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

/** Kopecks: a product's, service's or variant's own sale price. */
export function salePrice(wire: Wire, type: string, i: number): number {
  return rowRng(wire.data.seed, type, 'price', i).int(5_000, 5_000_000);
}

function salePriceObject(wire: Wire, value: number): Json {
  const priceTypeId = wire.data.priceTypeId;
  return {
    value,
    currency: wire.ref('currency', wire.data.currencyId),
    priceType: {
      meta: metaOf(`${wire.base}/context/companysettings/pricetype/${priceTypeId}`, 'pricetype'),
      id: priceTypeId,
      name: 'Цена продажи',
      externalCode: 'cbcf493b-55bc-11d9-848a-00112f43529a',
    },
  };
}

export function generatedProductName(seed: string | number, i: number): string {
  const r = rowRng(seed, 'product', 'name', i);
  return `${r.pick(ADJECTIVES)} ${r.pick(NOUNS)} ${i + 1}`;
}

function folderName(wire: Wire, i: number): string {
  const patched = wire.data.table('productfolder')!.patches.get(i)?.name;
  return typeof patched === 'string' ? patched : `Группа ${i + 1}`;
}

/** Names of the parent chain (`withSelf` adds the folder itself): MoySklad's `pathName`. */
function folderPath(wire: Wire, i: number, withSelf = false): string {
  const names: string[] = withSelf ? [folderName(wire, i)] : [];
  for (let p = folderParent(i); p !== null; p = folderParent(p)) names.unshift(folderName(wire, p));
  return names.join('/');
}

/** The folder tree: three roots, then three children under each earlier folder in turn. */
function folderParent(i: number): number | null {
  return i < 3 ? null : Math.floor((i - 3) / 3);
}

function variantsOf(wire: Wire, product: number): number {
  return product % 4 === 0 && product < wire.data.sizes.products ? 2 : 0;
}

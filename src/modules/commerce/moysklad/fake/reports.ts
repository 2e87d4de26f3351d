import type { FakeData } from './data.js';
import { FakeApiError, hrefId, parseFilter, type Condition } from './query.js';
import { rowRng } from './random.js';
import { UOM_PIECE_ID, type Wire } from './wire.js';

/**
 * The stock reports: `/report/stock/bystore` (a row per product or variant, every store in
 * `stockByStore`), `/report/stock/all` (totals over the chosen stores) and their short `/current`
 * forms (bare arrays). Figures come from the seed, or from the control API's `setStock`.
 */

export interface StockFigures {
  stock: number;
  reserve: number;
  inTransit: number;
}

interface Item {
  type: 'product' | 'variant';
  index: number;
  id: string;
}

const STOCK_MODES = ['all', 'positiveOnly', 'negativeOnly', 'empty', 'nonEmpty', 'underMinimum'];

export class FakeStock {
  /** Bumped by `set`, so cached selections know they are stale. */
  version = 0;
  private readonly changedAt = new Map<string, number>();
  private cache: { key: string; items: Item[] } | null = null;

  constructor(
    private readonly data: FakeData,
    private readonly wire: () => Wire,
  ) {}

  figures(item: Item, storeIndex: number): StockFigures {
    const storeId = this.data.table('store')!.ids[storeIndex]!;
    const override = this.data.stockOverrides.get(`${item.id}|${storeId}`);
    if (override) return override;
    const r = rowRng(this.data.seed, 'stock', item.type, item.index, storeIndex);
    if (r.chance(0.3)) return { stock: 0, reserve: 0, inTransit: 0 };
    const stock = r.int(0, 200);
    return {
      stock,
      reserve: stock > 0 && r.chance(0.3) ? r.int(0, Math.min(stock, 5)) : 0,
      inTransit: r.chance(0.1) ? r.int(1, 20) : 0,
    };
  }

  set(assortmentId: string, storeId: string, figures: StockFigures, now: number): void {
    this.data.stockOverrides.set(`${assortmentId}|${storeId}`, figures);
    this.changedAt.set(`${assortmentId}|${storeId}`, now);
    this.version++;
  }

  /** Every live product and variant: the report's rows before filters. */
  private items(): Item[] {
    const products = this.data.table('product')!;
    const variants = this.data.table('variant')!;
    const out: Item[] = [];
    for (let i = 0; i < products.size; i++)
      if (products.live(i)) out.push({ type: 'product', index: i, id: products.ids[i]! });
    for (let i = 0; i < variants.size; i++)
      if (variants.live(i)) out.push({ type: 'variant', index: i, id: variants.ids[i]! });
    return out;
  }

  private storesOf(filter: Condition[]): number[] {
    const stores = this.data.table('store')!;
    const wanted = filter.filter((c) => c.field === 'store' && c.op === '=').map((c) => hrefId(c.value));
    const unwanted = new Set(
      filter.filter((c) => c.field === 'store' && c.op === '!=').map((c) => hrefId(c.value)),
    );
    const all: number[] = [];
    for (let s = 0; s < stores.size; s++) {
      const id = stores.ids[s]!;
      if (!stores.live(s) || unwanted.has(id) || (wanted.length > 0 && !wanted.includes(id))) continue;
      all.push(s);
    }
    return all;
  }

  /** The selected rows of a paged report, cached while nothing changes. */
  private select(report: 'all' | 'bystore', filterText: string | null): { items: Item[]; stores: number[] } {
    const filter = parseFilter(filterText);
    for (const c of filter) {
      if (
        ![
          'store',
          'stockMode',
          'product',
          'variant',
          'productFolder',
          'moment',
          'quantityMode',
          'archived',
        ].includes(c.field)
      ) {
        throw new FakeApiError(
          400,
          1034,
          `Ошибка фильтрации: поле '${c.field}' не может быть использовано в фильтре`,
        );
      }
    }
    const mode =
      filter.find((c) => c.field === 'stockMode')?.value ?? (report === 'bystore' ? 'nonEmpty' : 'all');
    if (!STOCK_MODES.includes(mode))
      throw new FakeApiError(400, 1034, `Неверное значение stockMode: '${mode}'`);
    const stores = this.storesOf(filter);
    const products = this.data.table('product')!;
    const variants = this.data.table('variant')!;
    const key = `${report}|${filterText}|${this.version}|${products.version}|${variants.version}`;
    if (this.cache?.key === key) return { items: this.cache.items, stores };
    const only = new Set(
      filter
        .filter((c) => (c.field === 'product' || c.field === 'variant') && c.op === '=')
        .map((c) => hrefId(c.value)),
    );
    const items = this.items().filter((item) => {
      if (only.size > 0 && !only.has(item.id)) return false;
      if (mode === 'all') return true;
      const total = stores.reduce((sum, s) => sum + this.figures(item, s).stock, 0);
      if (mode === 'positiveOnly') return total > 0;
      if (mode === 'negativeOnly') return total < 0;
      if (mode === 'empty') return total === 0;
      return total !== 0;
    });
    this.cache = { key, items };
    return { items, stores };
  }

  bystore(filterText: string | null, limit: number, offset: number) {
    const { items, stores } = this.select('bystore', filterText);
    const wire = this.wire();
    const storeTable = this.data.table('store')!;
    const storeNames = new Map(stores.map((s) => [s, wire.row('store', s).name]));
    const rows = items.slice(offset, offset + limit).map((item) => ({
      meta: this.itemMeta(wire, item),
      stockByStore: stores.map((s) => {
        const f = this.figures(item, s);
        const id = storeTable.ids[s]!;
        return {
          meta: wire.ownMeta('store', id),
          name: storeNames.get(s),
          stock: f.stock,
          reserve: f.reserve,
          inTransit: f.inTransit,
        };
      }),
    }));
    return { size: items.length, rows };
  }

  all(filterText: string | null, limit: number, offset: number) {
    const { items, stores } = this.select('all', filterText);
    const wire = this.wire();
    const rows = items.slice(offset, offset + limit).map((item) => {
      const totals = stores.reduce(
        (acc, s) => {
          const f = this.figures(item, s);
          return {
            stock: acc.stock + f.stock,
            reserve: acc.reserve + f.reserve,
            inTransit: acc.inTransit + f.inTransit,
          };
        },
        { stock: 0, reserve: 0, inTransit: 0 },
      );
      const row = wire.row(item.type, item.index);
      const product =
        item.type === 'product' ? row : wire.row('product', this.data.variantProduct[item.index] ?? 0);
      const salePrices = (row.salePrices ?? product.salePrices) as { value: number }[] | undefined;
      return {
        meta: this.itemMeta(wire, item),
        stock: totals.stock,
        inTransit: totals.inTransit,
        reserve: totals.reserve,
        quantity: totals.stock - totals.reserve + totals.inTransit,
        name: row.name,
        code: row.code,
        article: product.article,
        price: (product.buyPrice as { value: number } | undefined)?.value ?? 0,
        salePrice: salePrices?.[0]?.value ?? 0,
        uom: { meta: wire.ref('uom', UOM_PIECE_ID).meta, name: 'шт' },
        externalCode: row.externalCode,
        stockDays: 0,
      };
    });
    return { size: items.length, rows };
  }

  /** The short report: a bare array, zero rows only with `include=zeroLines`. */
  current(report: 'all' | 'bystore', query: URLSearchParams) {
    const stockType = query.get('stockType') ?? 'stock';
    if (!['stock', 'freeStock', 'quantity', 'reserve', 'inTransit'].includes(stockType)) {
      throw new FakeApiError(400, 1014, `Неверное значение stockType: '${stockType}'`);
    }
    const zero = query.get('include') === 'zeroLines';
    const since = query.get('changedSince');
    const sinceMs = since ? Date.parse(since.replace(' ', 'T') + '+03:00') : null;
    const filter = parseFilter(query.get('filter'));
    const stores = this.data.table('store')!;
    const storeIds = new Set(filter.filter((c) => c.field === 'storeId').flatMap((c) => c.value.split(',')));
    const assortmentIds = new Set(
      filter.filter((c) => c.field === 'assortmentId').flatMap((c) => c.value.split(',')),
    );
    const pick = (f: StockFigures) =>
      stockType === 'stock'
        ? f.stock
        : stockType === 'reserve'
          ? f.reserve
          : stockType === 'inTransit'
            ? f.inTransit
            : stockType === 'freeStock'
              ? f.stock - f.reserve
              : f.stock - f.reserve + f.inTransit;
    const out: Record<string, unknown>[] = [];
    for (const item of this.items()) {
      if (assortmentIds.size > 0 && !assortmentIds.has(item.id)) continue;
      const perStore: { storeId: string; value: number; changed: number }[] = [];
      for (let s = 0; s < stores.size; s++) {
        const storeId = stores.ids[s]!;
        if (!stores.live(s) || (storeIds.size > 0 && !storeIds.has(storeId))) continue;
        perStore.push({
          storeId,
          value: pick(this.figures(item, s)),
          changed: this.changedAt.get(`${item.id}|${storeId}`) ?? 0,
        });
      }
      const changed = (c: number) => sinceMs === null || c >= sinceMs;
      if (report === 'bystore') {
        for (const p of perStore) {
          if ((p.value !== 0 || zero) && changed(p.changed))
            out.push({ assortmentId: item.id, storeId: p.storeId, [stockType]: p.value });
        }
      } else {
        const value = perStore.reduce((sum, p) => sum + p.value, 0);
        if ((value !== 0 || zero) && changed(Math.max(0, ...perStore.map((p) => p.changed)))) {
          out.push({ assortmentId: item.id, [stockType]: value });
        }
      }
    }
    return out;
  }

  private itemMeta(wire: Wire, item: Item) {
    const own = wire.ownMeta(item.type, item.id);
    const expand = item.type === 'product' ? 'supplier' : 'product.supplier';
    return { ...own, href: `${String(own.href)}?expand=${expand}` };
  }
}

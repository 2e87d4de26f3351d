import { DOCUMENT_TYPES, type DocumentType } from '../entities.js';
import { rowRng } from './random.js';

/** How much data the fake account holds. Variants are derived: two for every fourth product. */
export interface FakeSizes {
  folders: number;
  products: number;
  services: number;
  counterparties: number;
  stores: number;
  /** Documents of all eight kinds together, spread by a fixed mix. */
  documents: number;
}

export const DEFAULT_SIZES: FakeSizes = {
  folders: 12,
  products: 200,
  services: 10,
  counterparties: 60,
  stores: 3,
  documents: 400,
};

/** Share of each document type in the generated mix. */
const DOCUMENT_MIX: Record<DocumentType, number> = {
  customerorder: 0.3,
  demand: 0.25,
  invoiceout: 0.1,
  salesreturn: 0.03,
  purchaseorder: 0.1,
  supply: 0.12,
  invoicein: 0.07,
  purchasereturn: 0.03,
};

export const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * One entity type's rows, kept compact: ids, change stamps and flags in arrays indexed by row
 * number; the row's content is rebuilt on demand from the seed and the row's `patch`.
 */
export class Table {
  readonly ids: string[] = [];
  readonly updated: number[] = [];
  readonly created: number[] = [];
  /** Documents: when the row was moved to the trash (0 when it is not there). */
  readonly deleted: number[] = [];
  /** Documents: the document date (minute precision). */
  readonly moment: number[] = [];
  readonly removed = new Set<number>();
  readonly patches = new Map<number, Record<string, unknown>>();
  readonly byId = new Map<string, number>();
  /** Bumped on every change so cached query results know they are stale. */
  version = 0;
  private flags: Uint8Array;

  constructor(
    readonly type: string,
    readonly generated: number,
  ) {
    this.flags = new Uint8Array(Math.max(16, generated));
  }

  add(id: string, created: number, updated: number): number {
    const index = this.ids.length;
    this.ids.push(id);
    this.created.push(created);
    this.updated.push(updated);
    this.deleted.push(0);
    this.moment.push(created);
    this.byId.set(id, index);
    if (index >= this.flags.length) {
      const grown = new Uint8Array(this.flags.length * 2);
      grown.set(this.flags);
      this.flags = grown;
    }
    this.version++;
    return index;
  }

  isArchived(index: number): boolean {
    return this.flags[index] === 1;
  }

  setArchived(index: number, archived: boolean): void {
    this.flags[index] = archived ? 1 : 0;
    this.version++;
  }

  get size(): number {
    return this.ids.length;
  }

  live(index: number): boolean {
    return index >= 0 && index < this.ids.length && !this.removed.has(index);
  }
}

export interface FakeDataOptions {
  seed: string | number;
  sizes: FakeSizes;
  /** Generated rows were created and last changed during the year before this instant. */
  anchor: number;
}

/** Every table of the fake account plus the references documents and rows point at. */
export class FakeData {
  readonly tables = new Map<string, Table>();
  readonly seed: string | number;
  readonly sizes: FakeSizes;
  readonly anchor: number;
  readonly accountId: string;
  readonly organizationId: string;
  readonly currencyId: string;
  readonly priceTypeId: string;
  readonly employeeIds: string[];
  readonly groupId: string;
  /** Variant index → its product's index; every fourth product has two variants. */
  readonly variantProduct: number[] = [];
  /** Per document type: state ids, in the order of STATE_NAMES. */
  readonly stateIds = new Map<string, string[]>();
  /** Stock set through the control API: `${assortmentId}|${storeId}`. */
  readonly stockOverrides = new Map<string, { stock: number; reserve: number; inTransit: number }>();

  constructor(options: FakeDataOptions) {
    this.seed = options.seed;
    this.sizes = options.sizes;
    this.anchor = options.anchor;
    const r = rowRng(this.seed, 'account');
    this.accountId = r.uuid();
    this.organizationId = r.uuid();
    this.currencyId = r.uuid();
    this.priceTypeId = r.uuid();
    this.groupId = r.uuid();
    this.employeeIds = [r.uuid(), r.uuid(), r.uuid()];

    const s = this.sizes;
    this.generate('productfolder', s.folders, 0.02);
    this.generate('product', s.products, 0.05);
    for (let p = 0; p < s.products; p += 4) this.variantProduct.push(p, p);
    this.generate('variant', this.variantProduct.length, 0.03);
    this.generate('service', s.services, 0.1);
    this.generate('counterparty', s.counterparties, 0.05);
    this.generate('store', s.stores, 0);
    let left = s.documents;
    const types = Object.keys(DOCUMENT_TYPES) as DocumentType[];
    types.forEach((type, n) => {
      const count =
        n === types.length - 1 ? left : Math.min(left, Math.round(s.documents * DOCUMENT_MIX[type]));
      left -= count;
      this.generateDocuments(type, count);
      this.stateIds.set(
        type,
        STATE_NAMES.map((_, k) => rowRng(this.seed, type, 'state', k).uuid()),
      );
    });
  }

  table(type: string): Table | undefined {
    return this.tables.get(type);
  }

  /** Dictionary rows: created in the year before the anchor, some changed since, a few archived. */
  private generate(type: string, count: number, archivedShare: number): void {
    const table = new Table(type, count);
    this.tables.set(type, table);
    for (let i = 0; i < count; i++) {
      const r = rowRng(this.seed, type, i);
      const id = this.uniqueId(table, r.uuid());
      const created = this.anchor - 365 * DAY_MS + r.int(0, 300 * DAY_MS);
      const updated = Math.min(this.anchor - 1000, created + r.int(0, 120 * DAY_MS));
      const index = table.add(id, created, updated);
      if (r.chance(archivedShare)) table.setArchived(index, true);
    }
  }

  /** Documents: dated through the year (minute precision), changed within days, ~1% in the trash. */
  private generateDocuments(type: DocumentType, count: number): void {
    const table = new Table(type, count);
    this.tables.set(type, table);
    for (let i = 0; i < count; i++) {
      const r = rowRng(this.seed, type, i);
      const id = this.uniqueId(table, r.uuid());
      const moment =
        Math.floor((this.anchor - 365 * DAY_MS + (i / Math.max(1, count)) * 364 * DAY_MS) / 60000) * 60000;
      const created = moment + r.int(0, 600_000);
      const updated = Math.min(this.anchor - 1000, created + r.int(0, 5 * DAY_MS));
      const index = table.add(id, created, updated);
      table.moment[index] = moment;
      if (r.chance(0.01)) table.deleted[index] = Math.min(this.anchor - 500, updated + r.int(0, DAY_MS));
    }
  }

  private uniqueId(table: Table, id: string): string {
    let candidate = id;
    for (let salt = 0; table.byId.has(candidate); salt++) candidate = rowRng(id, salt).uuid();
    return candidate;
  }
}

export const STATE_NAMES = ['Новый', 'Подтвержден', 'Выполнен', 'Отменен'] as const;
export const STATE_TYPES = ['Regular', 'Regular', 'Successful', 'Unsuccessful'] as const;

import type { DocumentKind } from '../tables/documents.tables.js';

/**
 * The contract between the sync engine and an ERP provider (MoySklad today; Kaspi and Bitrix24
 * later). A provider speaks its system's wire format and turns rows into the records below; the
 * engine stores records through external references, keeps cursors and counts, and never sees the
 * wire format. Adding a provider means implementing this interface and registering it.
 */

/** What a sync can cover, in the order a full sync runs them (references before their users). */
export const SYNC_ENTITIES = [
  'product_folders',
  'products',
  'variants',
  'services',
  'counterparties',
  'stores',
  'customer_orders',
  'shipments',
  'invoices_out',
  'sales_returns',
  'purchase_orders',
  'supplies',
  'invoices_in',
  'purchase_returns',
  'stock',
] as const;
export type SyncEntity = (typeof SYNC_ENTITIES)[number];

/** How a provider reaches the external account: decrypted credentials, never stored in clear. */
export interface ProviderConnection {
  baseUrl: string;
  auth: { type: 'basic'; login: string; password: string } | { type: 'token'; token: string };
  options: Record<string, unknown>;
  /** Aborts in-flight requests when the job is cancelled or the process stops. */
  signal?: AbortSignal;
}

export type ConnectionTestResult =
  | { ok: true; accountId: string; accountName?: string }
  | {
      ok: false;
      /** Stable: `credentials_rejected`, `forbidden`, `unreachable`, `bad_response`, `rate_limited`. */
      code: string;
      message: string;
    };

/** Common to every record: the external id, its last change and whether it is archived. */
export interface RecordBase {
  externalId: string;
  updatedAt: Date;
  archived: boolean;
}

export interface FolderRecord extends RecordBase {
  type: 'folder';
  name: string;
  code?: string | null;
  parentExternalId?: string | null;
}

export interface ProductRecord extends RecordBase {
  type: 'product';
  name: string;
  code?: string | null;
  article?: string | null;
  description?: string | null;
  folderExternalId?: string | null;
  uom?: string | null;
  vatRate?: string | null;
  weight?: string | null;
  volume?: string | null;
  isService: boolean;
  /** Decimal strings in the account's currency. */
  buyPrice?: string | null;
  salePrices: { priceType: string; amount: string; currency?: string | null }[];
  minStock?: string | null;
  barcodes: string[];
}

export interface VariantRecord extends RecordBase {
  type: 'variant';
  productExternalId: string;
  name: string;
  code?: string | null;
  characteristics: Record<string, string>;
}

export interface CounterpartyRecord extends RecordBase {
  type: 'counterparty';
  name: string;
  code?: string | null;
  legalName?: string | null;
  inn?: string | null;
  kpp?: string | null;
  ogrn?: string | null;
  email?: string | null;
  phone?: string | null;
  tags: string[];
  /** The provider's company type (legal, entrepreneur, individual), when it has one. */
  companyType?: string | null;
}

export interface StoreRecord extends RecordBase {
  type: 'store';
  name: string;
  code?: string | null;
  address?: string | null;
}

/** One row of a stock report: absolute figures for a product (or variant) in a store. */
export interface StockRecord {
  type: 'stock';
  productExternalId: string;
  variantExternalId?: string | null;
  storeExternalId: string;
  stock: string;
  reserve: string;
  inTransit: string;
  /** Cost price per unit, decimal string. */
  unitCost?: string | null;
}

export interface PositionRecord {
  externalId: string;
  /** What the position sells: a product, a variant (with its product) or a service. */
  assortment: {
    type: 'product' | 'variant' | 'service' | 'bundle';
    externalId: string;
    productExternalId?: string;
  };
  quantity: string;
  price: string;
  discount: string;
  vatRate?: string | null;
  reserve?: string | null;
}

export interface DocumentRecord extends RecordBase {
  type: 'document';
  kind: DocumentKind;
  number: string;
  moment: Date;
  applicable: boolean;
  state?: string | null;
  counterpartyExternalId?: string | null;
  storeExternalId?: string | null;
  /** The responsible employee's e-mail, matched to a user of the tenant when one exists. */
  ownerEmail?: string | null;
  currency?: string | null;
  sum: string;
  vatSum: string;
  description?: string | null;
  /** The document was moved to the ERP's trash. */
  deleted: boolean;
  positions: PositionRecord[];
}

export type SyncRecord =
  | FolderRecord
  | ProductRecord
  | VariantRecord
  | CounterpartyRecord
  | StoreRecord
  | StockRecord
  | DocumentRecord;

/** A row the provider could not turn into a record (malformed); the job records it and goes on. */
export interface RowFailure {
  externalId?: string | null;
  reason: string;
}

export interface PageRequest {
  offset: number;
  /** Incremental: rows changed at or after this instant (the provider applies its overlap). */
  since?: Date | null;
}

export interface Page {
  records: SyncRecord[];
  failures: RowFailure[];
  /** Offset of the next page, or null when this was the last. */
  nextOffset: number | null;
  /** HTTP requests the page took (positions of documents, retries): counted on the job. */
  requests: number;
}

export interface WebhookEvent {
  entity: SyncEntity;
  action: 'CREATE' | 'UPDATE' | 'DELETE';
  externalId: string;
  accountId: string;
}

/** A provider's failure the engine can report clearly (credentials rejected, rate limited…). */
export class ProviderError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ProviderError';
  }
}

export interface CommerceProvider {
  readonly name: string;
  /** The entities this provider can sync, in the order a full sync runs them. */
  readonly entities: readonly SyncEntity[];
  /** Whether the entity can be read incrementally (`since`); stock reports cannot. */
  supportsIncremental(entity: SyncEntity): boolean;
  testConnection(conn: ProviderConnection): Promise<ConnectionTestResult>;
  readPage(conn: ProviderConnection, entity: SyncEntity, page: PageRequest): Promise<Page>;
  /** One row by id (webhook CREATE/UPDATE), or null when it no longer exists. */
  readOne(conn: ProviderConnection, entity: SyncEntity, externalId: string): Promise<SyncRecord | null>;
  /** Validates a webhook body; throws `ProviderError('malformed_webhook', …)` when it is not one. */
  parseWebhook(body: unknown): WebhookEvent[];
  /**
   * Makes `url`'s webhooks in the external system exactly those of `entities` (idempotent): missing
   * ones added, disabled ones enabled, those of other entities removed.
   */
  registerWebhooks(conn: ProviderConnection, url: string, entities: readonly SyncEntity[]): Promise<void>;
  /** Removes every webhook of `url` from the external system (the integration is going). */
  removeWebhooks(conn: ProviderConnection, url: string): Promise<void>;
}

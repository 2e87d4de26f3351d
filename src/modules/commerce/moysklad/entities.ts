import type { DocumentKind } from '../tables/documents.tables.js';
import type { SyncEntity } from '../integrations/provider.js';

/** MoySklad's names of the documents a sync reads, by the kind they become. */
export const DOCUMENT_TYPES = {
  customerorder: 'customer_order',
  demand: 'shipment',
  invoiceout: 'invoice_out',
  salesreturn: 'sales_return',
  purchaseorder: 'purchase_order',
  supply: 'supply',
  invoicein: 'invoice_in',
  purchasereturn: 'purchase_return',
} as const satisfies Record<string, DocumentKind>;
export type DocumentType = keyof typeof DOCUMENT_TYPES;

export const DICTIONARY_TYPES = [
  'productfolder',
  'product',
  'variant',
  'service',
  'counterparty',
  'store',
] as const;
export type DictionaryType = (typeof DICTIONARY_TYPES)[number];

export type EntitySpec =
  { kind: 'dictionary'; type: DictionaryType } | { kind: 'document'; type: DocumentType } | { kind: 'stock' };

/** Where each sync entity lives in MoySklad. */
export const ENTITY_SPECS: Record<SyncEntity, EntitySpec> = {
  product_folders: { kind: 'dictionary', type: 'productfolder' },
  products: { kind: 'dictionary', type: 'product' },
  variants: { kind: 'dictionary', type: 'variant' },
  services: { kind: 'dictionary', type: 'service' },
  counterparties: { kind: 'dictionary', type: 'counterparty' },
  stores: { kind: 'dictionary', type: 'store' },
  customer_orders: { kind: 'document', type: 'customerorder' },
  shipments: { kind: 'document', type: 'demand' },
  invoices_out: { kind: 'document', type: 'invoiceout' },
  sales_returns: { kind: 'document', type: 'salesreturn' },
  purchase_orders: { kind: 'document', type: 'purchaseorder' },
  supplies: { kind: 'document', type: 'supply' },
  invoices_in: { kind: 'document', type: 'invoicein' },
  purchase_returns: { kind: 'document', type: 'purchasereturn' },
  stock: { kind: 'stock' },
};

/** The sync entity a MoySklad type (a webhook's `meta.type`) belongs to. */
export const ENTITY_BY_TYPE: ReadonlyMap<string, SyncEntity> = new Map(
  (Object.entries(ENTITY_SPECS) as [SyncEntity, EntitySpec][]).flatMap(([entity, spec]) =>
    spec.kind === 'stock' ? [] : [[spec.type, entity] as const],
  ),
);

export const isDocumentType = (type: string): type is DocumentType => type in DOCUMENT_TYPES;

import { archiveSyncedRows } from '../../../catalog/index.js';
import type { SyncEntity } from '../../integrations/provider.js';
import { REF_TYPES, type ApplyTarget } from './context.js';
import { deleteDocuments } from './documents.js';

const DOCUMENT_ENTITIES: readonly SyncEntity[] = [
  'customer_orders',
  'shipments',
  'invoices_out',
  'sales_returns',
  'purchase_orders',
  'supplies',
  'invoices_in',
  'purchase_returns',
];

const ARCHIVED_AS: Partial<Record<SyncEntity, string>> = {
  products: REF_TYPES.product,
  services: REF_TYPES.product,
  counterparties: REF_TYPES.counterparty,
  stores: REF_TYPES.store,
};

/**
 * Rows the ERP deleted: documents are deleted (kept out of every figure), dictionary rows archived
 * (documents and history still point at them); folders and variants have no archived state and
 * stay. Answers how many local rows changed.
 */
export async function archiveSynced(
  target: ApplyTarget,
  entity: SyncEntity,
  externalIds: readonly string[],
): Promise<number> {
  if (DOCUMENT_ENTITIES.includes(entity)) return deleteDocuments(target, externalIds);
  const type = ARCHIVED_AS[entity];
  if (!type) return 0;
  return archiveSyncedRows(
    target.tx,
    { tenantId: target.tenantId, provider: target.provider },
    type,
    externalIds,
  );
}

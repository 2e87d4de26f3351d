import type { Tx } from '../../../../platform/db/types.js';
import type { RowFailure } from '../../integrations/provider.js';
import type { SyncEntityCounts } from '../../tables/integrations.tables.js';

/** Where records are applied: one tenant transaction, one integration and its provider. */
export interface ApplyTarget {
  tx: Tx;
  tenantId: string;
  integrationId: string;
  /** The provider's name: the `provider` of every external reference it writes. */
  provider: string;
}

/** What applying a batch of records did to the local copy. */
export interface ApplyResult {
  counts: Required<SyncEntityCounts>;
  failures: RowFailure[];
}

export const zeroCounts = (): Required<SyncEntityCounts> => ({
  created: 0,
  updated: 0,
  deleted: 0,
  failed: 0,
  unchanged: 0,
});

export function addCounts(
  into: Required<SyncEntityCounts>,
  more: Partial<SyncEntityCounts>,
): Required<SyncEntityCounts> {
  into.created += more.created ?? 0;
  into.updated += more.updated ?? 0;
  into.deleted += more.deleted ?? 0;
  into.failed += more.failed ?? 0;
  into.unchanged += more.unchanged ?? 0;
  return into;
}

/** The external-reference entity types synced rows are linked under. */
export const REF_TYPES = {
  folder: 'product_folder',
  product: 'product',
  variant: 'product_variant',
  counterparty: 'customer',
  store: 'warehouse',
  document: 'commerce_document',
} as const;

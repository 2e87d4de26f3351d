import type { SyncRecord } from '../../integrations/provider.js';
import { addCounts, zeroCounts, type ApplyResult, type ApplyTarget } from './context.js';
import {
  applyCounterparties,
  applyFolders,
  applyProducts,
  applyStores,
  applyVariants,
} from './dictionaries.js';
import { applyDocuments } from './documents.js';
import { applyStock } from './stock.js';

export { REF_TYPES, addCounts, zeroCounts, type ApplyResult, type ApplyTarget } from './context.js';
export { archiveSynced } from './deletions.js';

type Of<T extends SyncRecord['type']> = Extract<SyncRecord, { type: T }>;

/**
 * Applies records of any types, references first (folders, products, variants, counterparties,
 * stores, then documents and stock), in the caller's transaction; counts and failures add up.
 */
export async function applyRecords(
  target: ApplyTarget,
  records: readonly SyncRecord[],
  now = new Date(),
): Promise<ApplyResult> {
  const of = <T extends SyncRecord['type']>(type: T) => records.filter((r): r is Of<T> => r.type === type);
  const total: ApplyResult = { counts: zeroCounts(), failures: [] };
  const steps: [number, () => Promise<ApplyResult>][] = [
    [of('folder').length, () => applyFolders(target, of('folder'))],
    [of('product').length, () => applyProducts(target, of('product'))],
    [of('variant').length, () => applyVariants(target, of('variant'))],
    [of('counterparty').length, () => applyCounterparties(target, of('counterparty'))],
    [of('store').length, () => applyStores(target, of('store'))],
    [of('document').length, () => applyDocuments(target, of('document'))],
    [of('stock').length, () => applyStock(target, of('stock'), now)],
  ];
  for (const [n, step] of steps) {
    if (!n) continue;
    const result = await step();
    addCounts(total.counts, result.counts);
    total.failures.push(...result.failures);
  }
  return total;
}

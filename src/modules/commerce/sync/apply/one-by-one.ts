import type { SyncRecord } from '../../integrations/provider.js';
import { isRefusedData, refusalText } from '../failure-text.js';
import { addCounts, zeroCounts, type ApplyResult, type ApplyTarget } from './context.js';

const externalIdOf = (record: SyncRecord) =>
  'externalId' in record ? record.externalId : `${record.productExternalId}@${record.storeExternalId}`;

/**
 * What a page does when the database refused it whole (`isRefusedData`): its records again, each
 * behind a savepoint, so a row the database refuses becomes a failure of that row with the
 * database's reason and the rest of the page is applied. Only this slow path pays a savepoint per
 * row; a page the database takes is written together (`applyRecords`).
 */
export async function applyOneByOne(
  target: ApplyTarget,
  records: readonly SyncRecord[],
  apply: (target: ApplyTarget, records: readonly SyncRecord[]) => Promise<ApplyResult>,
): Promise<ApplyResult> {
  const total: ApplyResult = { counts: zeroCounts(), failures: [] };
  for (const record of records) {
    await target.tx.sql.query('savepoint sync_record');
    try {
      const result = await apply(target, [record]);
      await target.tx.sql.query('release savepoint sync_record');
      addCounts(total.counts, result.counts);
      total.failures.push(...result.failures);
    } catch (error) {
      if (!isRefusedData(error)) throw error;
      await target.tx.sql.query('rollback to savepoint sync_record');
      total.counts.failed++;
      total.failures.push({ externalId: externalIdOf(record), reason: refusalText(error) });
    }
  }
  return total;
}

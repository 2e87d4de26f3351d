import { lockForTransaction } from '../../../platform/db/advisory-lock.js';
import type { Tx } from '../../../platform/db/types.js';

/**
 * A folder's materialised path is built from its parent's. Every write that builds paths from other
 * folders (a folder created under a parent, a move, a synced page of folders) holds this lock of
 * the tenant's tree until its transaction ends, so none reads a parent's path while another writer
 * is moving that parent (the child would keep the old path for good, out of every subtree filter),
 * and two moves cannot each pass the cycle check and put two folders under each other.
 */
export const lockFolderTree = (tx: Tx, tenantId: string): Promise<void> =>
  lockForTransaction(tx, `${tenantId}:product-folders`);

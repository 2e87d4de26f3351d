import type { ParsedRow, RowProblem } from '../../platform/bulk/index.js';
import type { Tx } from '../../platform/db/types.js';
import { userIdsByEmails } from '../identity/index.js';
import { idsByCode } from './common.js';

/** A cell as text, trimmed (empty cells arrive as null). */
export const text = (value: unknown) => (typeof value === 'string' ? value.trim() : null);

/** A row's customer, product and rep as the file names them, and their ids when they exist. */
export interface RowRefs {
  customerCode: string | null;
  productCode: string | null;
  email: string | null;
  customerId?: string;
  productId?: string;
  repId?: string;
}

/**
 * Resolves the `customer_code`, `product_code` and `rep_email` columns of a chunk of import rows in
 * three statements; `refsOf` answers a row's references and pushes a REFERENCE_UNKNOWN problem
 * for each that names nothing in the tenant.
 */
export async function importReferences(tx: Tx, tenantId: string, rows: readonly ParsedRow[]) {
  const values = (column: string) => rows.map((r) => text(r.record[column])).filter((c) => c !== null);
  const customers = await idsByCode(tx, 'customers', tenantId, values('customer_code'));
  const products = await idsByCode(tx, 'products', tenantId, values('product_code'));
  const reps = await userIdsByEmails(tx, tenantId, values('rep_email'));
  return (body: Record<string, unknown>, rowNumber: number, problems: RowProblem[]): RowRefs => {
    const problem = (column: string, message: string, value: string) =>
      problems.push({ rowNumber, column, code: 'REFERENCE_UNKNOWN', message, value });
    const customerCode = text(body.customer_code);
    const productCode = text(body.product_code);
    const email = text(body.rep_email);
    const refs: RowRefs = {
      customerCode,
      productCode,
      email,
      customerId: customerCode ? customers.get(customerCode) : undefined,
      productId: productCode ? products.get(productCode) : undefined,
      repId: email ? reps.get(email.toLowerCase()) : undefined,
    };
    if (customerCode && !refs.customerId)
      problem('customer_code', `no customer with code "${customerCode}"`, customerCode);
    if (productCode && !refs.productId)
      problem('product_code', `no product with code "${productCode}"`, productCode);
    if (email && !refs.repId) problem('rep_email', `no user with e-mail "${email}"`, email);
    return refs;
  };
}

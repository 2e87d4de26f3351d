import { sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { Type } from 'typebox';
import { selectRows } from '../../platform/db/rows.js';
import type { Tx } from '../../platform/db/types.js';
import { validationFailed, type FieldError } from '../../platform/http/errors.js';
import { tenantSettingsOf } from '../identity/index.js';

/** `null` first, so Ajv's coercion never turns an explicit null into "" or 0. */
export const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([Type.Null(), schema]);

/** A calendar month: `YYYY-MM` (stored as the month's first day). */
export const Month = Type.String({ pattern: '^(?!0000)\\d{4}-(0[1-9]|1[0-2])$', description: 'YYYY-MM' });

/** A quantity: not negative, at most three decimals are kept. */
export const Quantity = Type.Number({ minimum: 0, maximum: 1e12, description: 'Not negative' });

export const Currency = Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217 code' });

/** numeric → JSON number (quantities); money stays a decimal string. */
export const num = (value: string | number | null | undefined): number => Number(value ?? 0);

/** A stored month (YYYY-MM-01) as YYYY-MM. */
export const monthText = (day: string): string => day.slice(0, 7);

/** The tenant's settings the planning module reads. */
export async function planningContext(tx: Tx, tenantId: string) {
  const settings = await tenantSettingsOf(tx, tenantId);
  return { timeZone: settings.time_zone, currency: settings.currency, planning: settings.planning };
}

/** Name expressions selected with a row, in the row's own statement. */
export const customerOf = (tenantId: AnyPgColumn, customerId: AnyPgColumn) => ({
  code: sql<string>`(select c.code from customers c where c.tenant_id = ${tenantId} and c.id = ${customerId})`,
  name: sql<string>`(select c.name from customers c where c.tenant_id = ${tenantId} and c.id = ${customerId})`,
});
export const productOf = (tenantId: AnyPgColumn, productId: AnyPgColumn) => ({
  code: sql<string>`(select p.code from products p where p.tenant_id = ${tenantId} and p.id = ${productId})`,
  name: sql<string>`(select p.name from products p where p.tenant_id = ${tenantId} and p.id = ${productId})`,
});
export const userNameOf = (tenantId: AnyPgColumn, userId: AnyPgColumn): SQL<string | null> =>
  sql<
    string | null
  >`(select trim(u.first_name || ' ' || u.last_name) from users u where u.tenant_id = ${tenantId} and u.id = ${userId})`;

/** The names a planning row is answered with: its customer's, product's and rep's. */
export interface RefNames {
  customerCode: string;
  customerName: string;
  productCode: string;
  productName: string;
  repName: string | null;
}

/** The `RefNames` of a table with customer, product and rep columns, as select fields. */
export function refNameFields(t: {
  tenantId: AnyPgColumn;
  customerId: AnyPgColumn;
  productId: AnyPgColumn;
  repId: AnyPgColumn;
}) {
  const customer = customerOf(t.tenantId, t.customerId);
  const product = productOf(t.tenantId, t.productId);
  return {
    customerCode: customer.code,
    customerName: customer.name,
    productCode: product.code,
    productName: product.name,
    repName: userNameOf(t.tenantId, t.repId),
  };
}

/** A row's references with their names, as the API answers them. */
export const refNamesJson = <Rep extends string | null>(
  row: RefNames & { customerId: string; productId: string; repId: Rep },
) => ({
  customer_id: row.customerId,
  customer_code: row.customerCode,
  customer_name: row.customerName,
  product_id: row.productId,
  product_code: row.productCode,
  product_name: row.productName,
  rep_id: row.repId,
  rep_name: row.repName,
});

/** code → id of the tenant's customers (or products) named by code. */
export async function idsByCode(
  tx: Tx,
  table: 'customers' | 'products',
  tenantId: string,
  codes: Iterable<string>,
): Promise<Map<string, string>> {
  const wanted = [...new Set([...codes].map((c) => c.trim()).filter(Boolean))];
  if (!wanted.length) return new Map();
  const rows = await selectRows<{ id: string; code: string }>(
    tx,
    sql`select id, code from ${sql.identifier(table)}
      where tenant_id = ${tenantId} and code = any(${sql.param(wanted)}::text[])`,
  );
  return new Map(rows.map((r) => [r.code, r.id]));
}

/**
 * Checks that the ids a body names are the tenant's customer, product and (active) user: any other
 * id — another tenant's, none at all — is 422 at its member, revealing nothing.
 */
export async function checkReferences(
  tx: Tx,
  tenantId: string,
  refs: { customer_id?: string; product_id?: string; rep_id?: string | null },
  base = '/body',
): Promise<void> {
  const [row] = await selectRows<{ customer: boolean; product: boolean; rep: boolean }>(
    tx,
    sql`select
      ${refs.customer_id ? sql`exists (select 1 from customers where tenant_id = ${tenantId} and id = ${refs.customer_id})` : sql`true`} as customer,
      ${refs.product_id ? sql`exists (select 1 from products where tenant_id = ${tenantId} and id = ${refs.product_id})` : sql`true`} as product,
      ${refs.rep_id ? sql`exists (select 1 from users where tenant_id = ${tenantId} and id = ${refs.rep_id} and status = 'active')` : sql`true`} as rep`,
  );
  const errors: FieldError[] = [];
  if (!row?.customer) errors.push({ path: `${base}/customer_id`, message: 'no such customer' });
  if (!row?.product) errors.push({ path: `${base}/product_id`, message: 'no such product' });
  if (!row?.rep) errors.push({ path: `${base}/rep_id`, message: 'no such active user' });
  if (errors.length) throw validationFailed(errors, 'Unknown reference.');
}

/**
 * Users under an org unit's subtree: assigned to a unit in it, or members of a team hanging on one
 * (the same reach an org-unit manager's data scope has).
 */
export function usersUnderOrgUnit(orgUnitId: string): SQL {
  const subtree = sql`select ou.tenant_id, ou.id from org_units ou
    join org_units root on root.tenant_id = ou.tenant_id and ou.path like root.path || '%'
    where root.id = ${orgUnitId}`;
  return sql`select u.id from users u where (u.tenant_id, u.org_unit_id) in (${subtree})
    union select tm.user_id from team_members tm
    join teams t on t.tenant_id = tm.tenant_id and t.id = tm.team_id
    where (t.tenant_id, t.org_unit_id) in (${subtree})`;
}

/** 422 naming `path` when a `from`–`to` month range is reversed. */
export function checkMonthRange(from: string | undefined, to: string | undefined, path = '/query/to'): void {
  if (from && to && to < from) throw validationFailed([{ path, message: 'must not be before from' }]);
}

/** A decimal string ("-12.5", "1250.00") as whole cents, exactly. */
export function toCents(value: string): bigint {
  const negative = value.trim().startsWith('-');
  const [whole = '0', fraction = ''] = value.trim().replace(/^[-+]/, '').split('.');
  const cents = BigInt(whole || '0') * 100n + BigInt((fraction + '00').slice(0, 2));
  return negative ? -cents : cents;
}

/** Whole cents as a money string with two decimals. */
export function fromCents(cents: bigint): string {
  const negative = cents < 0n;
  const abs = negative ? -cents : cents;
  return `${negative ? '-' : ''}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
}

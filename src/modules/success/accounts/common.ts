import { sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { Type } from 'typebox';
import type { Tx } from '../../../platform/db/types.js';
import type { Principal } from '../../../platform/http/auth.js';
import { AppError, validationFailed } from '../../../platform/http/errors.js';
import { tenantSettingsOf } from '../../identity/index.js';
import { localDate } from '../../notify/index.js';
import { customerInScope } from '../scope.js';

/**
 * `null` first: with Ajv's type coercion a string or number branch tried first would turn an
 * explicit `null` (clear the field) into `""` or `0`.
 */
export const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([Type.Null(), schema]);

/** Free text of at most `maxLength` characters. */
export const Text = (maxLength = 2000) => Type.String({ maxLength });

/** The tenant's time zone and today's date there (YYYY-MM-DD): "today" is always the tenant's. */
export async function tenantToday(tx: Tx, tenantId: string): Promise<{ today: string; timeZone: string }> {
  const timeZone = (await tenantSettingsOf(tx, tenantId)).time_zone;
  return { today: localDate(new Date(), timeZone), timeZone };
}

/** `day` (YYYY-MM-DD) moved by `days` calendar days. */
export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (both YYYY-MM-DD); negative when `to` is earlier. */
export const daysBetween = (from: string, to: string): number =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);

/** The name of a success record's customer, selected in the record's own statement. */
export const customerNameOf = (tenantId: AnyPgColumn, customerId: AnyPgColumn): SQL<string> =>
  sql<string>`(select c.name from customers c where c.tenant_id = ${tenantId} and c.id = ${customerId})`;

/**
 * The customer a body names, when it exists in the tenant and the caller's scope. Any other id —
 * another tenant's, one out of scope, none at all — is the same 422 at `path`, so a reference
 * reveals nothing about customers the caller cannot see.
 */
export async function referencedCustomer(tx: Tx, principal: Principal, customerId: string, path: string) {
  try {
    return await customerInScope(tx, principal, customerId);
  } catch (error) {
    if (error instanceof AppError && error.status === 404)
      throw validationFailed([{ path, message: 'no such customer' }], 'Unknown customer.');
    throw error;
  }
}

/** 422 naming `to` when a `from`–`to` range is reversed. */
export function checkRange(from: string | undefined, to: string | undefined, path: string): void {
  if (from && to && to < from) throw validationFailed([{ path, message: 'must not be before the start' }]);
}

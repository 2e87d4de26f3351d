import { and, eq, inArray } from 'drizzle-orm';
import { Type } from 'typebox';
import type { ImportColumn, ImportEntity, ReadyRow, RowProblem } from '../../../platform/bulk/index.js';
import { validateAgainstSchema } from '../../../platform/bulk/index.js';
import { NonNegativeMoney, Uuid } from '../../../platform/http/schemas.js';
import { parsePhone } from '../../../lib/phone.js';
import { outletIdsByCode } from '../../catalog/index.js';
import { userIdsByEmployeeCodes, userIdsByUsernames } from '../../identity/index.js';
import { startOfLocalDay } from '../clock.js';
import { FALLBACK_PHONE_REGION } from '../phone.js';
import { Currency, Nullable } from '../schemas.js';
import { conversions } from '../tables/conversions.tables.js';
import { conversionSettings } from './conversion-writer.js';
import { FUTURE_SKEW_MS } from './conversions.service.js';
import { writeExternalSales, type ExternalSale } from './external-sales.writer.js';

/** The system a file's sales come from when it has no `external_system` column or cell. */
export const DEFAULT_EXTERNAL_SYSTEM = 'import';

const ExternalId = Type.String({ minLength: 1, maxLength: 128, pattern: '^\\S(.*\\S)?$' });
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** One row as the API would take it: the file's columns by name, empty cells null. */
const ExternalSaleRow = Type.Object({
  external_sale_id: ExternalId,
  external_system: Nullable(ExternalId),
  sale_date: Type.Union([Type.String({ format: 'date' }), Type.String({ format: 'date-time' })]),
  sale_amount: NonNegativeMoney,
  cost_amount: Nullable(NonNegativeMoney),
  currency: Nullable(Currency),
  customer_phone: Nullable(Type.String({ minLength: 1, maxLength: 40 })),
  lead_uuid: Nullable(Uuid),
});

export const EXTERNAL_SALE_COLUMNS: ImportColumn[] = [
  {
    name: 'external_sale_id',
    kind: 'text',
    required: true,
    description: 'The sale’s id in its system',
    example: 'S-10001',
  },
  {
    name: 'external_system',
    kind: 'text',
    description: `The system the sale comes from (default "${DEFAULT_EXTERNAL_SYSTEM}")`,
    example: 'pos',
  },
  { name: 'outlet_code', kind: 'text', description: 'Outlet of the sale, by code', example: 'O-2001' },
  { name: 'agent_code', kind: 'text', description: 'Seller, by employee code or username', example: 'E-17' },
  {
    name: 'sale_date',
    kind: 'text',
    required: true,
    description: 'YYYY-MM-DD (the start of that day, tenant time) or an ISO date-time',
    example: '2025-03-14',
  },
  {
    name: 'sale_amount',
    kind: 'decimal',
    required: true,
    description: 'Not negative, two decimals',
    example: '1200000.50',
  },
  { name: 'cost_amount', kind: 'decimal', description: 'Not negative (default 0)', example: '800000' },
  { name: 'currency', kind: 'text', description: 'ISO 4217 (default: the tenant’s)', example: 'UZS' },
  {
    name: 'customer_phone',
    kind: 'text',
    description: 'Matched against leads (tenant region)',
    example: '901234567',
  },
  { name: 'lead_uuid', kind: 'text', description: 'The lead’s client_uuid (matched first)', example: '' },
];

const text = (value: unknown) => (typeof value === 'string' ? value : null);

/**
 * `external_sales`: sales from another system (a POS, an ERP) matched to leads and recorded as
 * conversions. `prepare` checks cells and resolves outlet and agent codes (row errors); matching a
 * lead happens in the write, where a row that matches none is recorded as unmatched, not rejected.
 */
export const externalSalesImporter: ImportEntity<ExternalSale> = {
  name: 'external_sales',
  permission: 'conversions:import',
  columns: async () => EXTERNAL_SALE_COLUMNS,

  async prepare(tx, { ctx, rows, mode, memory }) {
    const settings = await conversionSettings(tx, ctx.tenantId);
    const codes = (column: string) => rows.map((r) => text(r.record[column])).filter((c) => c !== null);
    const outletIds = await outletIdsByCode(tx, ctx.tenantId, codes('outlet_code'));
    const byEmployeeCode = await userIdsByEmployeeCodes(tx, ctx.tenantId, codes('agent_code'));
    const byUsername = await userIdsByUsernames(tx, ctx.tenantId, codes('agent_code'));
    const problems: RowProblem[] = [];
    let ready: ReadyRow<ExternalSale>[] = [];
    for (const { rowNumber, record } of rows) {
      const body = Object.fromEntries(
        Object.keys(ExternalSaleRow.properties).map((name) => [name, record[name] ?? null]),
      );
      const rowProblems = validateAgainstSchema(ExternalSaleRow, body, rowNumber);
      const problem = (column: string, code: string, message: string, value: string | null) =>
        rowProblems.push({ rowNumber, column, code, message, value });
      const outletCode = text(record.outlet_code);
      const outletId = outletCode ? outletIds.get(outletCode) : null;
      if (outletCode && !outletId)
        problem('outlet_code', 'REFERENCE_UNKNOWN', `no outlet with code "${outletCode}"`, outletCode);
      const agentCode = text(record.agent_code);
      const agentId = agentCode
        ? (byEmployeeCode.get(agentCode.trim()) ?? byUsername.get(agentCode.trim().toLowerCase()))
        : null;
      if (agentCode && !agentId)
        problem(
          'agent_code',
          'REFERENCE_UNKNOWN',
          `no user with employee code or username "${agentCode}"`,
          agentCode,
        );
      let phone: string | null = null;
      const phoneText = text(body.customer_phone);
      if (phoneText) {
        const parsed = parsePhone(phoneText, settings.phoneRegion || FALLBACK_PHONE_REGION);
        if (parsed.ok) phone = parsed.e164;
        else problem('customer_phone', 'VALUE_INVALID', parsed.error.message, phoneText);
      } else if (!body.lead_uuid) {
        problem('customer_phone', 'VALUE_INVALID', 'customer_phone or lead_uuid is required', null);
      }
      if (rowProblems.length) {
        problems.push(...rowProblems);
        continue;
      }
      const saleDate = body.sale_date as string;
      const dayOnly = DATE_ONLY.test(saleDate);
      const convertedAt = dayOnly ? startOfLocalDay(saleDate, settings.timeZone) : new Date(saleDate);
      if (convertedAt.getTime() > Date.now() + FUTURE_SKEW_MS) {
        problem('sale_date', 'VALUE_INVALID', 'must not be in the future', saleDate);
        problems.push(...rowProblems);
        continue;
      }
      const system = text(body.external_system) ?? DEFAULT_EXTERNAL_SYSTEM;
      const saleId = body.external_sale_id as string;
      const first = memory.claim('external_sale', `${system}\u0000${saleId}`, rowNumber);
      if (first !== undefined) {
        problem(
          'external_sale_id',
          'DUPLICATE_IN_FILE',
          `"${saleId}" is already used by row ${first}`,
          saleId,
        );
        problems.push(...rowProblems);
        continue;
      }
      ready.push({
        rowNumber,
        code: saleId,
        value: {
          system,
          saleId,
          outletId: outletId ?? null,
          agentId: agentId ?? null,
          convertedAt: convertedAt.toISOString(),
          dayOnly,
          amount: body.sale_amount as string,
          cost: text(body.cost_amount),
          currency: text(body.currency),
          phone,
          leadUuid: text(body.lead_uuid),
        },
      });
    }
    if (mode === 'insert' && ready.length) {
      const stored = await tx.db
        .select({ system: conversions.externalSystem, saleId: conversions.externalSaleId })
        .from(conversions)
        .where(
          and(
            eq(conversions.tenantId, ctx.tenantId),
            inArray(conversions.externalSaleId, [...new Set(ready.map((r) => r.value.saleId))]),
          ),
        );
      const taken = new Set(stored.map((s) => `${s.system}\u0000${s.saleId}`));
      const isTaken = (r: ReadyRow<ExternalSale>) => taken.has(`${r.value.system}\u0000${r.value.saleId}`);
      for (const row of ready.filter(isTaken))
        problems.push({
          rowNumber: row.rowNumber,
          column: 'external_sale_id',
          code: 'CODE_EXISTS',
          message: 'this sale is already recorded (use mode upsert-by-code to update it)',
          value: row.code,
        });
      ready = ready.filter((r) => !isTaken(r));
    }
    return { ready, problems };
  },

  write: (tx, input) => writeExternalSales(tx, input),
};

import {
  and,
  asc,
  count,
  desc,
  eq,
  gte,
  ilike,
  isNotNull,
  isNull,
  lte,
  or,
  sql,
  type SQL,
} from 'drizzle-orm';
import type { TenantDatabase, Tx } from '../../../platform/db/types.js';
import { validationFailed } from '../../../platform/http/errors.js';
import {
  defineResource,
  envelope,
  iso,
  likeEscape,
  tenantReadOf,
  tenantTxOf,
  type CallContext,
} from '../../../platform/resource/index.js';
import { diff, userFacts, writeAudit } from '../../identity/index.js';
import { customers } from '../tables/core.tables.js';
import { externalRefsColumn, externalRefsOf } from './external-refs.js';
import type {
  AccountManagerCounts,
  CreateCustomerBody,
  Customer,
  CustomerListQuery,
  ExternalRef,
  IndustryCounts,
  UpdateCustomerBody,
} from './core.schemas.js';

type CustomerRow = typeof customers.$inferSelect;
type NewCustomerRow = typeof customers.$inferInsert;

const ENTITY = 'customer';

export function toCustomerJson(row: CustomerRow, refs: ExternalRef[] = []): Customer {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    legal_name: row.legalName,
    industry: row.industry,
    segment: row.segment,
    tags: row.tags,
    contact_name: row.contactName,
    email: row.email,
    phone: row.phone,
    addresses: row.addresses,
    inn: row.inn,
    kpp: row.kpp,
    ogrn: row.ogrn,
    is_customer: row.isCustomer,
    is_supplier: row.isSupplier,
    owner_id: row.ownerId,
    status: row.status,
    contract_start: row.contractStart,
    contract_end: row.contractEnd,
    contract_value: row.contractValue,
    currency: row.currency,
    archived_at: iso(row.archivedAt),
    health_score: row.healthScore,
    health_risk: row.healthRisk,
    health_scored_at: iso(row.healthScoredAt),
    external_refs: refs,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

/** Audited without timestamps, references and the health fields (the success module writes those). */
const auditable = (c: Customer): Record<string, unknown> => {
  const {
    created_at: _c,
    updated_at: _u,
    external_refs: _e,
    health_score: _hs,
    health_risk: _hr,
    health_scored_at: _ha,
    ...rest
  } = c;
  return rest;
};

/** What a by-id read selects besides the row: its external references, in the same statement. */
const withRefs = { externalRefs: externalRefsColumn(ENTITY, customers) };

/** Customers are tenant-wide (no owner scope): the account manager is a field, not a visibility rule. */
export const customerResource = defineResource({
  table: customers,
  name: 'Customer',
  tenantId: customers.tenantId,
  id: customers.id,
  sorts: {
    name: customers.name,
    code: customers.code,
    status: customers.status,
    contract_value: customers.contractValue,
    created_at: customers.createdAt,
    updated_at: customers.updatedAt,
    // Unscored customers sort last either way (nulls last).
    health_score: customers.healthScore,
  },
});

export function customerValues(body: UpdateCustomerBody): Partial<NewCustomerRow> {
  const v: Partial<NewCustomerRow> = {};
  if (body.code !== undefined) v.code = body.code;
  if (body.name !== undefined) v.name = body.name;
  if (body.legal_name !== undefined) v.legalName = body.legal_name;
  if (body.industry !== undefined) v.industry = body.industry;
  if (body.segment !== undefined) v.segment = body.segment;
  if (body.tags !== undefined) v.tags = [...new Set(body.tags)];
  if (body.contact_name !== undefined) v.contactName = body.contact_name;
  if (body.email !== undefined) v.email = body.email === null ? null : body.email.trim().toLowerCase();
  if (body.phone !== undefined) v.phone = body.phone;
  if (body.addresses !== undefined) v.addresses = body.addresses;
  if (body.inn !== undefined) v.inn = body.inn;
  if (body.kpp !== undefined) v.kpp = body.kpp;
  if (body.ogrn !== undefined) v.ogrn = body.ogrn;
  if (body.is_customer !== undefined) v.isCustomer = body.is_customer;
  if (body.is_supplier !== undefined) v.isSupplier = body.is_supplier;
  if (body.owner_id !== undefined) v.ownerId = body.owner_id;
  if (body.status !== undefined) v.status = body.status;
  if (body.contract_start !== undefined) v.contractStart = body.contract_start;
  if (body.contract_end !== undefined) v.contractEnd = body.contract_end;
  if (body.contract_value !== undefined) v.contractValue = body.contract_value;
  if (body.currency !== undefined) v.currency = body.currency;
  return v;
}

/** A rule a body's fields break beyond the schema: the field and why. */
export interface FieldRuleError {
  field: string;
  message: string;
}

/**
 * The customer rules the schema cannot say, as the record would be after the write. The API (with
 * `/body/` pointers) and the importer (on the file's column) both apply these, so they agree.
 */
export function customerRuleErrors(after: {
  contractStart: string | null | undefined;
  contractEnd: string | null | undefined;
}): FieldRuleError[] {
  const { contractStart: start, contractEnd: end } = after;
  return start && end && end < start
    ? [{ field: 'contract_end', message: 'must not be before contract_start' }]
    : [];
}

const bodyErrors = (errors: FieldRuleError[]) =>
  errors.map(({ field, message }) => ({ path: `/body/${field}`, message }));

async function checkReferences(
  tx: Tx,
  tenantId: string,
  values: Partial<NewCustomerRow>,
  before?: CustomerRow,
) {
  if (values.ownerId) {
    const owner = await userFacts(tx, tenantId, [values.ownerId]);
    if (!owner.has(values.ownerId))
      throw validationFailed([{ path: '/body/owner_id', message: 'no such user' }], 'Unknown owner.');
  }
  const rules = customerRuleErrors({
    contractStart: values.contractStart !== undefined ? values.contractStart : before?.contractStart,
    contractEnd: values.contractEnd !== undefined ? values.contractEnd : before?.contractEnd,
  });
  if (rules.length) throw validationFailed(bodyErrors(rules));
}

/** The list filters as conditions (the list and the export share them). */
export function customerListConditions(
  tenantId: string,
  query: Omit<CustomerListQuery, 'limit' | 'offset' | 'sort'>,
): (SQL | undefined)[] {
  const conditions: (SQL | undefined)[] = [
    eq(customers.tenantId, tenantId),
    query.archived ? isNotNull(customers.archivedAt) : isNull(customers.archivedAt),
  ];
  if (query.q) {
    const pattern = `%${likeEscape(query.q)}%`;
    conditions.push(
      or(
        ilike(customers.name, pattern),
        ilike(customers.code, pattern),
        ilike(customers.legalName, pattern),
        ilike(customers.inn, pattern),
      ),
    );
  }
  if (query.status) conditions.push(eq(customers.status, query.status));
  if (query.industry) conditions.push(eq(customers.industry, query.industry));
  if (query.segment) conditions.push(eq(customers.segment, query.segment));
  if (query.tag) conditions.push(sql`${customers.tags} @> array[${query.tag}]::text[]`);
  if (query.owner) conditions.push(eq(customers.ownerId, query.owner));
  if (query.health_risk) conditions.push(eq(customers.healthRisk, query.health_risk));
  if (query.min_health !== undefined && query.max_health !== undefined && query.max_health < query.min_health)
    throw validationFailed([{ path: '/query/max_health', message: 'must not be below min_health' }]);
  if (query.min_health !== undefined) conditions.push(gte(customers.healthScore, query.min_health));
  if (query.max_health !== undefined) conditions.push(lte(customers.healthScore, query.max_health));
  return conditions;
}

export function createCustomersService(deps: { db: TenantDatabase }) {
  const tenantTx = tenantTxOf(deps);
  const tenantRead = tenantReadOf(deps);

  async function present(tx: Tx, tenantId: string, row: CustomerRow): Promise<Customer> {
    const refs = await externalRefsOf(tx, tenantId, ENTITY, [row.id]);
    return toCustomerJson(row, refs.get(row.id));
  }

  async function update(
    ctx: CallContext,
    id: string,
    values: Partial<NewCustomerRow>,
    action: string,
  ): Promise<Customer> {
    return tenantTx(ctx, async (tx) => {
      const before = await customerResource.find(tx, ctx, id, { lock: true });
      await checkReferences(tx, ctx.tenantId, values, before);
      const [row] = await tx.db
        .update(customers)
        .set({ ...values, updatedAt: new Date() })
        .where(and(eq(customers.tenantId, ctx.tenantId), eq(customers.id, id)))
        .returning();
      const json = await present(tx, ctx.tenantId, row!);
      await writeAudit(tx, ctx.audit, {
        tenantId: ctx.tenantId,
        action,
        entityType: ENTITY,
        entityId: id,
        changes: diff(auditable(toCustomerJson(before)), auditable(json)),
      });
      return json;
    });
  }

  return {
    list(ctx: CallContext, query: CustomerListQuery) {
      return tenantTx(ctx, async (tx) => {
        const page = await customerResource.list(tx, ctx, query, {
          where: customerListConditions(ctx.tenantId, query),
        });
        const refs = await externalRefsOf(
          tx,
          ctx.tenantId,
          ENTITY,
          page.rows.map((r) => r.id),
        );
        return envelope('customers', page, (r) => toCustomerJson(r, refs.get(r.id)));
      });
    },

    async get(ctx: CallContext, id: string) {
      const row = await tenantRead(ctx, (tx) =>
        customerResource.read<{ externalRefs: ExternalRef[] }>(tx, ctx, id, withRefs),
      );
      return toCustomerJson(row, row.externalRefs);
    },

    create(ctx: CallContext, body: CreateCustomerBody) {
      return tenantTx(ctx, async (tx) => {
        const values = customerValues(body);
        await checkReferences(tx, ctx.tenantId, values);
        const [row] = await tx.db
          .insert(customers)
          .values({ ...values, code: body.code, name: body.name, tenantId: ctx.tenantId })
          .returning();
        const json = toCustomerJson(row!);
        await writeAudit(tx, ctx.audit, {
          tenantId: ctx.tenantId,
          action: 'customer.create',
          entityType: ENTITY,
          entityId: row!.id,
          changes: { after: auditable(json) },
        });
        return json;
      });
    },

    update(ctx: CallContext, id: string, body: UpdateCustomerBody) {
      return update(ctx, id, customerValues(body), 'customer.update');
    },

    /** DELETE: the customer is churned and archived, never removed (sales history points at it). */
    async archive(ctx: CallContext, id: string): Promise<void> {
      await update(ctx, id, { status: 'churned', archivedAt: new Date() }, 'customer.archive');
    },

    restore(ctx: CallContext, id: string) {
      return update(ctx, id, { status: 'active', archivedAt: null }, 'customer.restore');
    },

    industries(ctx: CallContext): Promise<IndustryCounts> {
      return tenantTx(ctx, async (tx) => {
        const n = count();
        const rows = await tx.db
          .select({ industry: customers.industry, n })
          .from(customers)
          .where(
            and(
              eq(customers.tenantId, ctx.tenantId),
              isNull(customers.archivedAt),
              isNotNull(customers.industry),
            ),
          )
          .groupBy(customers.industry)
          .orderBy(desc(n), asc(customers.industry));
        return { industries: rows.map((r) => ({ industry: r.industry!, count: Number(r.n) })) };
      });
    },

    accountManagers(ctx: CallContext): Promise<AccountManagerCounts> {
      return tenantTx(ctx, async (tx) => {
        const n = count();
        const counts = await tx.db
          .select({ ownerId: customers.ownerId, n })
          .from(customers)
          .where(
            and(
              eq(customers.tenantId, ctx.tenantId),
              isNull(customers.archivedAt),
              isNotNull(customers.ownerId),
            ),
          )
          .groupBy(customers.ownerId);
        // Names come from identity (its tables are its own); one more query, not one per owner.
        const owners = await userFacts(
          tx,
          ctx.tenantId,
          counts.map((c) => c.ownerId),
        );
        const rows = counts.flatMap(({ ownerId, n }) => {
          const owner = owners.get(ownerId!);
          return owner ? [{ id: ownerId!, ...owner, n: Number(n) }] : [];
        });
        const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
        rows.sort(
          (a, b) =>
            b.n - a.n ||
            byName(a.lastName, b.lastName) ||
            byName(a.firstName, b.firstName) ||
            byName(a.id, b.id),
        );
        return {
          account_managers: rows.map((r) => ({
            user_id: r.id,
            first_name: r.firstName,
            last_name: r.lastName,
            email: r.email,
            count: r.n,
          })),
        };
      });
    },
  };
}

export type CustomersService = ReturnType<typeof createCustomersService>;

import { and, asc, eq, gte, inArray, isNotNull, isNull, like, lte, ne, sql } from 'drizzle-orm';
import { selectRows } from '../../../platform/db/rows.js';
import type { TenantDatabase, Tx } from '../../../platform/db/types.js';
import { conflict, validationFailed, type FieldError } from '../../../platform/http/errors.js';
import {
  defineResource,
  envelope,
  iso,
  likeEscape,
  tenantTxOf,
  type CallContext,
} from '../../../platform/resource/index.js';
import { isActiveUserInScope, tenantSettingsOf, writeAudit } from '../../identity/index.js';
import { qty } from '../inventory/decimal.js';
import {
  commerceDocumentPositions,
  commerceDocuments,
  type DocumentKind,
} from '../tables/documents.tables.js';
import {
  PURCHASE_KINDS,
  SALES_KINDS,
  type CreateDocumentBody,
  type DocumentDetail,
  type DocumentListQuery,
  type DocumentSummary,
  type PositionInput,
  type UpdateDocumentBody,
} from './documents.schemas.js';
import { loadDocumentForUpdate, removeLocalDocument, writeDocument } from './write.js';
import { lockForTransaction } from '../../../platform/db/advisory-lock.js';

/** Documents are scoped by their responsible manager (`owner_id`). */
export const documentResource = defineResource({
  table: commerceDocuments,
  name: 'Document',
  tenantId: commerceDocuments.tenantId,
  id: commerceDocuments.id,
  owner: commerceDocuments.ownerId,
  sorts: {
    moment: commerceDocuments.moment,
    number: commerceDocuments.number,
    sum: commerceDocuments.sum,
    created_at: commerceDocuments.createdAt,
  },
});

/** Kinds that need a warehouse: those that move stock, reserve it or bring it in transit. */
const WAREHOUSE_KINDS: readonly DocumentKind[] = [
  'shipment',
  'supply',
  'sales_return',
  'purchase_return',
  'customer_order',
  'purchase_order',
];

const d = commerceDocuments;
const summaryFields = {
  customerName: sql<
    string | null
  >`(select c.name from customers c where c.tenant_id = ${d.tenantId} and c.id = ${d.customerId})`,
};
type SummaryRow = typeof commerceDocuments.$inferSelect & { customerName: string | null };

const toSummaryJson = (r: SummaryRow): DocumentSummary => ({
  id: r.id,
  kind: r.kind,
  direction: (SALES_KINDS as readonly string[]).includes(r.kind) ? 'sales' : 'purchase',
  number: r.number,
  moment: r.moment.toISOString(),
  applicable: r.applicable,
  state: r.state,
  customer_id: r.customerId,
  customer_name: r.customerName,
  warehouse_id: r.warehouseId,
  owner_id: r.ownerId,
  currency: r.currency,
  sum: r.sum,
  vat_sum: r.vatSum,
  cost_sum: r.costSum,
  description: r.description,
  source: r.source,
  read_only: r.source !== 'local',
  deleted_at: iso(r.deletedAt),
  created_at: r.createdAt.toISOString(),
  updated_at: r.updatedAt.toISOString(),
});

async function readDetail(tx: Tx, ctx: CallContext, id: string): Promise<DocumentDetail> {
  const header = await documentResource.read<{ customerName: string | null }>(tx, ctx, id, summaryFields);
  const p = commerceDocumentPositions;
  const positions = await tx.db
    .select({
      line: p,
      productCode: sql<string>`(select pr.code from products pr where pr.tenant_id = ${p.tenantId} and pr.id = ${p.productId})`,
      productName: sql<string>`(select pr.name from products pr where pr.tenant_id = ${p.tenantId} and pr.id = ${p.productId})`,
    })
    .from(p)
    .where(and(eq(p.tenantId, ctx.tenantId), eq(p.documentId, id)))
    .orderBy(asc(p.lineNo));
  return {
    ...toSummaryJson(header),
    positions: positions.map(({ line, productCode, productName }) => ({
      line_no: line.lineNo,
      product_id: line.productId,
      product_code: productCode,
      product_name: productName,
      variant_id: line.variantId,
      quantity: line.quantity,
      price: line.price,
      discount: line.discount,
      vat_rate: line.vatRate,
      sum: line.sum,
      vat_sum: line.vatSum,
      unit_cost: line.unitCost,
      reserve: line.reserve,
    })),
  };
}

/** The rules the schemas cannot say, and every reference checked against the tenant (422 at its member). */
async function checkInput(
  tx: Tx,
  ctx: CallContext,
  doc: {
    kind: DocumentKind;
    customer_id: string | null;
    warehouse_id: string | null;
    owner_id: string | null;
    positions: PositionInput[];
  },
  ownerChanged: boolean,
): Promise<void> {
  const errors: FieldError[] = [];
  if (WAREHOUSE_KINDS.includes(doc.kind) && !doc.warehouse_id)
    errors.push({ path: '/body/warehouse_id', message: `required for ${doc.kind}` });
  doc.positions.forEach((p, i) => {
    if (qty(p.quantity) <= 0n)
      errors.push({ path: `/body/positions/${i}/quantity`, message: 'must be greater than 0' });
    if (p.reserve != null && qty(p.reserve) !== 0n) {
      if (doc.kind !== 'customer_order')
        errors.push({ path: `/body/positions/${i}/reserve`, message: 'only customer orders reserve stock' });
      else if (qty(p.reserve) > qty(p.quantity))
        errors.push({ path: `/body/positions/${i}/reserve`, message: 'must not exceed the quantity' });
    }
  });
  const productIds = [...new Set(doc.positions.map((p) => p.product_id))];
  const variantIds = [...new Set(doc.positions.flatMap((p) => (p.variant_id ? [p.variant_id] : [])))];
  const [known] = await selectRows<{
    customer: boolean;
    warehouse: boolean;
    products: string[];
    variants: { id: string; product_id: string }[];
  }>(
    tx,
    sql`select
      ${doc.customer_id ? sql`exists (select 1 from customers where tenant_id = ${ctx.tenantId} and id = ${doc.customer_id})` : sql`true`} as customer,
      ${doc.warehouse_id ? sql`exists (select 1 from warehouses where tenant_id = ${ctx.tenantId} and id = ${doc.warehouse_id})` : sql`true`} as warehouse,
      array(select id::text from products where tenant_id = ${ctx.tenantId} and id = any(${`{${productIds.join(',')}}`}::uuid[])) as products,
      coalesce((select json_agg(json_build_object('id', id, 'product_id', product_id)) from product_variants
        where tenant_id = ${ctx.tenantId} and id = any(${`{${variantIds.join(',')}}`}::uuid[])), '[]'::json) as variants`,
  );
  if (!known?.customer) errors.push({ path: '/body/customer_id', message: 'no such customer' });
  if (!known?.warehouse) errors.push({ path: '/body/warehouse_id', message: 'no such warehouse' });
  const products = new Set(known?.products ?? []);
  const variants = new Map((known?.variants ?? []).map((v) => [v.id, v.product_id]));
  doc.positions.forEach((p, i) => {
    if (!products.has(p.product_id))
      errors.push({ path: `/body/positions/${i}/product_id`, message: 'no such product' });
    else if (p.variant_id && variants.get(p.variant_id) !== p.product_id)
      errors.push({ path: `/body/positions/${i}/variant_id`, message: 'no such variant of the product' });
  });
  if (
    ownerChanged &&
    doc.owner_id &&
    !(await isActiveUserInScope(tx, ctx.principal, ctx.tenantId, doc.owner_id))
  )
    errors.push({ path: '/body/owner_id', message: 'no such active user in your scope' });
  // A document without an owner is seen by tenant-wide roles only: a narrower caller could not read
  // what they wrote.
  if (doc.owner_id === null && ctx.principal.scope !== 'tenant')
    errors.push({
      path: '/body/owner_id',
      message: 'only tenant-wide roles keep documents without an owner',
    });
  if (errors.length) throw validationFailed(errors);
}

/**
 * The lock every writer of a kind's local numbers takes (until its transaction ends): an automatic
 * number and an explicit one chosen at the same time then never meet at the unique index; the
 * second writer waits, sees the first's row and answers DOCUMENT_NUMBER_TAKEN.
 */
const lockNumbers = (tx: Tx, tenantId: string, kind: DocumentKind) =>
  lockForTransaction(tx, `${tenantId}:document:${kind}`);

/**
 * The next free local number of a kind (`00001`, …): the highest all-digit local number + 1, of any
 * length (numeric is exact), so an explicit number of many digits never leaves the next one taken.
 */
async function nextNumber(tx: Tx, tenantId: string, kind: DocumentKind): Promise<string> {
  await lockNumbers(tx, tenantId, kind);
  const [row] = await selectRows<{ n: string }>(
    tx,
    sql`select (coalesce(max(number::numeric), 0) + 1)::text as n from commerce_documents
      where tenant_id = ${tenantId} and kind = ${kind} and source = 'local' and number ~ '^[0-9]+$'`,
  );
  return row!.n.padStart(5, '0');
}

async function checkNumberFree(
  tx: Tx,
  tenantId: string,
  kind: DocumentKind,
  number: string,
  except?: string,
) {
  await lockNumbers(tx, tenantId, kind);
  const [taken] = await tx.db
    .select({ id: d.id })
    .from(d)
    .where(
      and(
        eq(d.tenantId, tenantId),
        eq(d.kind, kind),
        eq(d.number, number),
        eq(d.source, 'local'),
        except ? ne(d.id, except) : undefined,
      ),
    );
  if (taken) throw conflict('DOCUMENT_NUMBER_TAKEN', `A ${kind} numbered ${number} exists already.`);
}

const readOnly = () =>
  conflict('DOCUMENT_READ_ONLY', 'The document is synced from an ERP: change it there, not here.');

const positionsOf = (positions: PositionInput[]) =>
  positions.map((p) => ({
    productId: p.product_id,
    variantId: p.variant_id ?? null,
    quantity: p.quantity,
    price: p.price,
    discount: p.discount ?? '0',
    vatRate: p.vat_rate ?? null,
    reserve: p.reserve ?? null,
  }));

export function createDocumentsService(deps: { db: TenantDatabase }) {
  const tenantTx = tenantTxOf(deps);
  return {
    list: (ctx: CallContext, query: DocumentListQuery) =>
      tenantTx(ctx, async (tx) => {
        if (query.from && query.to && new Date(query.to) < new Date(query.from))
          throw validationFailed([{ path: '/query/to', message: 'must not be before from' }]);
        const kinds =
          query.direction === 'sales'
            ? SALES_KINDS
            : query.direction === 'purchase'
              ? PURCHASE_KINDS
              : undefined;
        const page = await documentResource.list<{ customerName: string | null }>(tx, ctx, query, {
          where: [
            query.kind ? eq(d.kind, query.kind) : undefined,
            kinds ? inArray(d.kind, [...kinds]) : undefined,
            query.customer_id ? eq(d.customerId, query.customer_id) : undefined,
            query.warehouse_id ? eq(d.warehouseId, query.warehouse_id) : undefined,
            query.owner_id ? eq(d.ownerId, query.owner_id) : undefined,
            query.state ? eq(d.state, query.state) : undefined,
            query.applicable !== undefined ? eq(d.applicable, query.applicable) : undefined,
            query.from ? gte(d.moment, new Date(query.from)) : undefined,
            query.to ? lte(d.moment, new Date(query.to)) : undefined,
            query.q ? like(d.number, `${likeEscape(query.q)}%`) : undefined,
            query.source ? eq(d.source, query.source) : undefined,
            query.deleted ? isNotNull(d.deletedAt) : isNull(d.deletedAt),
          ],
          fields: summaryFields,
        });
        return envelope('documents', page, toSummaryJson);
      }),

    get: (ctx: CallContext, id: string) => tenantTx(ctx, (tx) => readDetail(tx, ctx, id)),

    create: (ctx: CallContext, body: CreateDocumentBody) =>
      tenantTx(ctx, async (tx) => {
        const ownerId = body.owner_id === undefined ? ctx.principal.userId : body.owner_id;
        const doc = {
          kind: body.kind,
          customer_id: body.customer_id ?? null,
          warehouse_id: body.warehouse_id ?? null,
          owner_id: ownerId,
          positions: body.positions,
        };
        await checkInput(tx, ctx, doc, ownerId !== ctx.principal.userId);
        const number = body.number ?? (await nextNumber(tx, ctx.tenantId, body.kind));
        if (body.number) await checkNumberFree(tx, ctx.tenantId, body.kind, number);
        const currency = body.currency ?? (await tenantSettingsOf(tx, ctx.tenantId)).currency;
        const { id } = await writeDocument(tx, ctx.tenantId, {
          kind: body.kind,
          number,
          moment: body.moment ? new Date(body.moment) : new Date(),
          applicable: body.applicable ?? true,
          state: body.state ?? null,
          customerId: doc.customer_id,
          warehouseId: doc.warehouse_id,
          ownerId,
          currency,
          description: body.description ?? null,
          source: 'local',
          positions: positionsOf(body.positions),
          actorId: ctx.principal.userId,
        });
        const created = await readDetail(tx, ctx, id);
        await writeAudit(tx, ctx.audit, {
          tenantId: ctx.tenantId,
          action: 'document.create',
          entityType: 'commerce_document',
          entityId: id,
          changes: { after: { kind: created.kind, number: created.number, sum: created.sum } },
        });
        return created;
      }),

    update: (ctx: CallContext, id: string, body: UpdateDocumentBody) =>
      tenantTx(ctx, async (tx) => {
        const current = await documentResource.find(tx, ctx, id, { lock: true });
        if (current.source !== 'local') throw readOnly();
        const ownerId = body.owner_id === undefined ? current.ownerId : body.owner_id;
        const doc = {
          kind: current.kind,
          customer_id: body.customer_id === undefined ? current.customerId : body.customer_id,
          warehouse_id: body.warehouse_id === undefined ? current.warehouseId : body.warehouse_id,
          owner_id: ownerId,
          positions: body.positions,
        };
        await checkInput(tx, ctx, doc, ownerId !== current.ownerId);
        const number = body.number ?? current.number;
        if (number !== current.number) await checkNumberFree(tx, ctx.tenantId, current.kind, number, id);
        const result = await writeDocument(tx, ctx.tenantId, {
          id,
          kind: current.kind,
          number,
          moment: body.moment ? new Date(body.moment) : current.moment,
          applicable: body.applicable ?? current.applicable,
          state: body.state === undefined ? current.state : body.state,
          customerId: doc.customer_id,
          warehouseId: doc.warehouse_id,
          ownerId,
          currency: body.currency ?? current.currency,
          description: body.description === undefined ? current.description : body.description,
          source: 'local',
          positions: positionsOf(body.positions),
          actorId: ctx.principal.userId,
        });
        const updated = await readDetail(tx, ctx, id);
        if (result.changed)
          await writeAudit(tx, ctx.audit, {
            tenantId: ctx.tenantId,
            action: 'document.update',
            entityType: 'commerce_document',
            entityId: id,
            changes: {
              before: { sum: current.sum, moment: iso(current.moment) },
              after: { sum: updated.sum, moment: updated.moment },
            },
          });
        return updated;
      }),

    remove: (ctx: CallContext, id: string) =>
      tenantTx(ctx, async (tx) => {
        const current = await documentResource.find(tx, ctx, id, { lock: true });
        if (current.source !== 'local') throw readOnly();
        const doc = (await loadDocumentForUpdate(tx, ctx.tenantId, id))!;
        await removeLocalDocument(tx, ctx.tenantId, doc, ctx.principal.userId);
        await writeAudit(tx, ctx.audit, {
          tenantId: ctx.tenantId,
          action: 'document.delete',
          entityType: 'commerce_document',
          entityId: id,
          changes: { before: { kind: current.kind, number: current.number, sum: current.sum } },
        });
      }),
  };
}

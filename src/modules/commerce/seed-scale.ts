import type { SystemAccess } from '../../platform/db/system.js';
import { v7Sql as v7 } from '../../platform/db/scale-sql.js';
import { ensureScaleAgents } from '../identity/index.js';

/**
 * Synthetic commerce data for benchmarks and tests, once per tenant, every row made by the database
 * (set-based, `generate_series`): a catalog of its own (products `CSP-00001`… in five folders, one
 * per 500 positions between 20 and 5,000, every third with a minimum stock of 20; customers
 * `CSC-000001`…, one per 200 positions between 10 and 20,000, each with a responsible agent;
 * five suppliers; three warehouses), a sale price type with a price per product (set as the
 * commerce settings' sale price type when the tenant has no settings yet), stock levels for every
 * product × warehouse (some out of stock, some low, some without movement for months), and a year
 * of documents up to now holding `positions` positions in total.
 *
 * Documents come in blocks of nine with 1…9 lines (five on average); their kinds cycle through
 * 40 % shipments, 30 % customer orders, 5 % sales returns, 5 % invoices, 15 % supplies and 5 %
 * purchase orders; one in 31 is not posted. Products are drawn with a square law (a few sell a
 * lot: ABC has a shape) and customers with a 1.5 power law (RFM frequencies differ). Each
 * position carries its header's kind, moment, customer, warehouse, owner and `active`, as the
 * documents writers keep them. Owners are the tenant's active agents (synthetic ones are added,
 * one per 100,000 positions). The daily sales rollup (`commerce_sales_daily`) fills itself from
 * each batch's insert through the positions' statement triggers, as it does for every writer.
 */
export interface CommerceScaleOptions {
  positions: number;
  /** Tenant slug (default `demo`). */
  tenant?: string;
  onProgress?: (done: number, total: number) => void;
}

export interface CommerceScaleResult {
  tenantId: string;
  agentsAdded: number;
  products: number;
  customers: number;
  documents: number;
  positions: number;
  stockLevels: number;
}

export class CommerceScaleSeedError extends Error {}

/** Positions per block: nine documents of 1…9 lines. Batches hold whole blocks. */
const BLOCK = 45;
const BATCH_BLOCKS = 2_000;
const WAREHOUSES = 3;
const FOLDERS = 5;
const SUPPLIERS = 5;

const clamp = (n: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, n));
/** The document holding position `j` (0-based): block × 9 + the triangular index within the block. */
export const documentOf = (j: number): number => {
  const r = j % BLOCK;
  return Math.floor(j / BLOCK) * 9 + Math.floor((Math.sqrt(8 * r + 1) - 1) / 2);
};

const CATALOG_SQL = `
with f as (select i, ${v7('now()')} as id from generate_series(1, ${FOLDERS}) i),
fi as (insert into product_folders (tenant_id, id, code, name, path, depth)
  select $1, id, 'CSF-' || i, 'Scale folder ' || i, '/' || id || '/', 0 from f returning id, code),
p as (insert into products (tenant_id, id, code, name, folder_id, min_stock)
  select $1, ${v7('now()')}, 'CSP-' || lpad(k::text, 5, '0'), 'Scale product ' || k,
    (select id from f where f.i = 1 + k % ${FOLDERS}), case when k % 3 = 0 then 20 end
  from generate_series(1, $2::int) k returning id, code),
w as (insert into warehouses (tenant_id, id, code, name)
  select $1, ${v7('now()')}, 'CSW-' || i, 'Scale warehouse ' || i from generate_series(1, ${WAREHOUSES}) i returning id),
c as (insert into customers (tenant_id, id, code, name)
  select $1, ${v7('now()')}, 'CSC-' || lpad(i::text, 6, '0'), 'Scale customer ' || i from generate_series(1, $3::int) i returning id),
s as (insert into customers (tenant_id, id, code, name, is_customer, is_supplier)
  select $1, ${v7('now()')}, 'CSS-' || i, 'Scale supplier ' || i, false, true from generate_series(1, ${SUPPLIERS}) i returning id),
pt as (insert into price_types (tenant_id, id, name, currency) values ($1, ${v7('now()')}, 'Scale sale', $4) returning id),
pp as (insert into product_prices (tenant_id, id, product_id, price_type_id, amount)
  select $1, ${v7('now()')}, p.id, pt.id, 10 + (substring(p.code from 5)::int * 37) % 490 from p cross join pt returning 1),
cs as (insert into commerce_settings (tenant_id, id, sale_price_type_id) select $1, ${v7('now()')}, pt.id from pt
  on conflict (tenant_id) do nothing returning 1)
select (select count(*) from p)::int as products, (select count(*) from c)::int as customers,
  (select count(*) from pp)::int as prices, (select count(*) from cs)::int as settings, (select count(*) from fi)::int as folders,
  (select count(*) from w)::int as warehouses, (select count(*) from s)::int as suppliers`;

const STOCK_SQL = `
with p as (select id, substring(code from 5)::int as k from products where tenant_id = $1 and code like 'CSP-%'),
w as (select id, substring(code from 5)::int as wi from warehouses where tenant_id = $1 and code like 'CSW-%'),
l as (insert into stock_levels (tenant_id, id, product_id, warehouse_id, stock, reserve, in_transit, unit_cost, last_movement_at)
  select $1, ${v7('now()')}, p.id, w.id, x.stock, least(greatest(x.stock, 0), (p.k * 3) % 15), (p.k % 5) * 10,
    round((10 + (p.k * 37) % 490) * 0.6, 2),
    case when p.k % 17 <> 0 then now() - make_interval(days => (p.k * 7 + w.wi * 11) % 200) end
  from p cross join w cross join lateral (select ((p.k * 13 + w.wi * 7) % 220) - 20 as stock) x
  returning 1),
t as (insert into stock_thresholds (tenant_id, id, product_id, warehouse_id, min_stock)
  select $1, ${v7('now()')}, p.id, w.id, 50 from p join w on w.wi = 1 where p.k % 10 = 0 returning 1)
select (select count(*) from l)::int as levels`;

/**
 * Positions \`$2..$3\` (0-based) of \`$4\` in all, with their documents. Lookups are arrays read by
 * index; \`$5\` is the tenant's currency.
 */
const BATCH_SQL = `
with a as materialized (
  select array_agg(u.id order by u.id) as ids from users u
  where u.tenant_id = $1 and u.status = 'active' and exists (
    select 1 from user_roles ur join roles r on r.tenant_id = ur.tenant_id and r.id = ur.role_id
    where ur.tenant_id = u.tenant_id and ur.user_id = u.id and r.key = 'agent')),
pr as materialized (select array_agg(id order by code) as ids,
    array_agg(10 + (substring(code from 5)::int * 37) % 490 order by code) as prices
  from products where tenant_id = $1 and code like 'CSP-%'),
cu as materialized (select array_agg(id order by code) as ids from customers where tenant_id = $1 and code like 'CSC-%'),
su as materialized (select array_agg(id order by code) as ids from customers where tenant_id = $1 and code like 'CSS-%'),
wh as materialized (select array_agg(id order by code) as ids from warehouses where tenant_id = $1 and code like 'CSW-%'),
total as materialized (select (($4::bigint - 1) / ${BLOCK}) * 9
  + floor((sqrt(8 * (($4::bigint - 1) % ${BLOCK}) + 1) - 1) / 2)::int + 1 as docs),
j as materialized (
  select g.j, (g.j / ${BLOCK}) * 9 + t.t as d, (g.j % ${BLOCK}) - t.t * (t.t + 1) / 2 + 1 as line
  from generate_series($2::bigint, $3::bigint) g(j)
  cross join lateral (select floor((sqrt(8 * (g.j % ${BLOCK}) + 1) - 1) / 2)::int as t) t),
dk as materialized (
  select d.d, x.kind, x.cidx,
    now() - make_interval(secs => ((total.docs - 1 - d.d)::float8 / total.docs) * 365 * 86400 + (d.d % 3600)) as moment
  from (select distinct d from j) d cross join total cross join cu
  cross join lateral (select case
      when (d.d * 7) % 20 < 8 then 'shipment' when (d.d * 7) % 20 < 14 then 'customer_order'
      when (d.d * 7) % 20 = 14 then 'sales_return' when (d.d * 7) % 20 < 18 then 'supply'
      when (d.d * 7) % 20 = 18 then 'purchase_order' else 'invoice_out' end as kind,
    1 + floor(cardinality(cu.ids) * power(((d.d * 7919) % 100003) / 100003.0, 1.5))::int as cidx) x),
docs as materialized (
  select dk.d, dk.kind, dk.moment, ${v7('dk.moment')} as id,
    case when dk.kind in ('supply', 'purchase_order') then su.ids[1 + dk.d % cardinality(su.ids)] else cu.ids[dk.cidx] end as customer_id,
    wh.ids[1 + dk.d % cardinality(wh.ids)] as warehouse_id,
    a.ids[1 + (case when dk.kind in ('supply', 'purchase_order') then dk.d else dk.cidx end) % cardinality(a.ids)] as owner_id,
    dk.d % 31 <> 0 as applicable
  from dk cross join a cross join su cross join cu cross join wh),
pos as materialized (
  select j.j, j.d, j.line, pr.ids[k.pidx] as product_id, q.quantity, pr.prices[k.pidx]::numeric(18, 2) as price,
    ((j.j % 4) * 5)::numeric(5, 2) as discount,
    round(q.quantity * pr.prices[k.pidx] * (1 - (j.j % 4) * 5 / 100.0), 2) as sum,
    round(pr.prices[k.pidx] * 0.6, 2) as unit_cost
  from j cross join pr
  cross join lateral (select 1 + floor(cardinality(pr.ids) * power(((j.j * 2654435761) % 1000003) / 1000003.0, 2))::int as pidx) k
  cross join lateral (select (1 + (j.j * 31) % 20)::numeric(18, 3) as quantity) q),
hd as (
  insert into commerce_documents (tenant_id, id, kind, number, moment, applicable, customer_id, warehouse_id, owner_id,
    currency, sum, cost_sum)
  select $1, docs.id, docs.kind, 'SC-' || lpad(docs.d::text, 8, '0'), docs.moment, docs.applicable, docs.customer_id,
    docs.warehouse_id, docs.owner_id, $5, s.sum, s.cost
  from docs join (select d, sum(sum) as sum, round(sum(quantity * unit_cost), 2) as cost from pos group by d) s on s.d = docs.d
  returning 1),
ps as (
  insert into commerce_document_positions (tenant_id, id, document_id, line_no, product_id, quantity, price, discount,
    sum, unit_cost, kind, moment, customer_id, warehouse_id, owner_id, active)
  select $1, ${v7('docs.moment')}, docs.id, pos.line, pos.product_id, pos.quantity, pos.price, pos.discount, pos.sum,
    pos.unit_cost, docs.kind, docs.moment, docs.customer_id, docs.warehouse_id, docs.owner_id, docs.applicable
  from pos join docs on docs.d = pos.d
  returning 1)
select (select count(*) from hd)::int as documents, (select count(*) from ps)::int as positions`;

export async function seedCommerceScale(
  system: SystemAccess,
  options: CommerceScaleOptions,
): Promise<CommerceScaleResult> {
  const slug = options.tenant ?? 'demo';
  const total = Math.floor(options.positions);
  if (!Number.isFinite(total) || total < 1)
    throw new CommerceScaleSeedError('--commerce-positions needs a positive number of positions');
  const tenant = await system.seed(async (tx) => {
    const { rows } = await tx.sql.query<{ id: string; currency: string | null; scaled: number }>(
      `select t.id, t.settings->>'currency' as currency,
         (select count(*) from products p where p.tenant_id = t.id and p.code like 'CSP-%')::int as scaled
       from tenants t where t.slug = $1`,
      [slug],
    );
    return rows[0];
  });
  if (!tenant) throw new CommerceScaleSeedError(`No tenant "${slug}"; run the demo seed first.`);
  if (tenant.scaled > 0)
    throw new CommerceScaleSeedError(`Tenant "${slug}" already holds commerce scale data.`);
  const currency = tenant.currency ?? 'USD';
  const agentsAdded = await ensureScaleAgents(system, { id: tenant.id, slug }, Math.ceil(total / 100_000));
  const products = clamp(Math.round(total / 500), 20, 5_000);
  const customers = clamp(Math.round(total / 200), 10, 20_000);
  await system.seed((tx) => tx.sql.query(CATALOG_SQL, [tenant.id, products, customers, currency]));
  const stock = await system.seed(
    async (tx) => (await tx.sql.query<{ levels: number }>(STOCK_SQL, [tenant.id])).rows[0]!.levels,
  );
  const batch = BLOCK * BATCH_BLOCKS;
  let documents = 0;
  let positions = 0;
  for (let first = 0; first < total; first += batch) {
    const last = Math.min(total, first + batch) - 1;
    const made = await system.seed(
      async (tx) =>
        (
          await tx.sql.query<{ documents: number; positions: number }>(BATCH_SQL, [
            tenant.id,
            first,
            last,
            total,
            currency,
          ])
        ).rows[0]!,
    );
    documents += made.documents;
    positions += made.positions;
    options.onProgress?.(positions, total);
  }
  return { tenantId: tenant.id, agentsAdded, products, customers, documents, positions, stockLevels: stock };
}

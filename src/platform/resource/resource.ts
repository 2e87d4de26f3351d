import { and, count, eq, getTableColumns, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn, PgTable } from 'drizzle-orm/pg-core';
import { prepared } from '../db/prepared.js';
import { selectRows } from '../db/rows.js';
import type { Tx } from '../db/types.js';
import { forbidden, notFound, validationFailed } from '../http/errors.js';
import type { CallContext } from './context.js';
import { decodeCursor, encodeCursor, keyKindOf, type CursorPosition } from './cursor.js';
import { scopePredicate } from './scope.js';

/** What a resource declares once; its list, read and write helpers then apply tenant and scope. */
export interface ResourceSpec<TTable extends PgTable> {
  table: TTable;
  /** Used in 404 details: "Visit not found." */
  name: string;
  tenantId: AnyPgColumn;
  id: AnyPgColumn;
  /** The owner-user column: when set, every list, find and write is limited to the caller's data scope. */
  owner?: AnyPgColumn;
  /**
   * A data scope no single owner column expresses (goals: created by the caller or assigned within
   * their scope), applied like `owner`; undefined means unrestricted. Give `owner` or `scope`.
   */
  scope?: (ctx: ResourceCaller) => SQL | undefined;
  /** The sort whitelist: query name → column (each sort is `column, id` so keyset paging is exact). */
  sorts: Record<string, AnyPgColumn>;
  /**
   * Whether offset pages count `total` when the query does not say (default true). Large
   * append-only tables (the audit log) say false: `total` is then given when the page shows it
   * (a last page) or counted on `include_total=true`, never on every page.
   */
  countsTotal?: boolean;
}

/**
 * Who lists or reads: a tenant's caller (every `CallContext`), or — `tenantId: null` — a super
 * administrator across tenants, which only the super-admin door of `platform.system` can serve.
 */
export type ResourceCaller = Pick<CallContext, 'principal'> & { tenantId: string | null };

/** The paging part of a list query (`PaginationQuery` + `sort`). */
export interface PageQuery {
  limit: number;
  offset: number;
  cursor?: string;
  include_total?: boolean;
  sort?: string;
}

export interface Page<R> {
  rows: R[];
  total: number | null;
  limit: number;
  offset: number;
  next_cursor: string | null;
}

export interface ListOptions {
  /** Filters (undefined entries are ignored). Tenant and scope are added by the helper. */
  where?: (SQL | undefined)[];
  /** Extra selected expressions, returned on each row under their key. */
  fields?: Record<string, SQL | AnyPgColumn>;
  /** A computed order (e.g. distance) replaces the sort; such lists page by offset only. */
  order?: SQL[];
  /** Count at most this many rows into `total` (a broad search then costs the cap, not every match). */
  countLimit?: number;
  /**
   * A statement giving the same number as counting the filtered rows, cheaper (e.g. a count kept by
   * triggers), as one row with a column `n`; `total` is then read from it.
   */
  countQuery?: SQL;
}

/** The column a page's sort key is selected as (see `pagePlan`). */
export const KEY = '__sort_key';

/** How one page is cut (`pagePlan`). */
export interface PagePlan {
  sortName: string;
  position: CursorPosition | undefined;
  /** Rows after the cursor, when there is one. */
  after: SQL | undefined;
  order: SQL[];
  offset: number;
  /** The sort column as text: select it as `KEY`, so the next cursor can be made from the last row. */
  key: SQL<string | null>;
  /** Whether the page can give a cursor (not with a computed order). */
  keyset: boolean;
}

export type Resource<TTable extends PgTable> = ReturnType<typeof defineResource<TTable>>;

export function defineResource<TTable extends PgTable>(spec: ResourceSpec<TTable>) {
  type Row = TTable['$inferSelect'];

  /** Tenant + data scope + the given conditions. */
  function where(ctx: ResourceCaller, ...conditions: (SQL | undefined)[]): SQL {
    if (ctx.tenantId === null && !ctx.principal.isSuperAdmin)
      throw forbidden('Cross-tenant work needs a super administrator.');
    return and(
      ctx.tenantId === null ? undefined : eq(spec.tenantId, ctx.tenantId),
      spec.owner ? scopePredicate(ctx.principal, spec.owner) : spec.scope?.(ctx),
      ...conditions,
    )!;
  }

  /** The row with this id in the caller's tenant and scope; anything else is 404. */
  async function find(
    tx: Tx,
    ctx: ResourceCaller,
    id: string,
    options: { lock?: boolean; where?: (SQL | undefined)[] } = {},
  ): Promise<Row> {
    const query = tx.db
      .select()
      .from(spec.table as PgTable)
      .where(where(ctx, eq(spec.id, id), ...(options.where ?? [])));
    const [row] = options.lock ? await query.for('update') : await query;
    if (!row) throw notFound(spec.name);
    return row as Row;
  }

  /**
   * The row with this id in the caller's tenant and scope, with `fields` (extra selected
   * expressions, e.g. a correlated subquery for related rows) in the same statement; anything else
   * is 404. When the caller's scope adds no condition (tenant-wide callers, resources without an
   * owner) the statement is prepared once per connection: a by-id read is then one execute.
   * `fields` must be one object made once (a module constant), since it keys that statement.
   */
  async function read<Extra extends object = object>(
    tx: Tx,
    ctx: ResourceCaller,
    id: string,
    fields?: Record<string, SQL | AnyPgColumn>,
  ): Promise<Row & Extra> {
    const scope =
      ctx.tenantId === null
        ? undefined
        : spec.owner
          ? scopePredicate(ctx.principal, spec.owner)
          : spec.scope?.(ctx);
    const selection = { ...getTableColumns(spec.table), ...fields };
    const [row] =
      scope === undefined && ctx.tenantId !== null
        ? await prepared(tx.db, `resource.read:${spec.name}:${fieldsKey(fields)}`, (db) =>
            db
              .select(selection)
              .from(spec.table as PgTable)
              .where(and(eq(spec.tenantId, sql.placeholder('tenantId')), eq(spec.id, sql.placeholder('id'))))
              .prepare(`read_${spec.name.toLowerCase().replace(/\W+/g, '_')}_${fieldsKey(fields)}`),
          ).execute({ tenantId: ctx.tenantId, id })
        : await tx.db
            .select(selection)
            .from(spec.table as PgTable)
            .where(where(ctx, eq(spec.id, id)));
    if (!row) throw notFound(spec.name);
    return row as Row & Extra;
  }

  /**
   * How one page is cut: the sort (checked against the whitelist), the keyset condition after a
   * cursor, the order (column nulls last, then id) and the offset. `list` runs it; a list that
   * needs its own statement (a search collecting its matches first) selects `key` among its
   * columns, orders and filters by the plan, and finishes with `cutPage`, so paging stays the same.
   */
  function pagePlan(query: PageQuery, options: Pick<ListOptions, 'order'> = {}): PagePlan {
    const sortName = query.sort ?? Object.keys(spec.sorts)[0]!;
    const descending = sortName.startsWith('-');
    const field = descending ? sortName.slice(1) : sortName;
    const column = spec.sorts[field];
    if (!column) throw validationFailed([{ path: '/query/sort', message: `unknown sort ${field}` }]);
    if (options.order && query.cursor)
      throw validationFailed([{ path: '/query/cursor', message: 'this ordering pages by offset only' }]);

    const kind = keyKindOf(column.getSQLType());
    const position = query.cursor ? decodeCursor(query.cursor, sortName, kind) : undefined;
    const direction = sql.raw(descending ? 'desc' : 'asc');
    return {
      sortName,
      position,
      after: position ? after(column, spec.id, descending, position) : undefined,
      order: options.order ?? [sql`${column} ${direction} nulls last`, sql`${spec.id} ${direction}`],
      offset: position ? 0 : query.offset,
      key: sql<string | null>`${column}::text`,
      keyset: !options.order,
    };
  }

  /**
   * The page's rows (read with `limit + 1` and `key` selected as `KEY`) trimmed to `limit`, and
   * the cursor after the last one when more follow.
   */
  function cutPage<R>(
    rows: R[],
    query: PageQuery,
    plan: PagePlan,
  ): { rows: R[]; more: boolean; next_cursor: string | null } {
    const more = rows.length > query.limit;
    if (more) rows.length = query.limit;
    const last = rows.at(-1) as Record<string, unknown> | undefined;
    const next_cursor =
      more && last && plan.keyset
        ? encodeCursor({ sort: plan.sortName, value: last[KEY] as string | null, id: last[idKey] as string })
        : null;
    for (const row of rows) delete (row as Record<string, unknown>)[KEY];
    return { rows, more, next_cursor };
  }

  /** One page: filters, the sort whitelist, keyset (`cursor`) or offset paging, totals when asked. */
  async function list<Extra extends object = object>(
    tx: Tx,
    ctx: ResourceCaller,
    query: PageQuery,
    options: ListOptions = {},
  ): Promise<Page<Row & Extra>> {
    const plan = pagePlan(query, options);
    const { position, offset } = plan;
    const filter = where(ctx, ...(options.where ?? []));
    const pageWhere = plan.after ? and(filter, plan.after) : filter;
    const read = (await tx.db
      .select({
        ...getTableColumns(spec.table),
        ...options.fields,
        [KEY]: plan.key,
      })
      .from(spec.table as PgTable)
      .where(pageWhere)
      .orderBy(...plan.order)
      .limit(query.limit + 1)
      .offset(offset)) as (Row & Extra & { [KEY]: string | null })[];
    const { rows, more, next_cursor } = cutPage(read, query, plan);

    const shown = !position && !more && (rows.length > 0 || offset === 0);
    const wantTotal = query.include_total ?? (!position && (shown || spec.countsTotal !== false));
    let total: number | null = null;
    if (wantTotal) {
      if (shown) total = offset + rows.length;
      else if (options.countQuery) {
        const [counted] = await selectRows<{ n: number | string }>(tx, options.countQuery);
        total = Number(counted?.n ?? 0);
      } else {
        const capped = options.countLimit
          ? tx.db
              .select({ one: sql`1` })
              .from(spec.table as PgTable)
              .where(filter)
              .limit(options.countLimit)
              .as('matching')
          : undefined;
        const [counted] = capped
          ? await tx.db.select({ n: count() }).from(capped)
          : await tx.db
              .select({ n: count() })
              .from(spec.table as PgTable)
              .where(filter);
        total = Number(counted?.n ?? 0);
      }
    }
    return { rows, total, limit: query.limit, offset, next_cursor };
  }

  const idKey = Object.entries(getTableColumns(spec.table)).find(([, c]) => c === spec.id)?.[0] ?? 'id';

  return { spec, where, find, read, list, pagePlan, cutPage };
}

const fieldSets = new WeakMap<object, string>();
let fieldSetCount = 0;
/** A short stable name for one `fields` object (prepared statements are cached by it). */
function fieldsKey(fields: object | undefined): string {
  if (!fields) return '0';
  let key = fieldSets.get(fields);
  if (key === undefined) {
    key = String(++fieldSetCount);
    fieldSets.set(fields, key);
  }
  return key;
}

/** Rows strictly after the cursor in `column (nulls last), id` order. */
function after(column: AnyPgColumn, id: AnyPgColumn, descending: boolean, position: CursorPosition): SQL {
  const cmp = sql.raw(descending ? '<' : '>');
  if (position.value === null) return sql`(${column} is null and ${id} ${cmp} ${position.id})`;
  const nulls = column.notNull ? sql`` : sql` or ${column} is null`;
  return sql`(${column} ${cmp} ${position.value} or (${column} = ${position.value} and ${id} ${cmp} ${position.id})${nulls})`;
}

/** A page in the list envelope of DESIGN.md §4: `{<key>: items, total, limit, offset, next_cursor}`. */
export function envelope<K extends string, R, T>(key: K, page: Page<R>, map: (row: R) => T) {
  return {
    [key]: page.rows.map(map),
    total: page.total,
    limit: page.limit,
    offset: page.offset,
    next_cursor: page.next_cursor,
  } as { [P in K]: T[] } & Omit<Page<R>, 'rows'>;
}

import { isDocumentType } from '../entities.js';
import { idFromHref, parseMoscowTime } from '../values.js';
import type { FakeData, Table } from './data.js';

/** A MoySklad error the fake answers with: HTTP status, code and message. */
export class FakeApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export interface Condition {
  field: string;
  op: '=' | '!=' | '>' | '<' | '>=' | '<=' | '~' | '~=' | '=~';
  value: string;
}

const CONDITION = /^([A-Za-z_][A-Za-z0-9_.]*)(>=|<=|!=|=~|~=|=|>|<|~)(.*)$/s;

/** `filter=a=1;b>=2024-01-01 00:00:00;c=x\;y` → conditions (`\;` is a literal semicolon). */
export function parseFilter(filter: string | null): Condition[] {
  if (!filter) return [];
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < filter.length; i++) {
    const ch = filter[i]!;
    if (ch === '\\' && filter[i + 1] === ';') {
      current += ';';
      i++;
    } else if (ch === ';') {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts
    .filter((p) => p.length > 0)
    .map((part) => {
      const m = CONDITION.exec(part);
      if (!m) throw new FakeApiError(400, 1034, `Ошибка фильтрации: неверное условие '${part}'`);
      return { field: m[1]!, op: m[2] as Condition['op'], value: m[3]! };
    });
}

type Accessor = (table: Table, index: number) => number | string | boolean;

const FIELD_KINDS: Record<string, { kind: 'time' | 'bool' | 'id'; get: Accessor; documents?: boolean }> = {
  updated: { kind: 'time', get: (t, i) => t.updated[i]! },
  created: { kind: 'time', get: (t, i) => t.created[i]! },
  moment: { kind: 'time', get: (t, i) => t.moment[i]!, documents: true },
  deleted: { kind: 'time', get: (t, i) => t.deleted[i]!, documents: true },
  archived: { kind: 'bool', get: (t, i) => t.isArchived(i) },
  isDeleted: { kind: 'bool', get: (t, i) => t.deleted[i]! > 0, documents: true },
  id: { kind: 'id', get: (t, i) => t.ids[i]! },
};

/**
 * The rows of a table a list request selects, in its order. `=` on one field ORs, `!=` ANDs, a
 * range and `=` on one field is an error; entities default to non-archived rows and documents to
 * rows outside the trash, unless the filter names `archived`/`isDeleted` or selects by `id`.
 */
export function selectRows(
  data: FakeData,
  table: Table,
  filter: Condition[],
  order: string | null,
): number[] {
  const isDocument = isDocumentType(table.type);
  const byField = new Map<string, Condition[]>();
  for (const c of filter) byField.set(c.field, [...(byField.get(c.field) ?? []), c]);
  const tests: ((i: number) => boolean)[] = [];
  for (const [field, conds] of byField) {
    if (field === 'productid' && table.type === 'variant') {
      const products = data.table('product')!;
      const wanted = new Set(conds.filter((c) => c.op === '=').map((c) => c.value));
      const unwanted = new Set(conds.filter((c) => c.op === '!=').map((c) => c.value));
      tests.push((i) => {
        const product = products.ids[data.variantProduct[i] ?? -1] ?? '';
        return (wanted.size === 0 || wanted.has(product)) && !unwanted.has(product);
      });
      continue;
    }
    const spec = FIELD_KINDS[field];
    if (!spec || (spec.documents && !isDocument) || (field === 'archived' && isDocument)) {
      throw new FakeApiError(
        400,
        1034,
        `Ошибка фильтрации: поле '${field}' не может быть использовано в фильтре`,
      );
    }
    const equals = conds.filter((c) => c.op === '=');
    const notEquals = conds.filter((c) => c.op === '!=');
    const ranges = conds.filter((c) => ['>', '<', '>=', '<='].includes(c.op));
    if (equals.length > 0 && ranges.length > 0) {
      throw new FakeApiError(400, 1030, `Ошибка фильтрации: поле '${field}' задано в фильтре несколько раз`);
    }
    const parse = (c: Condition): number | string | boolean => {
      if (spec.kind === 'time') {
        const date = parseMoscowTime(c.value);
        if (!date) throw new FakeApiError(400, 1035, `Неверный формат даты в фильтре: '${c.value}'`);
        return date.getTime();
      }
      if (spec.kind === 'bool') {
        if (c.value !== 'true' && c.value !== 'false') {
          throw new FakeApiError(
            400,
            1034,
            `Ошибка фильтрации: неверное значение '${c.value}' поля '${field}'`,
          );
        }
        return c.value === 'true';
      }
      return c.value;
    };
    if (equals.length > 0) {
      const set = new Set(equals.map(parse));
      tests.push((i) => set.has(spec.get(table, i)));
    }
    if (notEquals.length > 0) {
      const set = new Set(notEquals.map(parse));
      tests.push((i) => !set.has(spec.get(table, i)));
    }
    // Repeated range operators keep only the first of each kind, as MoySklad does.
    const seen = new Set<string>();
    for (const c of ranges) {
      if (seen.has(c.op)) continue;
      seen.add(c.op);
      const bound = parse(c) as number;
      const get = spec.get;
      if (field === 'deleted') tests.push((i) => table.deleted[i]! > 0);
      if (c.op === '>') tests.push((i) => (get(table, i) as number) > bound);
      if (c.op === '<') tests.push((i) => (get(table, i) as number) < bound);
      if (c.op === '>=') tests.push((i) => (get(table, i) as number) >= bound);
      if (c.op === '<=') tests.push((i) => (get(table, i) as number) <= bound);
    }
  }
  const byId = byField.has('id');
  if (!byId && !isDocument && !byField.has('archived')) tests.push((i) => !table.isArchived(i));
  if (!byId && isDocument && !byField.has('isDeleted')) tests.push((i) => table.deleted[i] === 0);

  const rows: number[] = [];
  outer: for (let i = 0; i < table.size; i++) {
    if (table.removed.has(i)) continue;
    for (const test of tests) if (!test(i)) continue outer;
    rows.push(i);
  }
  const compare = comparator(table, order);
  if (compare) rows.sort(compare);
  return rows;
}

const SORTABLE: Record<string, (t: Table, i: number) => number | string> = {
  id: (t, i) => t.ids[i]!,
  updated: (t, i) => t.updated[i]!,
  created: (t, i) => t.created[i]!,
  moment: (t, i) => t.moment[i]!,
};

function comparator(table: Table, order: string | null): ((a: number, b: number) => number) | null {
  if (!order) return null;
  const keys = order
    .split(';')
    .filter(Boolean)
    .map((part) => {
      const [field = '', direction = 'asc'] = part.split(',');
      const get = SORTABLE[field];
      if (!get || (field === 'moment' && !isDocumentType(table.type))) {
        throw new FakeApiError(400, 1063, `Неизвестное поле сортировки: '${field}'`);
      }
      if (direction !== 'asc' && direction !== 'desc') {
        throw new FakeApiError(400, 1096, `Ошибка сортировки: неверное направление '${direction}'`);
      }
      return { get, sign: direction === 'desc' ? -1 : 1 };
    });
  return (a, b) => {
    for (const { get, sign } of keys) {
      const x = get(table, a);
      const y = get(table, b);
      if (x < y) return -sign;
      if (x > y) return sign;
    }
    return a - b;
  };
}

/** `limit` (1–1000, default 1000) and `offset` (≥ 0) from a query. */
export function paging(query: URLSearchParams, max = 1000): { limit: number; offset: number } {
  const limit = query.has('limit') ? Number(query.get('limit')) : max;
  const offset = query.has('offset') ? Number(query.get('offset')) : 0;
  if (!Number.isInteger(limit) || limit < 1 || limit > max) {
    throw new FakeApiError(400, 1014, `Параметр 'limit' должен быть в диапазоне от 1 до ${max}`);
  }
  if (!Number.isInteger(offset) || offset < 0) {
    throw new FakeApiError(400, 1014, "Параметр 'offset' должен быть неотрицательным числом");
  }
  return { limit, offset };
}

/** The uuid of a filter value that is an href (`store=https://…/entity/store/{id}`). */
export const hrefId = (value: string): string | null => idFromHref(value);

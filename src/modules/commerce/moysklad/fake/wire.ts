import { isDocumentType } from '../entities.js';
import { formatMoscowTime } from '../values.js';
import { STATE_NAMES, STATE_TYPES, type FakeData, type Table } from './data.js';
import { metaOf, type Json } from './envelope.js';
import { dictionaryBody, generatedProductName } from './wire-dictionaries.js';
import { documentBody, position, positionSpecs, type PositionSpec } from './wire-documents.js';

export { UOM_PIECE_ID } from './wire-dictionaries.js';
export type { PositionSpec } from './wire-documents.js';

/**
 * Rows in MoySklad's wire format, built on demand from the seed: refs as `{meta}`, money in
 * kopecks, Moscow-time strings, empty optional fields omitted. The bodies of dictionary rows and
 * of documents are built in `wire-dictionaries.ts` and `wire-documents.ts`.
 */
export class Wire {
  constructor(
    readonly data: FakeData,
    readonly base: string,
  ) {}

  href(type: string, id: string): string {
    return `${this.base}/entity/${type}/${id}`;
  }

  /** A reference as a row carries it. */
  ref(type: string, id: string, href = this.href(type, id)): Json {
    return { meta: metaOf(href, type) };
  }

  /** The `meta` of a row itself: its href and its type's metadata. */
  ownMeta(type: string, id: string): Json {
    return metaOf(this.href(type, id), type, `${this.base}/entity/${type}/metadata`);
  }

  private common(table: Table, index: number): Json {
    const id = table.ids[index]!;
    return {
      meta: this.ownMeta(table.type, id),
      id,
      accountId: this.data.accountId,
      owner: this.ref('employee', this.data.employeeIds[index % this.data.employeeIds.length]!),
      shared: false,
      group: this.ref('group', this.data.groupId),
      updated: formatMoscowTime(new Date(table.updated[index]!)),
    };
  }

  /** The full row of `type` at `index`, with the control API's changes applied. */
  row(type: string, index: number): Json {
    const table = this.data.table(type)!;
    const base = this.common(table, index);
    const patch = table.patches.get(index);
    const body = isDocumentType(type)
      ? documentBody(this, table, index, patch)
      : dictionaryBody(this, table, index);
    const row: Json = { ...base, ...body };
    if (patch) for (const [key, value] of Object.entries(patch)) if (key !== 'positions') row[key] = value;
    for (const key of Object.keys(row))
      if (row[key] === undefined || row[key] === null || row[key] === '') delete row[key];
    return row;
  }

  /** The positions of a document: generated from the seed, or set through the control API. */
  positionSpecs(type: string, i: number, patch = this.data.table(type)!.patches.get(i)): PositionSpec[] {
    return positionSpecs(this, type, i, patch);
  }

  position(type: string, docId: string, p: PositionSpec): Json {
    return position(this, type, docId, p);
  }

  /** A reference expanded into the object it points at (for `expand`). */
  resolve(type: string, id: string): Json | null {
    const table = this.data.table(type);
    if (table) {
      const index = table.byId.get(id);
      return index !== undefined && table.live(index) ? this.row(type, index) : null;
    }
    switch (type) {
      case 'employee': {
        const k = this.data.employeeIds.indexOf(id);
        return k < 0 ? null : this.employee(k);
      }
      case 'currency':
        return {
          meta: this.ownMeta('currency', id),
          id,
          name: 'руб',
          fullName: 'Российский рубль',
          code: '643',
          isoCode: 'RUB',
          isoCode3: 'RUB',
          default: true,
        };
      case 'uom':
        return { meta: this.ownMeta('uom', id), id, name: 'шт', description: 'Штука', code: '796' };
      case 'organization':
        return { meta: this.ownMeta('organization', id), id, name: 'ООО «Продавец»', archived: false };
      default:
        return null;
    }
  }

  /** A document state (`…/metadata/states/{id}`) expanded. */
  state(docType: string, id: string): Json | null {
    const k = this.data.stateIds.get(docType)?.indexOf(id) ?? -1;
    if (k < 0) return null;
    return {
      meta: metaOf(this.stateHref(docType, id), 'state'),
      id,
      accountId: this.data.accountId,
      name: STATE_NAMES[k],
      color: 15106326,
      stateType: STATE_TYPES[k],
      entityType: docType,
    };
  }

  stateHref(docType: string, id: string): string {
    return `${this.base}/entity/${docType}/metadata/states/${id}`;
  }

  employee(k: number): Json {
    const id = this.data.employeeIds[k]!;
    return {
      meta: this.ownMeta('employee', id),
      id,
      accountId: this.data.accountId,
      name: k === 0 ? 'Администратор' : `Менеджер ${k}`,
      uid: k === 0 ? 'admin@fake' : `manager${k}@fake`,
      email: k === 0 ? 'admin@example.ru' : `manager${k}@example.ru`,
      archived: false,
      updated: formatMoscowTime(new Date(this.data.anchor - 30 * 86400000)),
    };
  }

  idOf(type: string, index: number): string {
    return this.data.table(type)!.ids[index]!;
  }

  productName(i: number): string {
    const patched = this.data.table('product')!.patches.get(i)?.name;
    return typeof patched === 'string' ? patched : generatedProductName(this.data.seed, i);
  }
}

import { Type, type Static } from 'typebox';
import { FilePart, IsoDateTime, PaginationQuery, Uuid } from '../http/schemas.js';

const ImportMode = Type.Union([Type.Literal('insert'), Type.Literal('upsert-by-code')]);
const ImportStatus = Type.Union([
  Type.Literal('pending'),
  Type.Literal('validating'),
  Type.Literal('importing'),
  Type.Literal('completed'),
  Type.Literal('failed'),
]);
const ImportFormat = Type.Union([Type.Literal('csv'), Type.Literal('xlsx')]);

export const ImportErrorItem = Type.Object({
  row_number: Type.Integer({ description: 'Row in the file; the header is row 1' }),
  column: Type.Union([Type.Null(), Type.String()]),
  code: Type.String({
    description: 'CELL_INVALID, VALUE_INVALID, REFERENCE_UNKNOWN, DUPLICATE_IN_FILE, CODE_EXISTS …',
  }),
  message: Type.String(),
  value: Type.Union([Type.Null(), Type.String()]),
});
export type ImportErrorItem = Static<typeof ImportErrorItem>;

export const ImportRun = Type.Object(
  {
    id: Uuid,
    entity: Type.String(),
    mode: ImportMode,
    dry_run: Type.Boolean(),
    all_or_nothing: Type.Boolean(),
    status: ImportStatus,
    format: ImportFormat,
    file_name: Type.String(),
    file_size: Type.Integer(),
    progress: Type.Object({
      rows_read: Type.Integer(),
      rows_valid: Type.Integer(),
      rows_invalid: Type.Integer(),
      rows_written: Type.Integer({ description: 'Created + updated; 0 for a dry run' }),
      rows_created: Type.Integer({ description: 'In a dry run: rows that would be created' }),
      rows_updated: Type.Integer(),
      rows_unchanged: Type.Integer({ description: 'Rows whose stored values already matched' }),
    }),
    error: Type.Union([Type.Null(), Type.Object({ code: Type.String(), message: Type.String() })], {
      description: 'Why the run failed as a whole',
    }),
    first_errors: Type.Optional(Type.Array(ImportErrorItem, { description: 'The first rejected rows' })),
    created_by: Type.Union([Type.Null(), Uuid]),
    created_at: IsoDateTime,
    started_at: Type.Union([Type.Null(), IsoDateTime]),
    finished_at: Type.Union([Type.Null(), IsoDateTime]),
  },
  { $id: 'ImportRun' },
);
export type ImportRun = Static<typeof ImportRun>;

export const ImportListQuery = Type.Object({
  ...PaginationQuery.properties,
  entity: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  status: Type.Optional(ImportStatus),
});
export type ImportListQuery = Static<typeof ImportListQuery>;

export const ImportErrorsQuery = Type.Object({
  ...PaginationQuery.properties,
  format: Type.Union([Type.Literal('json'), Type.Literal('csv')], {
    default: 'json',
    description: 'csv: every error as a CSV download (paging ignored)',
  }),
});
export type ImportErrorsQuery = Static<typeof ImportErrorsQuery>;

export const SheetFormatQuery = Type.Object({
  format: Type.Union([Type.Literal('csv'), Type.Literal('xlsx')], { default: 'csv' }),
});
export type SheetFormatQuery = Static<typeof SheetFormatQuery>;

/**
 * The multipart body of POST /imports, for the document (the handler reads the parts itself). The
 * fields come before `file`, which is streamed as it arrives; the docs UI sends them in this order.
 */
export const ImportForm = Type.Object({
  entity: Type.String({ description: 'What the rows are: customers, outlets, products …' }),
  mode: Type.Optional({
    ...ImportMode,
    default: 'insert',
    description:
      'insert: every row creates a record (an existing code is a row error); upsert-by-code: a row whose code exists updates it',
  }),
  dry_run: Type.Optional(Type.Boolean({ default: false, description: 'Validate and count, write nothing' })),
  all_or_nothing: Type.Optional(
    Type.Boolean({
      default: false,
      description: 'Write nothing when any row is invalid (default: write the valid rows)',
    }),
  ),
  file: FilePart('CSV (any delimiter, UTF-8 with or without BOM) or XLSX'),
});

import type { Readable } from 'node:stream';
import { uuidv7 } from '../../lib/ids.js';
import type { Database, Tx } from '../db/types.js';
import { AppError, forbidden, notFound, validationFailed } from '../http/errors.js';
import type { JobQueue } from '../jobs/types.js';
import { OCTET_STREAM, safeKey, sniffStream, UnsupportedFileTypeError } from '../storage/index.js';
import type { FileStorage } from '../storage/types.js';
import type { ImportEntity } from './entity.js';
import {
  errorsAfter,
  findRun,
  insertRun,
  listErrors,
  listRuns,
  type ImportErrorRow,
  type ImportRunRow,
} from './imports.repository.js';
import type { ImportErrorItem, ImportListQuery, ImportRun } from './imports.schemas.js';
import type { ImportMode } from './imports.tables.js';
import { importJob } from './jobs.js';
import { formatOfContentType, SPREADSHEET_TYPES } from './sheet-format.js';
import { writeSheet, type SheetCell } from './sheet-writer.js';

/** Who calls: the tenant and user, and whether they hold a permission. */
export interface BulkCaller {
  tenantId: string;
  userId: string | null;
  may(permission: string): boolean;
}

export interface ImportRequest {
  entity: string;
  mode: ImportMode;
  dryRun: boolean;
  allOrNothing: boolean;
  fileName: string;
}

const FIRST_ERRORS = 10;

const fileEmpty = () =>
  new AppError(422, 'IMPORT_FILE_EMPTY', 'The file is empty.', {
    errors: [{ path: '/body/file', message: 'must not be empty' }],
  });

export function toImportErrorJson(row: ImportErrorRow): ImportErrorItem {
  return {
    row_number: row.rowNumber,
    column: row.column,
    code: row.code,
    message: row.message,
    value: row.value,
  };
}

function toImportJson(row: ImportRunRow, liveRowsWritten?: number): ImportRun {
  return {
    id: row.id,
    entity: row.entity,
    mode: row.mode,
    dry_run: row.dryRun,
    all_or_nothing: row.allOrNothing,
    status: row.status,
    format: row.format,
    file_name: row.fileName,
    file_size: row.fileSize,
    progress: {
      rows_read: row.rowsRead,
      rows_valid: row.rowsValid,
      rows_invalid: row.rowsInvalid,
      rows_written: liveRowsWritten ?? row.rowsWritten,
      rows_created: row.rowsCreated,
      rows_updated: row.rowsUpdated,
      rows_unchanged: row.rowsUnchanged,
    },
    error: row.errorCode ? { code: row.errorCode, message: row.errorMessage ?? '' } : null,
    created_by: row.createdBy,
    created_at: row.createdAt.toISOString(),
    started_at: row.startedAt?.toISOString() ?? null,
    finished_at: row.finishedAt?.toISOString() ?? null,
  };
}

export function createImportsService(deps: {
  db: Database;
  storage: FileStorage;
  jobs: JobQueue;
  entities: ReadonlyMap<string, ImportEntity>;
  maxBytes: number;
  liveRowsWritten: (importId: string) => number | undefined;
}) {
  const inTenant = <T>(caller: BulkCaller, fn: (tx: Tx) => Promise<T>) =>
    deps.db.withTenant({ tenantId: caller.tenantId }, fn);

  function entityFor(caller: BulkCaller, name: string): ImportEntity {
    const entity = deps.entities.get(name);
    if (!entity) {
      throw validationFailed(
        [{ path: '/body/entity', message: `must be one of: ${[...deps.entities.keys()].join(', ')}` }],
        `Nothing imports "${name}".`,
      );
    }
    if (!caller.may(entity.permission))
      throw forbidden(`Importing ${name} needs the permission ${entity.permission}.`);
    return entity;
  }

  /** A run the caller may see: one of an entity they may import. */
  async function visibleRun(caller: BulkCaller, id: string): Promise<ImportRunRow> {
    const row = await inTenant(caller, (tx) => findRun(tx, caller.tenantId, id));
    const entity = row && deps.entities.get(row.entity);
    if (!row || !entity || !caller.may(entity.permission)) throw notFound('Import');
    return row;
  }

  return {
    entityNames: () => [...deps.entities.keys()],

    /** Checks the request before any byte of the file is stored. */
    authorize(caller: BulkCaller, entity: string): void {
      entityFor(caller, entity);
    },

    /**
     * Stores the upload (type sniffed from the bytes: CSV text or XLSX; size-limited), records the
     * run and queues its job in the same transaction.
     */
    async start(
      caller: BulkCaller,
      request: ImportRequest,
      file: Readable,
      options: { enqueue?: boolean } = {},
    ): Promise<ImportRun> {
      entityFor(caller, request.entity);
      const { contentType, stream } = await sniffStream(file, {
        allowed: [...SPREADSHEET_TYPES, OCTET_STREAM],
      });
      const format = formatOfContentType(contentType);
      if (!format) {
        // Sniffing calls an empty file octet-stream too; only a non-empty one is the wrong type.
        const empty = (await stream[Symbol.asyncIterator]().next()).done === true;
        stream.destroy();
        if (empty) throw fileEmpty();
        throw new UnsupportedFileTypeError(contentType, SPREADSHEET_TYPES);
      }
      const id = uuidv7();
      const key = safeKey('tenants', caller.tenantId, 'imports', `${id}.${format}`);
      const stored = await deps.storage.put(key, stream, { contentType, maxBytes: deps.maxBytes });
      try {
        if (stored.size === 0) throw fileEmpty();
        const row = await inTenant(caller, async (tx) => {
          const created = await insertRun(tx, {
            tenantId: caller.tenantId,
            id,
            entity: request.entity,
            mode: request.mode,
            dryRun: request.dryRun,
            allOrNothing: request.allOrNothing,
            format,
            fileName: request.fileName.slice(0, 255),
            fileKey: key,
            fileSize: stored.size,
            createdBy: caller.userId,
          });
          // The CLI runs the job itself, in its own process, to show progress.
          if (options.enqueue !== false) {
            const job = { tenantId: caller.tenantId, importId: id, userId: caller.userId };
            await deps.jobs.send(importJob, job, { tx });
          }
          return created;
        });
        return toImportJson(row);
      } catch (error) {
        await deps.storage.delete(key);
        throw error;
      }
    },

    async get(caller: BulkCaller, id: string): Promise<ImportRun> {
      const row = await visibleRun(caller, id);
      const { rows } = await inTenant(caller, (tx) =>
        listErrors(tx, caller.tenantId, id, { limit: FIRST_ERRORS, offset: 0 }),
      );
      const live = row.status === 'importing' ? deps.liveRowsWritten(id) : undefined;
      return { ...toImportJson(row, live), first_errors: rows.map(toImportErrorJson) };
    },

    async list(caller: BulkCaller, query: ImportListQuery) {
      const entities = [...deps.entities.values()]
        .filter((e) => caller.may(e.permission) && (!query.entity || e.name === query.entity))
        .map((e) => e.name);
      const { rows, total } = await inTenant(caller, (tx) =>
        listRuns(tx, caller.tenantId, {
          entities,
          status: query.status,
          limit: query.limit,
          offset: query.offset,
        }),
      );
      return {
        imports: rows.map((row) => toImportJson(row)),
        total,
        limit: query.limit,
        offset: query.offset,
      };
    },

    async errors(caller: BulkCaller, id: string, page: { limit: number; offset: number }) {
      await visibleRun(caller, id);
      const { rows, total } = await inTenant(caller, (tx) => listErrors(tx, caller.tenantId, id, page));
      return { errors: rows.map(toImportErrorJson), total, limit: page.limit, offset: page.offset };
    },

    /** Every rejected row as CSV, read page by page so a large log never sits in memory. */
    async errorsCsv(caller: BulkCaller, id: string): Promise<{ fileName: string; stream: Readable }> {
      const run = await visibleRun(caller, id);
      async function* rows(): AsyncGenerator<SheetCell[]> {
        let after: { rowNumber: number; id: string } | null = null;
        for (;;) {
          const page = await inTenant(caller, (tx) => errorsAfter(tx, caller.tenantId, id, after, 1000));
          for (const e of page) yield [e.rowNumber, e.column, e.code, e.message, e.value];
          const last = page.at(-1);
          if (!last || page.length < 1000) return;
          after = { rowNumber: last.rowNumber, id: last.id };
        }
      }
      const header = ['row_number', 'column', 'code', 'message', 'value'];
      return {
        fileName: `${run.entity}-import-${run.id}-errors.csv`,
        stream: writeSheet('csv', header, rows()),
      };
    },

    /** The entity's columns with an example row, as the file a person fills in. */
    async template(caller: BulkCaller, name: string, format: 'csv' | 'xlsx') {
      const entity = entityFor(caller, name);
      const columns = await inTenant(caller, (tx) =>
        entity.columns(tx, { tenantId: caller.tenantId, userId: caller.userId }),
      );
      async function* example(): AsyncGenerator<SheetCell[]> {
        yield columns.map((c) => c.example);
      }
      return {
        fileName: `${name}-import-template.${format}`,
        stream: writeSheet(
          format,
          columns.map((c) => c.name),
          example(),
        ),
        columns,
      };
    },
  };
}

export type ImportsService = ReturnType<typeof createImportsService>;

import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { Type } from 'typebox';
import { hasPermission, requirePrincipal, requireTenant } from '../http/auth.js';
import { validationFailed } from '../http/errors.js';
import { refuseNulCharacters } from '../http/strict-input.js';
import { IdParams, ListEnvelope } from '../http/schemas.js';
import type { ImportEntity } from './entity.js';
import {
  ImportErrorItem,
  ImportErrorsQuery,
  ImportForm,
  ImportListQuery,
  ImportRun,
  SheetFormatQuery,
  type ImportErrorsQuery as ImportErrorsQueryT,
  type ImportListQuery as ImportListQueryT,
  type SheetFormatQuery as SheetFormatQueryT,
} from './imports.schemas.js';
import { IMPORT_MODES, type ImportMode } from './imports.tables.js';
import type { BulkCaller, ImportsService } from './imports.service.js';
import { sheetContentType } from './sheet-writer.js';

function callerOf(request: FastifyRequest): BulkCaller {
  const principal = requirePrincipal(request);
  const { tenantId, userId } = requireTenant(request);
  return { tenantId, userId, may: (permission) => hasPermission(principal, permission) };
}

/** Sends a generated file as a download. */
export function sendDownload(reply: FastifyReply, contentType: string, fileName: string, stream: Readable) {
  return reply
    .type(contentType)
    .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(fileName)}`)
    .header('cache-control', 'no-store')
    .send(stream);
}

const FLAG = /^(true|false|1|0)$/i;

/** Reads the form fields sent before the file; they must come first so the file can be streamed. */
function importFields(fields: Record<string, unknown>) {
  const value = (name: string): string | undefined => {
    const field = fields[name] as { type?: string; value?: unknown } | undefined;
    return field && field.type === 'field' && typeof field.value === 'string'
      ? field.value.trim()
      : undefined;
  };
  const errors: { path: string; message: string }[] = [];
  const flag = (name: string): boolean => {
    const raw = value(name);
    if (raw === undefined || raw === '') return false;
    if (!FLAG.test(raw)) errors.push({ path: `/body/${name}`, message: 'must be true or false' });
    return /^(true|1)$/i.test(raw);
  };
  const entity = value('entity');
  if (!entity)
    errors.push({ path: '/body/entity', message: 'is required (send the form fields before the file)' });
  const mode = value('mode') || 'insert';
  if (!(IMPORT_MODES as readonly string[]).includes(mode)) {
    errors.push({ path: '/body/mode', message: `must be one of: ${IMPORT_MODES.join(', ')}` });
  }
  const dryRun = flag('dry_run');
  const allOrNothing = flag('all_or_nothing');
  return { errors, entity: entity ?? '', mode: mode as ImportMode, dryRun, allOrNothing };
}

export async function importRoutes(
  app: FastifyInstance,
  imports: ImportsService,
  entities: readonly ImportEntity[],
  maxBytes: number,
): Promise<void> {
  const tags = ['imports'];
  const config = { permission: 'authenticated' };
  // Busboy truncates a file at its limit silently; one byte more lets storage answer 413.
  await app.register(multipart, { limits: { fileSize: maxBytes + 1, files: 1, fields: 10 } });

  app.post(
    '/imports',
    {
      // The multipart stream is read by the handler; the form is documented, not validated by Fastify.
      config: { ...config, multipartForm: ImportForm },
      schema: {
        summary: 'Start a bulk import from a CSV or XLSX file',
        description:
          'Multipart form; send `entity`, `mode`, `dry_run` and `all_or_nothing` before `file`. The rows are ' +
          'validated and written by a job: poll GET /imports/{id}. Importing an entity needs its write permission.',
        tags,
        response: { 202: ImportRun },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      if (!request.isMultipart()) {
        throw validationFailed([{ path: '/body', message: 'must be multipart/form-data' }]);
      }
      const data = await request.file();
      if (!data) throw validationFailed([{ path: '/body/file', message: 'a file is required' }]);
      const fields = importFields(data.fields as Record<string, unknown>);
      try {
        if (fields.errors.length) throw validationFailed(fields.errors);
        refuseNulCharacters([[{ file: data.filename }, '/body']]);
        imports.authorize(caller, fields.entity);
      } catch (error) {
        data.file.resume();
        throw error;
      }
      const run = await imports.start(
        caller,
        { ...fields, fileName: data.filename || `${fields.entity}-import` },
        data.file,
      );
      return reply.code(202).header('location', `/api/v1/imports/${run.id}`).send(run);
    },
  );

  app.get<{ Querystring: ImportListQueryT }>(
    '/imports',
    {
      config,
      schema: {
        summary: 'List import runs (of the entities the caller may import), newest first',
        tags,
        querystring: ImportListQuery,
        response: { 200: ListEnvelope('imports', ImportRun) },
      },
    },
    async (request) => imports.list(callerOf(request), request.query),
  );

  app.get<{ Params: { id: string } }>(
    '/imports/:id',
    {
      config,
      schema: {
        summary: 'Status, progress and first errors of an import',
        tags,
        params: IdParams,
        response: { 200: ImportRun },
      },
    },
    async (request) => imports.get(callerOf(request), request.params.id),
  );

  app.get<{ Params: { id: string }; Querystring: ImportErrorsQueryT }>(
    '/imports/:id/errors',
    {
      config,
      schema: {
        summary: 'Every rejected row: row number, column and message (JSON pages, or all as CSV)',
        tags,
        params: IdParams,
        querystring: ImportErrorsQuery,
        response: { 200: ListEnvelope('errors', ImportErrorItem) },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      if (request.query.format === 'csv') {
        const { fileName, stream } = await imports.errorsCsv(caller, request.params.id);
        return sendDownload(reply, sheetContentType('csv'), fileName, stream);
      }
      return imports.errors(caller, request.params.id, request.query);
    },
  );

  for (const entity of entities) {
    app.get<{ Querystring: SheetFormatQueryT }>(
      `/${entity.name}/import-template`,
      {
        config: { permission: entity.permission },
        schema: {
          summary: `Import template for ${entity.name}: the columns and an example row`,
          tags: [entity.name],
          querystring: SheetFormatQuery,
          response: { 200: Type.String({ description: 'CSV or XLSX file' }) },
        },
      },
      async (request, reply) => {
        const { fileName, stream } = await imports.template(
          callerOf(request),
          entity.name,
          request.query.format,
        );
        return sendDownload(reply, sheetContentType(request.query.format), fileName, stream);
      },
    );
  }
}

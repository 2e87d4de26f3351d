import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { BulkImports } from '../../../platform/bulk/index.js';
import { IMPORT_MODES, type ImportMode } from '../../../platform/bulk/index.js';
import { ImportRun } from '../../../platform/bulk/imports.schemas.js';
import { hasPermission, requirePrincipal, requireTenant } from '../../../platform/http/auth.js';
import { validationFailed, type FieldError } from '../../../platform/http/errors.js';
import { FilePart } from '../../../platform/http/schemas.js';
import { refuseNulCharacters } from '../../../platform/http/strict-input.js';

/** The upload form, documented (the handler reads the parts; fields before the file). */
const CatalogImportForm = Type.Object({
  mode: Type.Optional(
    Type.Union([Type.Literal('insert'), Type.Literal('upsert-by-code')], {
      default: 'insert',
      description:
        'insert: an existing code is a row error; upsert-by-code: a row whose code exists updates it',
    }),
  ),
  dry_run: Type.Optional(Type.Boolean({ default: false, description: 'Validate and count, write nothing' })),
  all_or_nothing: Type.Optional(
    Type.Boolean({ default: false, description: 'Write nothing when any row is invalid' }),
  ),
  file: FilePart('CSV (any delimiter, UTF-8 with or without BOM) or XLSX'),
});

const FLAG = /^(true|false|1|0)$/i;

/** The optional form fields sent before the file. */
function formFields(fields: Record<string, unknown>) {
  const value = (name: string): string | undefined => {
    const field = fields[name] as { type?: string; value?: unknown } | undefined;
    return field && field.type === 'field' && typeof field.value === 'string'
      ? field.value.trim()
      : undefined;
  };
  const errors: FieldError[] = [];
  const flag = (name: string): boolean => {
    const raw = value(name);
    if (raw === undefined || raw === '') return false;
    if (!FLAG.test(raw)) errors.push({ path: `/body/${name}`, message: 'must be true or false' });
    return /^(true|1)$/i.test(raw);
  };
  const mode = value('mode') || 'insert';
  if (!(IMPORT_MODES as readonly string[]).includes(mode))
    errors.push({ path: '/body/mode', message: `must be one of: ${IMPORT_MODES.join(', ')}` });
  return { errors, mode: mode as ImportMode, dryRun: flag('dry_run'), allOrNothing: flag('all_or_nothing') };
}

/**
 * `POST /customers/import` and `POST /products/import`: the specification's paths onto the import
 * engine. Each takes the file (and `mode`, `dry_run`, `all_or_nothing` before it), starts the
 * engine's run of the catalog entity and answers 202 with it, exactly as `POST /imports` does.
 */
export async function catalogImportRoutes(
  app: FastifyInstance,
  imports: BulkImports,
  maxBytes: number,
): Promise<void> {
  // An encapsulated scope, so multipart parsing applies to these two routes only.
  await app.register(async (scope) => {
    await scope.register(multipart, { limits: { fileSize: maxBytes + 1, files: 1, fields: 10 } });
    for (const [entity, permission] of [
      ['customers', 'customers:write'],
      ['products', 'products:write'],
    ] as const) {
      scope.post(
        `/${entity}/import`,
        {
          config: { permission, multipartForm: CatalogImportForm },
          schema: {
            summary: `Import ${entity} from a CSV or XLSX file (a run of the import engine)`,
            description:
              `The same run as POST /imports with entity=${entity}: send mode, dry_run and all_or_nothing before ` +
              'the file; the answer is 202 with the run and its Location; poll GET /imports/{id}.',
            tags: [entity],
            response: { 202: ImportRun },
          },
        },
        async (request: FastifyRequest, reply) => {
          const principal = requirePrincipal(request);
          const { tenantId, userId } = requireTenant(request);
          const caller = { tenantId, userId, may: (p: string) => hasPermission(principal, p) };
          if (!request.isMultipart())
            throw validationFailed([{ path: '/body', message: 'must be multipart/form-data' }]);
          const data = await request.file();
          if (!data) throw validationFailed([{ path: '/body/file', message: 'a file is required' }]);
          const fields = formFields(data.fields as Record<string, unknown>);
          try {
            if (fields.errors.length) throw validationFailed(fields.errors);
            refuseNulCharacters([[{ file: data.filename }, '/body']]);
            imports.service.authorize(caller, entity);
          } catch (error) {
            data.file.resume();
            throw error;
          }
          const { errors: _e, ...request_ } = fields;
          const run = await imports.service.start(
            caller,
            { ...request_, entity, fileName: data.filename || `${entity}-import` },
            data.file,
          );
          return reply.code(202).header('location', `/api/v1/imports/${run.id}`).send(run);
        },
      );
    }
  });
}

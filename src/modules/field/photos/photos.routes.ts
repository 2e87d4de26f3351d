import multipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import { Value } from 'typebox/value';
import { validationErrors } from '../../../platform/http/error-handler.js';
import { validationFailed } from '../../../platform/http/errors.js';
import { IdParams, ListEnvelope } from '../../../platform/http/schemas.js';
import { callContext } from '../../identity/index.js';
import { readImageUpload, type ImageUpload } from './image.js';
import type { PhotosService } from './photos.service.js';
import type { QuadrantsService } from './quadrants.service.js';
import {
  Photo,
  PhotoListQuery,
  PhotoUploadFields,
  ShelfQuadrants,
  ShelfQuadrantsBody,
  type PhotoListQuery as PhotoListQueryT,
  type ShelfQuadrantsBody as ShelfQuadrantsBodyT,
} from './photos.schemas.js';

type Id = { id: string };

/** The multipart text fields, converted ("3" → 3) and checked against their schema. */
function uploadFields(raw: Record<string, string>): PhotoUploadFields {
  const value = Value.Convert(PhotoUploadFields, raw);
  if (Value.Check(PhotoUploadFields, value)) return value;
  const errors = validationErrors('body', [...Value.Errors(PhotoUploadFields, value)]);
  // A union's alternatives each report; one message per field is enough.
  const first = new Map(errors.map((e) => [e.path, e] as const));
  throw validationFailed([...first.values()].filter((e) => e.path !== '/body'));
}

export async function photoRoutes(
  app: FastifyInstance,
  photos: PhotosService,
  quadrants: QuadrantsService,
  uploadLimitBytes: number,
  imageMaxPixels: number,
): Promise<void> {
  const tags = ['photos'];
  const read = { permission: 'photos:read' };
  const write = { permission: 'photos:write' };

  // Busboy silently truncates a file at its limit, so it cuts off one byte later and the reader
  // turns the excess into a 413.
  await app.register(multipart, { limits: { fileSize: uploadLimitBytes + 1, files: 1, fields: 10 } });

  app.post(
    '/photos',
    {
      config: write,
      schema: {
        summary:
          'Upload a visit photo (multipart: file — JPEG, PNG, WebP or HEIC; visit_id, purpose, optional client_uuid, grid_rows, grid_cols)',
        tags,
        consumes: ['multipart/form-data'],
        response: { 200: Photo, 201: Photo },
      },
    },
    async (request, reply) => {
      const ctx = callContext(request);
      const raw: Record<string, string> = {};
      let file: (ImageUpload & { fileName: string }) | undefined;
      for await (const part of request.parts()) {
        if (part.type === 'file') {
          if (file || part.fieldname !== 'file') {
            part.file.resume();
            continue;
          }
          file = {
            ...(await readImageUpload(part.file, uploadLimitBytes, imageMaxPixels)),
            fileName: part.filename || 'photo',
          };
        } else if (typeof part.value === 'string') {
          raw[part.fieldname] = part.value;
        }
      }
      if (!file) throw validationFailed([{ path: '/body/file', message: 'a file is required' }]);
      const { photo, created } = await photos.upload(ctx, { ...file, fields: uploadFields(raw) });
      return reply.code(created ? 201 : 200).send(photo);
    },
  );

  app.get<{ Querystring: PhotoListQueryT }>(
    '/photos',
    {
      config: read,
      schema: {
        summary: 'List photos within the data scope',
        tags,
        querystring: PhotoListQuery,
        response: { 200: ListEnvelope('photos', Photo) },
      },
    },
    async (request) => photos.list(callContext(request), request.query),
  );

  app.get<{ Params: Id }>(
    '/photos/:id',
    {
      config: read,
      schema: { summary: 'Read photo facts', tags, params: IdParams, response: { 200: Photo } },
    },
    async (request) => photos.get(callContext(request), request.params.id),
  );

  for (const variant of ['file', 'thumbnail'] as const) {
    app.get<{ Params: Id }>(
      `/photos/:id/${variant}`,
      {
        config: read,
        schema: {
          summary: variant === 'file' ? 'Download the photo' : 'Download the photo’s JPEG thumbnail',
          tags,
          params: IdParams,
        },
      },
      async (request, reply) => {
        const opened = await photos.open(callContext(request), request.params.id, variant);
        return reply
          .type(opened.contentType)
          .header('content-disposition', `inline; filename*=UTF-8''${encodeURIComponent(opened.fileName)}`)
          .header('x-content-type-options', 'nosniff')
          .header('cache-control', 'private, max-age=3600')
          .send(opened.stream);
      },
    );
  }

  app.post<{ Params: Id; Body: ShelfQuadrantsBodyT }>(
    '/photos/:id/shelf-quadrants',
    {
      config: write,
      schema: {
        summary: 'Replace the brands’ marked grid cells / area % on a shelf photo',
        tags,
        params: IdParams,
        body: ShelfQuadrantsBody,
        response: { 200: ShelfQuadrants },
      },
    },
    async (request) => quadrants.replace(callContext(request), request.params.id, request.body),
  );

  app.get<{ Params: Id }>(
    '/photos/:id/shelf-quadrants',
    {
      config: read,
      schema: {
        summary: 'The brands marked on a photo, with each brand’s share',
        tags,
        params: IdParams,
        response: { 200: ShelfQuadrants },
      },
    },
    async (request) => quadrants.get(callContext(request), request.params.id),
  );
}

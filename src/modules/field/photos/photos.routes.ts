import multipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import { Value } from 'typebox/value';
import { validationErrors } from '../../../platform/http/error-handler.js';
import { validationFailed } from '../../../platform/http/errors.js';
import { refuseNulCharacters } from '../../../platform/http/strict-input.js';
import { IdParams } from '../../../platform/http/schemas.js';
import { callContext, crudRoutes, resourceAction } from '../../../platform/resource/index.js';
import { PER_PHOTO_SHARE } from '../field.schemas.js';
import { readImageUpload, type ImageUpload } from './image.js';
import type { PhotosService } from './photos.service.js';
import type { QuadrantsService } from './quadrants.service.js';
import {
  Photo,
  PhotoListQuery,
  PhotoUploadFields,
  PhotoUploadForm,
  ShelfQuadrants,
  ShelfQuadrantsBody,
} from './photos.schemas.js';

const tag = 'photos';
const read = 'photos:read';
const write = 'photos:write';

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
  // Busboy silently truncates a file at its limit, so it cuts off one byte later and the reader
  // turns the excess into a 413.
  await app.register(multipart, { limits: { fileSize: uploadLimitBytes + 1, files: 1, fields: 10 } });

  // Not the standard create: a multipart upload, and a repeated client_uuid answers 200 with the
  // stored photo.
  app.post(
    '/photos',
    {
      config: { permission: write, multipartForm: PhotoUploadForm },
      schema: {
        summary:
          'Upload a visit photo (multipart: file — JPEG, PNG, WebP or HEIC; visit_id, purpose, optional client_uuid, grid_rows, grid_cols)',
        description:
          'A `multipart/form-data` body with one `file` part and the text fields, in any order. 201 with the ' +
          'stored photo; a repeated `client_uuid` answers 200 with the photo it stored the first time.',
        tags: [tag],
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
      // Multipart fields bypass the platform's check of parsed input; the same rule, applied here.
      refuseNulCharacters([[{ ...raw, file: file.fileName }, '/body']]);
      const { photo, created } = await photos.upload(ctx, { ...file, fields: uploadFields(raw) });
      return reply.code(created ? 201 : 200).send(photo);
    },
  );

  crudRoutes(
    app,
    {
      path: '/photos',
      tag,
      listKey: 'photos',
      singular: 'photo',
      permission: 'photos',
      item: Photo,
      list: { query: PhotoListQuery, summary: 'List photos within the data scope' },
      read: { summary: 'Read photo facts' },
    },
    { list: photos.list, get: photos.get },
  );

  // Downloads stream the stored file with its own content type and headers, not a JSON body.
  for (const variant of ['file', 'thumbnail'] as const) {
    app.get<{ Params: { id: string } }>(
      `/photos/:id/${variant}`,
      {
        config: { permission: read },
        schema: {
          summary: variant === 'file' ? 'Download the photo' : 'Download the photo’s JPEG thumbnail',
          tags: [tag],
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

  const marks = { tag, path: '/photos/:id/shelf-quadrants', response: ShelfQuadrants } as const;
  resourceAction(
    app,
    {
      ...marks,
      method: 'post',
      summary: 'Replace the brands’ marked grid cells / area % on a shelf photo',
      description:
        'The body is the photo’s whole new set of marks (an empty list clears it); concurrent requests ' +
        'are applied one after the other. The set must describe one shelf: a grid cell belongs to one ' +
        'brand (422 `SHELF_CELL_TAKEN`, `conflicts` lists each cell with its brands) and the brands’ ' +
        'shares of the photo add up to at most 100 % (422 `SHELF_AREA_EXCEEDED`, `total_percent` and ' +
        '`brands` with each share). ' +
        PER_PHOTO_SHARE,
      permission: write,
      body: ShelfQuadrantsBody,
    },
    (ctx, id, body) => quadrants.replace(ctx, id, body),
  );
  resourceAction(
    app,
    {
      ...marks,
      method: 'get',
      summary: 'The brands marked on a photo, with each brand’s share',
      description: PER_PHOTO_SHARE,
      permission: read,
    },
    (ctx, id) => quadrants.get(ctx, id),
  );
}

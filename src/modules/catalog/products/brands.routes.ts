import multipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { IdParams } from '../../../platform/http/schemas.js';
import { validationFailed } from '../../../platform/http/errors.js';
import { callContext, crudRoutes, resourceAction } from '../../../platform/resource/index.js';
import { refuseNulCharacters } from '../../../platform/http/strict-input.js';
import type { BrandLogosService } from './brand-logos.service.js';
import type { BrandsService } from './brands.service.js';
import {
  Brand,
  BrandListQuery,
  CreateBrandBody,
  Infographic,
  InfographicParams,
  InfographicUploadForm,
  LogoUploadForm,
  UpdateBrandBody,
} from './products.schemas.js';

type Id = { id: string };
type InfographicId = { id: string; infographic_id: string };
const NoContent = { 204: Type.Null() };

export async function brandApiRoutes(
  app: FastifyInstance,
  brands: BrandsService,
  logos: BrandLogosService,
  uploadLimitBytes: number,
): Promise<void> {
  const tag = 'brands';
  const tags = [tag];
  const read = 'brands:read';
  const write = 'brands:write';

  // Multipart only in this scope, one file per request. Busboy silently truncates a file at its
  // limit, so it cuts off one byte later and storage's `maxBytes` turns the excess into a 413.
  await app.register(multipart, { limits: { fileSize: uploadLimitBytes + 1, files: 1, fields: 5 } });

  crudRoutes(
    app,
    {
      path: '/brands',
      tag,
      listKey: 'brands',
      singular: 'brand',
      permission: 'brands',
      item: Brand,
      list: { query: BrandListQuery, summary: 'List brands (own and competitors)' },
      create: { body: CreateBrandBody },
      read: {},
      update: { body: UpdateBrandBody },
      delete: { summary: 'Archive a brand' },
    },
    { ...brands, remove: brands.archive },
  );
  resourceAction(
    app,
    {
      tag,
      method: 'get',
      path: '/brands/:id/infographics',
      summary: 'List the infographics of a brand',
      permission: read,
      response: Type.Object({ infographics: Type.Array(Infographic) }),
    },
    (ctx, id) => brands.listInfographics(ctx, id),
  );

  // Uploads (multipart) and downloads (streams with their own headers) stay plain routes.
  app.post<{ Params: Id }>(
    '/brands/:id/infographics',
    {
      config: { permission: write, multipartForm: InfographicUploadForm },
      schema: {
        summary:
          'Upload an infographic (multipart field `file`: PNG, JPEG, WebP or PDF; optional field `title`)',
        tags,
        params: IdParams,
        response: { 201: Infographic },
      },
    },
    async (request, reply) => {
      const ctx = callContext(request);
      const data = await request.file();
      if (!data) throw validationFailed([{ path: '/body/file', message: 'a file is required' }]);
      const titleField = data.fields.title;
      const title =
        titleField &&
        !Array.isArray(titleField) &&
        titleField.type === 'field' &&
        typeof titleField.value === 'string'
          ? titleField.value.slice(0, 200)
          : null;
      const fileName = data.filename || 'file';
      // Multipart fields bypass the platform's check of parsed input; the same rule, applied here.
      try {
        refuseNulCharacters([[{ title, file: fileName }, '/body']]);
      } catch (error) {
        data.file.resume();
        throw error;
      }
      const infographic = await brands.uploadInfographic(ctx, request.params.id, {
        file: data.file,
        fileName,
        title,
      });
      return reply.code(201).send(infographic);
    },
  );

  resourceAction(
    app,
    {
      tag,
      method: 'delete',
      path: '/brands/:id/infographics/:infographic_id',
      summary: 'Delete an infographic and its file',
      permission: write,
      params: InfographicParams,
      status: 204,
    },
    (ctx, id, _body, _query, params) => brands.removeInfographic(ctx, id, params.infographic_id!),
  );

  app.get<{ Params: InfographicId }>(
    '/brands/:id/infographics/:infographic_id/file',
    {
      config: { permission: read },
      schema: {
        summary: 'Download an infographic (streamed with its content type)',
        tags,
        params: InfographicParams,
      },
    },
    async (request, reply) => {
      const { info, stream } = await brands.openInfographic(
        callContext(request),
        request.params.id,
        request.params.infographic_id,
      );
      return reply
        .type(info.content_type)
        .header('content-length', String(info.size))
        .header('content-disposition', `inline; filename*=UTF-8''${encodeURIComponent(info.file_name)}`)
        .header('x-content-type-options', 'nosniff')
        .send(stream);
    },
  );

  app.put<{ Params: Id }>(
    '/brands/:id/logo',
    {
      config: { permission: write, multipartForm: LogoUploadForm },
      schema: {
        summary: 'Upload or replace the brand logo (PNG, JPEG or WebP, sniffed from the bytes)',
        tags,
        params: IdParams,
        response: NoContent,
      },
    },
    async (request, reply) => {
      const data = await request.file();
      if (!data) throw validationFailed([{ path: '/body/file', message: 'a file is required' }]);
      await logos.upload(callContext(request), request.params.id, data.file);
      return reply.code(204).send();
    },
  );

  app.get<{ Params: Id }>(
    '/brands/:id/logo',
    { config: { permission: read }, schema: { summary: 'Download the brand logo', tags, params: IdParams } },
    async (request, reply) => {
      const logo = await logos.open(callContext(request), request.params.id);
      return reply
        .type(logo.contentType)
        .header('content-length', String(logo.size))
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'private, max-age=300')
        .send(logo.stream);
    },
  );

  resourceAction(
    app,
    {
      tag,
      method: 'delete',
      path: '/brands/:id/logo',
      summary: 'Remove the brand logo',
      permission: write,
      status: 204,
    },
    (ctx, id) => logos.remove(ctx, id),
  );
}

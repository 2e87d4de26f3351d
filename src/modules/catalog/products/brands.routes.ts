import multipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { IdParams, ListEnvelope } from '../../../platform/http/schemas.js';
import { validationFailed } from '../../../platform/http/errors.js';
import { refuseNulCharacters } from '../../../platform/http/strict-input.js';
import { callContext } from '../../identity/index.js';
import type { BrandLogosService } from './brand-logos.service.js';
import type { BrandsService } from './brands.service.js';
import {
  Brand,
  BrandListQuery,
  CreateBrandBody,
  Infographic,
  InfographicParams,
  UpdateBrandBody,
  type BrandListQuery as BrandListQueryT,
  type CreateBrandBody as CreateBrandBodyT,
  type UpdateBrandBody as UpdateBrandBodyT,
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
  const tags = ['brands'];
  const read = { permission: 'brands:read' };
  const write = { permission: 'brands:write' };

  // Multipart only in this scope, one file per request. Busboy silently truncates a file at its
  // limit, so it cuts off one byte later and storage's `maxBytes` turns the excess into a 413.
  await app.register(multipart, { limits: { fileSize: uploadLimitBytes + 1, files: 1, fields: 5 } });

  app.get<{ Querystring: BrandListQueryT }>(
    '/brands',
    {
      config: read,
      schema: {
        summary: 'List brands (own and competitors)',
        tags,
        querystring: BrandListQuery,
        response: { 200: ListEnvelope('brands', Brand) },
      },
    },
    async (request) => brands.list(callContext(request), request.query),
  );

  app.post<{ Body: CreateBrandBodyT }>(
    '/brands',
    {
      config: write,
      schema: { summary: 'Create a brand', tags, body: CreateBrandBody, response: { 201: Brand } },
    },
    async (request, reply) => reply.code(201).send(await brands.create(callContext(request), request.body)),
  );

  app.get<{ Params: Id }>(
    '/brands/:id',
    { config: read, schema: { summary: 'Read a brand', tags, params: IdParams, response: { 200: Brand } } },
    async (request) => brands.get(callContext(request), request.params.id),
  );

  app.put<{ Params: Id; Body: UpdateBrandBodyT }>(
    '/brands/:id',
    {
      config: write,
      schema: {
        summary: 'Update a brand',
        tags,
        params: IdParams,
        body: UpdateBrandBody,
        response: { 200: Brand },
      },
    },
    async (request) => brands.update(callContext(request), request.params.id, request.body),
  );

  app.delete<{ Params: Id }>(
    '/brands/:id',
    { config: write, schema: { summary: 'Archive a brand', tags, params: IdParams, response: NoContent } },
    async (request, reply) => {
      await brands.archive(callContext(request), request.params.id);
      return reply.code(204).send();
    },
  );

  app.get<{ Params: Id }>(
    '/brands/:id/infographics',
    {
      config: read,
      schema: {
        summary: 'List the infographics of a brand',
        tags,
        params: IdParams,
        response: { 200: Type.Object({ infographics: Type.Array(Infographic) }) },
      },
    },
    async (request) => brands.listInfographics(callContext(request), request.params.id),
  );

  app.post<{ Params: Id }>(
    '/brands/:id/infographics',
    {
      config: write,
      schema: {
        summary:
          'Upload an infographic (multipart field `file`: PNG, JPEG, WebP or PDF; optional field `title`)',
        tags,
        params: IdParams,
        consumes: ['multipart/form-data'],
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

  app.delete<{ Params: InfographicId }>(
    '/brands/:id/infographics/:infographic_id',
    {
      config: write,
      schema: {
        summary: 'Delete an infographic and its file',
        tags,
        params: InfographicParams,
        response: NoContent,
      },
    },
    async (request, reply) => {
      await brands.removeInfographic(callContext(request), request.params.id, request.params.infographic_id);
      return reply.code(204).send();
    },
  );

  app.get<{ Params: InfographicId }>(
    '/brands/:id/infographics/:infographic_id/file',
    {
      config: read,
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
      config: write,
      schema: {
        summary: 'Upload or replace the brand logo (PNG, JPEG or WebP, sniffed from the bytes)',
        tags,
        params: IdParams,
        consumes: ['multipart/form-data'],
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
    { config: read, schema: { summary: 'Download the brand logo', tags, params: IdParams } },
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

  app.delete<{ Params: Id }>(
    '/brands/:id/logo',
    {
      config: write,
      schema: { summary: 'Remove the brand logo', tags, params: IdParams, response: NoContent },
    },
    async (request, reply) => {
      await logos.remove(callContext(request), request.params.id);
      return reply.code(204).send();
    },
  );
}

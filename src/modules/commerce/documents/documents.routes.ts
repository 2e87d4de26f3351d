import type { FastifyInstance } from 'fastify';
import type { TenantDatabase } from '../../../platform/db/types.js';
import { crudRoutes } from '../../../platform/resource/index.js';
import {
  CreateDocumentBody,
  DocumentDetail,
  DocumentListQuery,
  DocumentSummary,
  UpdateDocumentBody,
} from './documents.schemas.js';
import { createDocumentsService } from './documents.service.js';

export function documentsRoutes(app: FastifyInstance, db: TenantDatabase): void {
  crudRoutes(
    app,
    {
      path: '/documents',
      tag: 'documents',
      listKey: 'documents',
      singular: 'document',
      permission: 'documents',
      item: DocumentDetail,
      list: { query: DocumentListQuery, item: DocumentSummary, summary: 'List sales and purchase documents' },
      create: {
        body: CreateDocumentBody,
        summary: 'Create a local document (its stock effects in the same transaction)',
      },
      read: { summary: 'Read a document with its positions' },
      update: {
        body: UpdateDocumentBody,
        summary:
          'Replace a local document (positions in full); synced documents answer 409 DOCUMENT_READ_ONLY',
      },
      delete: { summary: 'Delete a local document, reversing its stock effects' },
    },
    createDocumentsService({ db }),
  );
}

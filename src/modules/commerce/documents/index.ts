import type { CommercePart } from '../part.js';

export type { DocumentKind } from '../tables/documents.tables.js';
export { DOCUMENT_KINDS } from '../tables/documents.tables.js';
export { deleteDocument, writeDocument, type DocumentPositionWrite, type DocumentWrite } from './write.js';
export { positionSums } from './sums.js';

/** Sales and purchase documents with positions and their stock effects (`/documents`). */
export const documentsPart: CommercePart = {};

import type { SuccessPart } from '../part.js';

/** The success module's insights area (filled in as it is built). */
export const insightsPart: SuccessPart = {};

import type { SuccessPart } from '../part.js';

/** The success module's accounts area (filled in as it is built). */
export const accountsPart: SuccessPart = {};

import type { SuccessPart } from '../part.js';

/** The success module's csat area (filled in as it is built). */
export const csatPart: SuccessPart = {};

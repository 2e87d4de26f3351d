import type { SuccessPart } from '../part.js';

/** The success module's health area (filled in as it is built). */
export const healthPart: SuccessPart = {};

import { conflict } from '../../../platform/http/errors.js';
import type { LeadStatus } from '../tables/leads.tables.js';

/**
 * new → contacted → qualified → converted | rejected | expired. A lead may skip `contacted`
 * (a walk-in qualified on the spot); rejected and expired may end any open lead; converted comes
 * only from qualified; the three end states are final.
 */
export const LEAD_TRANSITIONS: Record<LeadStatus, readonly LeadStatus[]> = {
  new: ['contacted', 'qualified', 'rejected', 'expired'],
  contacted: ['qualified', 'rejected', 'expired'],
  qualified: ['converted', 'rejected', 'expired'],
  converted: [],
  rejected: [],
  expired: [],
};

export const OPEN_LEAD_STATUSES: readonly LeadStatus[] = ['new', 'contacted', 'qualified'];

/** 409 INVALID_STATUS_TRANSITION naming both ends when `from → to` is not a permitted move. */
export function checkLeadTransition(from: LeadStatus, to: LeadStatus): void {
  if (!LEAD_TRANSITIONS[from].includes(to))
    throw conflict('INVALID_STATUS_TRANSITION', `A lead cannot move from ${from} to ${to}.`);
}

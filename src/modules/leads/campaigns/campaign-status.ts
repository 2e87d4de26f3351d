import { sql, type SQL } from 'drizzle-orm';
import { conflict } from '../../../platform/http/errors.js';
import { campaigns, type CampaignStatus } from '../tables/campaigns.tables.js';

/*
 * A campaign moves planned → active → ended by hand (activate, end) or by its dates: on its start
 * date a planned campaign is active, after its end date any campaign is ended. The stored status
 * records the manual moves; the status shown and filtered on is the effective one, so no job has
 * to run at midnight for a campaign to start or end on time.
 */

export interface CampaignDates {
  status: CampaignStatus;
  startDate: string | null;
  endDate: string | null;
}

export function effectiveStatus(c: CampaignDates, today: string): CampaignStatus {
  if (c.status === 'ended' || (c.endDate !== null && c.endDate < today)) return 'ended';
  if (c.status === 'active' || (c.startDate !== null && c.startDate <= today)) return 'active';
  return 'planned';
}

/** The same rule as SQL, for list filters. */
export function effectiveStatusSql(today: string): SQL<CampaignStatus> {
  return sql<CampaignStatus>`case
    when ${campaigns.status} = 'ended' or ${campaigns.endDate} < ${today}::date then 'ended'
    when ${campaigns.status} = 'active' or ${campaigns.startDate} <= ${today}::date then 'active'
    else 'planned' end`;
}

const NEXT: Record<'activate' | 'end', readonly CampaignStatus[]> = {
  activate: ['planned'],
  end: ['planned', 'active'],
};

/** 409 INVALID_CAMPAIGN_TRANSITION unless `action` may move a campaign in its effective status. */
export function checkCampaignTransition(action: 'activate' | 'end', current: CampaignStatus): void {
  if (!NEXT[action].includes(current))
    throw conflict(
      'INVALID_CAMPAIGN_TRANSITION',
      `A campaign that is ${current} cannot be ${action === 'activate' ? 'activated' : 'ended'}.`,
    );
}

import { int } from './config-parsers.js';

/**
 * How scheduled reports are delivered (src/modules/reports), spread into the settings table of
 * config.ts so they parse, print and document like every other setting.
 */
export const reportSettings = {
  reportAttachmentMaxBytes: {
    env: 'REPORT_ATTACHMENT_MAX_BYTES',
    description: 'Largest scheduled report mailed as an attachment; a larger one is sent as a signed link',
    default: 10_485_760,
    parse: int(0, 10_737_418_240),
  },
  reportLinkTtlSeconds: {
    env: 'REPORT_LINK_TTL_SECONDS',
    description: 'How long a mailed report download link stays valid',
    default: 7 * 24 * 3600,
    parse: int(60, 90 * 24 * 3600),
  },
} as const;

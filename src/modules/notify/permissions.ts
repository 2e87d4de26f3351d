import type { PermissionDefinition } from '../../platform/module.js';
import type { RealtimeTopic } from '../../platform/realtime/index.js';

const MANAGERS = ['team_leader', 'area_manager', 'regional_manager', 'national_manager', 'admin'] as const;
const WORKERS = ['agent', ...MANAGERS] as const;
const EVERYONE = ['viewer', ...WORKERS] as const;

/**
 * Everyone reads the alerts their data scope covers and their own notifications; everyone but
 * viewers acts on those alerts. Running every check at once and the scheduler are administration.
 */
export const NOTIFY_PERMISSIONS: readonly PermissionDefinition[] = [
  { name: 'alerts:read', description: 'List and read alerts within the data scope', roles: EVERYONE },
  {
    name: 'alerts:manage',
    description: 'Raise manual alerts; assign, annotate, resolve and snooze alerts within the data scope',
    roles: WORKERS,
  },
  { name: 'alerts:run_checks', description: "Run every module's alert checks now", roles: ['admin'] },
  {
    name: 'notifications:read',
    description: 'Read, mark read and delete the own notifications; set the own preferences',
    roles: EVERYONE,
  },
  {
    name: 'scheduler:manage',
    description: 'List the periodic jobs with their runs, and run one now',
    roles: ['admin'],
  },
];

export const NOTIFY_REALTIME_TOPICS: readonly RealtimeTopic[] = [
  {
    topic: 'notifications',
    permission: 'notifications:read',
    description: 'A new notification for you (`userId`): `{id, alert_id, type, severity, title}`',
  },
  {
    topic: 'alerts',
    permission: 'alerts:read',
    scope: 'owner',
    description: 'An alert about a record in your data scope was raised, resolved or snoozed: `{id, status}`',
  },
];

import type { FastifyInstance } from 'fastify';
import { crudRoutes, resourceAction } from '../../../platform/resource/index.js';
import {
  MarkAllReadResult,
  Notification,
  NotificationListQuery,
  Preferences,
  UnreadCount,
  UpdatePreferencesBody,
} from './notifications.schemas.js';
import type { NotificationsService } from './notifications.service.js';

export function notificationRoutes(app: FastifyInstance, service: NotificationsService): void {
  const tag = 'notifications';
  const permission = 'notifications:read';
  crudRoutes(
    app,
    {
      path: '/notifications',
      tag,
      listKey: 'notifications',
      singular: 'notification',
      permission: { read: permission, write: permission },
      item: Notification,
      list: { query: NotificationListQuery, summary: 'Your notifications, unread first' },
      delete: { summary: 'Delete one of your notifications' },
    },
    service,
  );
  resourceAction(
    app,
    {
      method: 'get',
      path: '/notifications/unread-count',
      tag,
      summary: 'How many of your notifications are unread',
      permission,
      response: UnreadCount,
    },
    (ctx) => service.unreadCount(ctx),
  );
  resourceAction(
    app,
    {
      method: 'put',
      path: '/notifications/read-all',
      tag,
      summary: 'Mark all your notifications read',
      permission,
      response: MarkAllReadResult,
    },
    (ctx) => service.markAllRead(ctx),
  );
  resourceAction(
    app,
    {
      method: 'put',
      path: '/notifications/:id/read',
      tag,
      summary: 'Mark one of your notifications read',
      permission,
      response: Notification,
    },
    (ctx, id) => service.markRead(ctx, id),
  );
  resourceAction(
    app,
    {
      method: 'get',
      path: '/notifications/preferences',
      tag,
      summary: 'Your delivery preferences per alert type and severity, and your time zone',
      permission,
      response: Preferences,
    },
    (ctx) => service.preferences(ctx),
  );
  resourceAction(
    app,
    {
      method: 'put',
      path: '/notifications/preferences',
      tag,
      summary: 'Replace your delivery rules and/or set your time zone (null: the tenant’s)',
      permission,
      body: UpdatePreferencesBody,
      response: Preferences,
    },
    (ctx, _id, body: UpdatePreferencesBody) => service.updatePreferences(ctx, body),
  );
}

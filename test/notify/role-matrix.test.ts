import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogModule } from '../../src/modules/catalog/index.js';
import { fieldModule } from '../../src/modules/field/index.js';
import { identityModule } from '../../src/modules/identity/index.js';
import { notifyModule } from '../../src/modules/notify/index.js';
import { reportsModule } from '../../src/modules/reports/index.js';
import { createTestApp, type TestApp } from '../harness/app.js';
import {
  FIXTURE_ROLES,
  identityFixture,
  type FixtureRole,
  type IdentityFixture,
} from '../identity/fixtures.js';
import { client, type Method } from '../field/helpers.js';

const ID = '01890000-0000-7000-8000-000000000000';
const ALL = FIXTURE_ROLES;
const WORKERS = ALL.filter((r) => r !== 'viewer');
const MANAGERS = WORKERS.filter((r) => r !== 'agent');
const ADMIN = ['admin'] as const;

/**
 * Every route of alerts, notifications, reports and the scheduler, and the roles allowed through.
 * Bodies are empty or ids unknown, so an allowed call answers 2xx, 404 or 422 and changes nothing;
 * a refused one answers 403 before anything is read.
 */
const ROUTES: [Method, string, readonly FixtureRole[]][] = [
  ['GET', '/alerts', ALL],
  ['POST', '/alerts', WORKERS],
  ['GET', '/alerts/dashboard', ALL],
  ['GET', '/alerts/stats', ALL],
  ['POST', '/alerts/bulk-resolve', WORKERS],
  ['POST', '/alerts/run-checks', ADMIN],
  ['GET', `/alerts/run-checks/${ID}`, ADMIN],
  ['GET', `/alerts/customer/${ID}`, ALL],
  ['GET', `/alerts/${ID}`, ALL],
  ['PUT', `/alerts/${ID}`, WORKERS],
  ['PUT', `/alerts/${ID}/resolve`, WORKERS],
  ['PUT', `/alerts/${ID}/snooze`, WORKERS],
  ['GET', '/notifications', ALL],
  ['GET', '/notifications/unread-count', ALL],
  ['PUT', `/notifications/${ID}/read`, ALL],
  ['PUT', '/notifications/read-all', ALL],
  ['DELETE', `/notifications/${ID}`, ALL],
  ['GET', '/notifications/preferences', ALL],
  ['PUT', '/notifications/preferences', ALL],
  ['GET', '/reports/types', ALL],
  ['POST', '/reports/generate', ALL],
  ['GET', '/reports/history', ALL],
  ['GET', `/reports/history/${ID}`, ALL],
  ['GET', `/reports/history/${ID}/download`, ALL],
  ['GET', '/reports/dashboard', ALL],
  ['POST', '/reports/run-scheduled', MANAGERS],
  ['GET', '/reports/scheduled', ALL],
  ['POST', '/reports/scheduled', MANAGERS],
  ['GET', `/reports/scheduled/${ID}`, ALL],
  ['PUT', `/reports/scheduled/${ID}`, MANAGERS],
  ['DELETE', `/reports/scheduled/${ID}`, MANAGERS],
  ['PUT', `/reports/scheduled/${ID}/toggle`, MANAGERS],
  ['GET', '/scheduler/jobs', ADMIN],
  ['PUT', '/scheduler/jobs/nothing.here', []], // platform super admin only
  ['POST', '/scheduler/jobs/nothing.here/run', ADMIN],
];

describe('alerts, notifications, reports, scheduler: permissions per role', { timeout: 180_000 }, () => {
  let t: TestApp;
  let fx: IdentityFixture;

  beforeAll(async () => {
    t = await createTestApp({
      deps: { modules: [identityModule, catalogModule, fieldModule, notifyModule, reportsModule] },
    });
    fx = await identityFixture(t, 'matrix');
  }, 300_000);
  afterAll(() => t.close());

  it('lets each role through exactly the routes its permissions name', async () => {
    const api = client(t);
    const wrong: string[] = [];
    for (const [method, path, allowed] of ROUTES) {
      const payload = method === 'POST' || method === 'PUT' ? {} : undefined;
      for (const role of ALL) {
        const res = await api.call(method, path, fx.users[role].auth, payload);
        const ok = allowed.includes(role);
        if (ok ? res.statusCode === 403 || res.statusCode >= 500 : res.statusCode !== 403)
          wrong.push(`${role} ${method} ${path}: ${res.statusCode} ${res.body.slice(0, 120)}`);
      }
      const anonymous = await api.call(method, path, {}, payload);
      if (anonymous.statusCode !== 401) wrong.push(`anonymous ${method} ${path}: ${anonymous.statusCode}`);
    }
    expect(wrong).toEqual([]);
  });
});

import { catalogModule } from '../../src/modules/catalog/index.js';
import { fieldModule } from '../../src/modules/field/index.js';
import { identityModule } from '../../src/modules/identity/index.js';
import { notifyModule } from '../../src/modules/notify/index.js';
import { createTestApp, type TestApp } from '../harness/app.js';

export const NOTIFY_MODULES = [identityModule, catalogModule, fieldModule, notifyModule];

/** The app with workers, so queued jobs (run-checks) run in the test process. */
export function notifyApp(options: { workers?: boolean } = {}): Promise<TestApp> {
  return createTestApp({
    config: { workers: options.workers ?? false },
    deps: { modules: NOTIFY_MODULES, jobOptions: { pollingIntervalSeconds: 0.5 } },
  });
}

export type Alert = {
  id: string;
  type: string;
  severity: string;
  title: string;
  status: string;
  source: string;
  owner_id: string | null;
  assignee_id: string | null;
  customer_id: string | null;
  entity_type: string;
  entity_id: string;
  notes: string | null;
  snoozed_until: string | null;
  resolved_at: string | null;
  resolved_by: string | null;
  resolution_note: string | null;
};
export type AlertList = { alerts: Alert[]; total: number };
export type JobRun = {
  id: string;
  job_name: string;
  trigger: string;
  status: string;
  error: string | null;
  duration_ms: number | null;
};

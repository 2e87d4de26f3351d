import { forbidden } from '../http/errors.js';
import type { Database, Tx } from './types.js';

/** Why a piece of module code runs as the database owner; logged with every such transaction. */
export type SystemPurpose =
  | { kind: 'cross-tenant-job'; job: string }
  | { kind: 'super-admin'; userId: string }
  | { kind: 'before-tenant-known'; lookup: string }
  | { kind: 'seed' };

/**
 * The only doors from module code to the owner role (RLS bypassed). Each names a situation in which
 * no single tenant can be bound to the transaction; everything else goes through
 * `db.withTenant`. Migrations and the platform's own services (mail delivery, the job queue) hold
 * the full `Database` and do not need these.
 */
export interface SystemAccess {
  /** A scheduled job that works across every tenant (missed call-cycle slots, retention). */
  crossTenantJob<T>(job: string, fn: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * A super administrator's work across tenants (tenant management, the cross-tenant audit log).
   * Refuses anyone else, so a route that forgot its permission still cannot reach other tenants.
   */
  asSuperAdmin<T>(caller: { isSuperAdmin: boolean; userId: string }, fn: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * A lookup made before the tenant is known: the account behind a login, a refresh token or a
   * password-reset token. Keep these to one narrow query by a unique key.
   */
  beforeTenantKnown<T>(lookup: string, fn: (tx: Tx) => Promise<T>): Promise<T>;
  /** Demo and scale data (`npm start` with DEMO_DATA, `salesops seed`). */
  seed<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
}

export function createSystemAccess(
  db: Pick<Database, 'withSystem'>,
  log: { debug(obj: object, msg: string): void },
): SystemAccess {
  const run = <T>(purpose: SystemPurpose, fn: (tx: Tx) => Promise<T>) => {
    log.debug({ system: purpose }, 'system transaction');
    return db.withSystem(fn);
  };
  return {
    crossTenantJob: (job, fn) => run({ kind: 'cross-tenant-job', job }, fn),
    async asSuperAdmin(caller, fn) {
      if (!caller.isSuperAdmin) throw forbidden('Cross-tenant work needs a super administrator.');
      return run({ kind: 'super-admin', userId: caller.userId }, fn);
    },
    beforeTenantKnown: (lookup, fn) => run({ kind: 'before-tenant-known', lookup }, fn),
    seed: (fn) => run({ kind: 'seed' }, fn),
  };
}

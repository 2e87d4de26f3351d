import { eq, inArray } from 'drizzle-orm';
import type { SystemAccess } from '../../../platform/db/system.js';
import type { Tx } from '../../../platform/db/types.js';
import type { PermissionDefinition } from '../../../platform/module.js';
import { diff, SYSTEM_AUDIT, writeAudits } from '../audit.js';
import type { SessionRevocations } from '../auth/revocation.js';
import { BUILTIN_ROLES, defaultPermissions } from '../permissions.js';
import { roles } from '../tables/roles.tables.js';

interface Realigned {
  tenantId: string;
  id: string;
  before: string[];
  after: string[];
}

/**
 * The permissions each built-in role should hold, given what it holds: for every permission of the
 * running catalogue, its default (held when the catalogue gives it to the role, not held
 * otherwise); permissions the catalogue does not know (those of a module this process was built
 * without) stay as they are. Undefined for a role that is not built in.
 */
function realignerFor(catalogue: readonly PermissionDefinition[]) {
  const known = new Set(catalogue.map((p) => p.name));
  const defaults = new Map<string, string[]>(
    BUILTIN_ROLES.map((role) => [role.key, defaultPermissions(role.key, catalogue)]),
  );
  return (key: string, stored: readonly string[]): string[] | undefined => {
    const wanted = defaults.get(key);
    if (!wanted) return undefined;
    return [...new Set([...stored.filter((name) => !known.has(name)), ...wanted])].sort();
  };
}

const sameList = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((value, i) => value === b[i]);

/** Writes the new sets, one statement per distinct set (most tenants' roles share theirs). */
async function store(tx: Tx, changed: readonly Realigned[]) {
  const bySet = new Map<string, Realigned[]>();
  for (const row of changed) {
    const key = row.after.join(',');
    const rows = bySet.get(key);
    if (rows) rows.push(row);
    else bySet.set(key, [row]);
  }
  for (const rows of bySet.values()) {
    await tx.db
      .update(roles)
      .set({ permissions: rows[0]!.after, updatedAt: new Date() })
      .where(
        inArray(
          roles.id,
          rows.map((row) => row.id),
        ),
      );
  }
}

/**
 * Built-in roles hold the permission catalogue's defaults, and no one can edit them. A release that
 * adds a module or a permission changes those defaults; tenants created before it would keep the
 * old sets, and their admins would get 403s on the new routes with no way to grant them. At start,
 * every built-in role whose set differs from the defaults is brought in line, with a `role.update`
 * audit row showing what changed, and every instance forgets the cached verdicts of the tenants
 * concerned. When a role differs, the roles are locked and compared again, so instances starting at
 * once change each role once. Returns the number of tenants whose roles changed.
 */
export async function alignBuiltinRoles(
  system: SystemAccess,
  catalogue: readonly PermissionDefinition[],
  revocations?: SessionRevocations,
): Promise<number> {
  const realigned = realignerFor(catalogue);
  const tenants = await system.crossTenantJob('identity.align-builtin-roles', async (tx) => {
    const differing = async (lock: boolean) => {
      const query = tx.db
        .select({ tenantId: roles.tenantId, id: roles.id, key: roles.key, before: roles.permissions })
        .from(roles)
        .where(eq(roles.builtin, true));
      const rows = await (lock ? query.for('no key update') : query);
      return rows.flatMap((row) => {
        const after = realigned(row.key, row.before);
        return after && !sameList(row.before, after) ? [{ ...row, after }] : [];
      });
    };
    // Most starts find nothing to change: only then are the roles locked and read again.
    const changed = (await differing(false)).length ? await differing(true) : [];
    await store(tx, changed);
    await writeAudits(
      tx,
      changed.map((row) => ({
        source: SYSTEM_AUDIT,
        entry: {
          tenantId: row.tenantId,
          action: 'role.update',
          entityType: 'role',
          entityId: row.id,
          changes: diff({ permissions: row.before }, { permissions: row.after }),
        },
      })),
    );
    const tenantIds = [...new Set(changed.map((row) => row.tenantId))];
    for (const tenantId of tenantIds) await revocations?.announceStale(tx, { tenantId });
    return tenantIds;
  });
  for (const tenantId of tenants) revocations?.applyStale({ tenantId });
  return tenants.length;
}

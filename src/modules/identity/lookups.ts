import { and, eq, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Tx } from '../../platform/db/types.js';
import type { Principal } from '../../platform/http/auth.js';
import { scopePredicate } from './scope.js';
import { orgUnits, teamMembers, teams } from './tables/org.tables.js';
import { users } from './tables/users.tables.js';

/*
 * What other modules may ask identity about users, org units and teams, inside their own
 * transaction. Identity's tables stay private: callers get ids, codes and predicates, so a change
 * to how identity stores them changes only this file.
 */

const distinct = (ids: Iterable<string | null>) => [
  ...new Set([...ids].filter((id): id is string => id !== null)),
];

export interface UserFacts {
  email: string;
  firstName: string;
  lastName: string;
  username: string | null;
  employeeCode: string | null;
}

/** id → login e-mail and name of the tenant's users among `ids` (any status); unknown ids are absent. */
export async function userFacts(tx: Tx, tenantId: string, ids: Iterable<string | null>) {
  const wanted = distinct(ids);
  if (!wanted.length) return new Map<string, UserFacts>();
  const rows = await tx.db
    .select({
      id: users.id,
      email: users.email,
      firstName: users.firstName,
      lastName: users.lastName,
      username: users.username,
      employeeCode: users.employeeCode,
    })
    .from(users)
    .where(and(eq(users.tenantId, tenantId), inArray(users.id, wanted)));
  return new Map(rows.map(({ id, ...facts }) => [id, facts]));
}

/** lower-cased e-mail → id of the tenant's users with one of `emails` (case-insensitive). */
export async function userIdsByEmails(tx: Tx, tenantId: string, emails: Iterable<string>) {
  const wanted = [...new Set([...emails].map((e) => e.toLowerCase()))];
  if (!wanted.length) return new Map<string, string>();
  const rows = await tx.db
    .select({ email: users.email, id: users.id })
    .from(users)
    .where(and(eq(users.tenantId, tenantId), inArray(sql`lower(${users.email})`, wanted)));
  return new Map(rows.map((row) => [row.email.toLowerCase(), row.id]));
}

/**
 * lower-cased username → id of the tenant's users with one of `usernames` (case-insensitive, as
 * usernames are unique per tenant); for imports that name agents by username.
 */
export async function userIdsByUsernames(tx: Tx, tenantId: string, usernames: Iterable<string>) {
  const wanted = [...new Set([...usernames].map((u) => u.trim().toLowerCase()))].filter(Boolean);
  if (!wanted.length) return new Map<string, string>();
  const rows = await tx.db
    .select({ username: users.username, id: users.id })
    .from(users)
    .where(and(eq(users.tenantId, tenantId), inArray(sql`lower(${users.username})`, wanted)));
  return new Map(rows.map((row) => [row.username!.toLowerCase(), row.id]));
}

/** The ids of the tenant's users named by employee code (exact match). */
export async function userIdsByEmployeeCodes(tx: Tx, tenantId: string, codes: Iterable<string>) {
  const wanted = [...new Set([...codes].map((c) => c.trim()))].filter(Boolean);
  if (!wanted.length) return new Map<string, string>();
  const rows = await tx.db
    .select({ code: users.employeeCode, id: users.id })
    .from(users)
    .where(and(eq(users.tenantId, tenantId), inArray(users.employeeCode, wanted)));
  return new Map(rows.map((row) => [row.code!, row.id]));
}

/**
 * lower-cased employee code or username → id of the tenant's users named by one of `keys`: imports
 * name an agent either way. An employee code wins over another user's equal username.
 */
export async function userIdsByCodeOrUsername(tx: Tx, tenantId: string, keys: Iterable<string>) {
  const wanted = [...new Set([...keys].map((k) => k.trim().toLowerCase()))].filter(Boolean);
  if (!wanted.length) return new Map<string, string>();
  const rows = await tx.db
    .select({ id: users.id, code: users.employeeCode, username: users.username })
    .from(users)
    .where(
      and(
        eq(users.tenantId, tenantId),
        or(
          inArray(sql`lower(${users.employeeCode})`, wanted),
          inArray(sql`lower(${users.username})`, wanted),
        ),
      ),
    );
  const found = new Map<string, string>();
  for (const row of rows) if (row.username) found.set(row.username.toLowerCase(), row.id);
  for (const row of rows) if (row.code) found.set(row.code.toLowerCase(), row.id);
  return found;
}

/** Whether `userId` is an active user of the tenant within the caller's data scope. */
export async function isActiveUserInScope(tx: Tx, principal: Principal, tenantId: string, userId: string) {
  const [row] = await tx.db
    .select({ id: users.id })
    .from(users)
    .where(
      and(
        eq(users.tenantId, tenantId),
        eq(users.id, userId),
        eq(users.status, 'active'),
        scopePredicate(principal, users.id),
      ),
    );
  return row !== undefined;
}

/** code → id of the tenant's org units with one of `codes`. */
export async function orgUnitIdsByCode(tx: Tx, tenantId: string, codes: Iterable<string>) {
  const wanted = [...new Set(codes)];
  if (!wanted.length) return new Map<string, string>();
  const rows = await tx.db
    .select({ code: orgUnits.code, id: orgUnits.id })
    .from(orgUnits)
    .where(and(eq(orgUnits.tenantId, tenantId), inArray(orgUnits.code, wanted)));
  return new Map(rows.map((row) => [row.code!, row.id]));
}

/** The ids among `ids` of the tenant's org units. */
export async function orgUnitIdsAmong(tx: Tx, tenantId: string, ids: Iterable<string | null>) {
  const wanted = distinct(ids);
  if (!wanted.length) return new Set<string>();
  const rows = await tx.db
    .select({ id: orgUnits.id })
    .from(orgUnits)
    .where(and(eq(orgUnits.tenantId, tenantId), inArray(orgUnits.id, wanted)));
  return new Set(rows.map((r) => r.id));
}

/** id → code of the tenant's org units among `ids` (units without a code are left out). */
export async function orgUnitCodesByIds(tx: Tx, tenantId: string, ids: Iterable<string | null>) {
  const wanted = distinct(ids);
  if (!wanted.length) return new Map<string, string>();
  const rows = await tx.db
    .select({ id: orgUnits.id, code: orgUnits.code })
    .from(orgUnits)
    .where(and(eq(orgUnits.tenantId, tenantId), inArray(orgUnits.id, wanted)));
  return new Map(rows.filter((r) => r.code !== null).map((r) => [r.id, r.code!]));
}

/**
 * A predicate over a team id column: the teams the caller's scope reaches — the teams they lead,
 * and teams with a member inside their data scope (an agent: the teams they belong to). Undefined
 * for tenant scope: every team.
 */
export function teamInScopePredicate(principal: Principal, tenantId: string, teamColumn: AnyPgColumn) {
  const memberScope = scopePredicate(principal, teamMembers.userId);
  if (!memberScope) return undefined;
  return sql`${teamColumn} in (select ${teamMembers.teamId} from ${teamMembers}
    where ${teamMembers.tenantId} = ${tenantId} and ${memberScope}
    union select ${teams.id} from ${teams} where ${teams.tenantId} = ${tenantId} and ${teams.leaderId} = ${principal.userId})`;
}

/** A predicate over a team id column: the teams `userId` is a member of. */
export function teamOfMemberPredicate(tenantId: string, userId: string, teamColumn: AnyPgColumn): SQL {
  return sql`${teamColumn} in (select ${teamMembers.teamId} from ${teamMembers}
    where ${teamMembers.tenantId} = ${tenantId} and ${teamMembers.userId} = ${userId})`;
}

/** The ids among `ids` of the tenant's teams within the caller's reach. */
export async function teamIdsInScope(tx: Tx, principal: Principal, tenantId: string, ids: string[]) {
  if (!ids.length) return new Set<string>();
  const rows = await tx.db
    .select({ id: teams.id })
    .from(teams)
    .where(
      and(
        eq(teams.tenantId, tenantId),
        inArray(teams.id, ids),
        teamInScopePredicate(principal, tenantId, teams.id),
      ),
    );
  return new Set(rows.map((t) => t.id));
}

/** Members of each team (current membership). */
export async function membersOfTeams(tx: Tx, tenantId: string, teamIds: string[]) {
  const members = new Map<string, string[]>();
  if (teamIds.length === 0) return members;
  const rows = await tx.db
    .select({ teamId: teamMembers.teamId, userId: teamMembers.userId })
    .from(teamMembers)
    .where(and(eq(teamMembers.tenantId, tenantId), inArray(teamMembers.teamId, teamIds)));
  for (const row of rows) members.set(row.teamId, [...(members.get(row.teamId) ?? []), row.userId]);
  return members;
}

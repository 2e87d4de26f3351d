import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/platform/db/index.js';
import { createTestDatabase, driverUnderTest, type TestDatabase } from '../harness/database.js';

/**
 * Reference columns of tenant tables that no (tenant_id, …) foreign key covers, on purpose. Every
 * entry says why; anything else named `*_id` must be a composite key, so a row can never point at
 * another tenant's row (DESIGN.md, Tenancy).
 */
const ALLOWED: Record<string, string> = {
  // The actor may be a super administrator, a user of the platform tenant, acting in this one;
  // the log records who acted, it is no reference to follow.
  'audit_log.actor_user_id': 'audit actor, possibly of the platform tenant',
  'audit_log.actor_tenant_id': 'the actor’s home tenant (null for a super administrator)',
  // Polymorphic: customers, outlets, products… by entity_type; each is checked when linked.
  'external_refs.entity_id': 'polymorphic entity id',
  // Polymorphic as well: an alert is about a visit, a customer, a call cycle… by entity_type.
  'alerts.entity_id': 'polymorphic entity id',
  // A generated report stays in the history after its schedule is deleted.
  'report_runs.schedule_id': 'history that outlives its schedule',
  // Derived by triggers from visits and photos, whose agent_id is itself a composite key; a key here
  // would add a users lookup to the trigger of every visit and photo write for counts alone.
  'field_daily_totals.agent_id': 'aggregate keyed by agents its sources already reference',
  // The append-only ledger records which bonus run and item an accrual or payout came from: runs
  // are never deleted, and an approved run's items are immutable, so the ids stay true.
  'ledger_entries.bonus_run_id': 'provenance of an append-only entry (runs are never deleted)',
  'ledger_entries.bonus_item_id': 'provenance of an append-only entry (approved items never change)',
  // A run keeps the rules it applied in its snapshot; a rule of a set no approved run used may be
  // deleted later, and the item still names the rule (and its code) it was computed by.
  'bonus_run_items.rule_id': 'explained by the run’s snapshot; the rule may be deleted later',
  // An item copies these from the sale or lead its run read in the same transaction; sales and
  // leads are never deleted. Keys would lock every sale and lead a run covers (most of its time).
  'bonus_run_items.conversion_id': 'copied from the sale the run read (sales are never deleted)',
  'bonus_run_items.lead_id': 'copied from the lead the run read (leads are never deleted)',
  'bonus_run_items.outlet_id': 'copied from the sale or lead, which references the outlet itself',
  'bonus_run_items.campaign_id': 'copied from the sale or lead, which references the campaign itself',
  'bonus_run_items.agent_id': 'copied from the sale or lead, which references the agent itself',
  // Items are written by their run's job after the run row, which is never deleted; a recompute
  // deletes the items explicitly.
  'bonus_run_items.run_id': 'written by the run itself; runs are never deleted',
  // Document positions copy their header's parties so a year of analytics reads one table; the
  // header holds the keys and the document writers keep the copies equal.
  'commerce_document_positions.customer_id': 'copied from the document header, which references it',
  'commerce_document_positions.warehouse_id': 'copied from the document header, which references it',
  'commerce_document_positions.owner_id': 'copied from the document header, which references it',
  'commerce_documents.base_document_id': 'provenance: a local document deleted for good leaves its followers',
  'commerce_documents.integration_id': 'provenance: synced documents stay when their integration is deleted',
  'stock_movements.document_id': 'append-only history that outlives a local document deleted for good',
  'stock_movements.variant_id': 'append-only history; the product it belongs to is referenced by key',
  'commerce_settings.buy_price_type_id': 'checked when set; a price type deleted later reads as unset',
  'commerce_settings.sale_price_type_id': 'checked when set; a price type deleted later reads as unset',
};

interface ReferenceColumn {
  table: string;
  column: string;
}

/** Every uuid `*_id` column of a table with a tenant_id that no foreign key including tenant_id covers. */
async function uncoveredReferences(db: Database): Promise<ReferenceColumn[]> {
  const { rows } = await db.withSystem((tx) =>
    tx.sql.query<ReferenceColumn>(
      `select c.relname as table, a.attname as column
       from pg_class c
       join pg_namespace n on n.oid = c.relnamespace
       join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
       join pg_attribute t on t.attrelid = c.oid and t.attname = 'tenant_id' and not t.attisdropped
       where c.relkind in ('r', 'p') and not c.relispartition
         and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg_toast%'
         and a.atttypid = 'uuid'::regtype and a.attname like '%\\_id' and a.attname <> 'tenant_id'
         and not exists (
           select 1 from pg_constraint k
           where k.conrelid = c.oid and k.contype = 'f'
             and a.attnum = any (k.conkey) and t.attnum = any (k.conkey))
       order by 1, 2`,
    ),
  );
  return rows;
}

describe(`reference keys (${driverUnderTest})`, () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.close());

  it('covers every reference column of a tenant table by a (tenant_id, …) foreign key, or allows it with a reason', async () => {
    const found = (await uncoveredReferences(database.db)).map((r) => `${r.table}.${r.column}`);
    expect(found.filter((key) => !(key in ALLOWED))).toEqual([]);
    // An entry whose column gained a key (or went away) is stale: drop it.
    expect(Object.keys(ALLOWED).filter((key) => !found.includes(key))).toEqual([]);
  });

  it('sees a reference without a key, and one whose key leaves tenant_id out', async () => {
    await database.db.withSystem(async (tx) => {
      await tx.sql.query(`create table probe_parents (tenant_id uuid not null, id uuid not null,
        primary key (tenant_id, id), unique (id))`);
      await tx.sql.query(`create table probe_children (tenant_id uuid not null, id uuid not null,
        loose_id uuid, global_id uuid references probe_parents (id), keyed_id uuid,
        primary key (tenant_id, id), foreign key (tenant_id, keyed_id) references probe_parents (tenant_id, id))`);
    });
    const found = (await uncoveredReferences(database.db)).filter((r) => r.table === 'probe_children');
    expect(found.map((r) => r.column)).toEqual(['global_id', 'loose_id']);
  });
});

import type { Tx } from '../../platform/db/types.js';
import type { DemoLogin, Platform } from '../../platform/module.js';
import { customers, outlets, warehouses } from './tables/core.tables.js';
import { brands, priceTypes, productFolders, productPrices, products } from './tables/products.tables.js';

/** Shops around Tashkent (real-looking coordinates, a few hundred metres to a few kilometres apart). */
const OUTLETS: [string, number, number, string][] = [
  ['Chorsu Market Kiosk', 41.3265, 69.2346, 'store'],
  ['Amir Temur Square Mini-market', 41.3111, 69.2797, 'store'],
  ['Yunusabad Supermarket', 41.3647, 69.2869, 'store'],
  ['Chilanzar Corner Shop', 41.2756, 69.2034, 'store'],
  ['Mirzo Ulugbek Pharmacy', 41.3388, 69.3344, 'partner'],
  ['Sergeli Cash & Carry', 41.2259, 69.2193, 'store'],
  ['National University Canteen', 41.3495, 69.2042, 'campus'],
  ['Magic City Pop-up', 41.3034, 69.2461, 'pop_up'],
  ['Yakkasaray Grocery', 41.2897, 69.2655, 'store'],
  ['Shaykhantahur Bakery', 41.3216, 69.2535, 'partner'],
  ['Almazar Market Stall', 41.3573, 69.2192, 'store'],
  ['Bektemir Roadside Shop', 41.2309, 69.3368, 'store'],
];

const CUSTOMERS: [string, string, string, string][] = [
  ['C-001', 'Korzinka Retail', 'retail', 'key_account'],
  ['C-002', 'Makro Supermarkets', 'retail', 'key_account'],
  ['C-003', 'Havas Food', 'retail', 'mid_market'],
  ['C-004', 'Oson Apteka', 'pharmacy', 'mid_market'],
  ['C-005', 'Campus Foods LLC', 'food_service', 'small_business'],
];

const BRANDS: [string, boolean][] = [
  ['Sunny Valley', true],
  ['Crystal Spring', true],
  ['Coca-Cola', false],
  ['Nestlé', false],
  ['Local Farms', false],
];

const PRODUCTS: [string, string, string, number, string][] = [
  ['P-001', 'Sunny Valley Apple Juice 1L', 'Juices', 0, '14500.00'],
  ['P-002', 'Sunny Valley Orange Juice 1L', 'Juices', 0, '15500.00'],
  ['P-003', 'Sunny Valley Cherry Nectar 0.5L', 'Juices', 0, '9000.00'],
  ['P-004', 'Crystal Spring Still Water 1.5L', 'Water', 1, '4500.00'],
  ['P-005', 'Crystal Spring Sparkling 0.5L', 'Water', 1, '3800.00'],
  ['P-006', 'Coca-Cola 1.5L', 'Soft drinks', 2, '12000.00'],
  ['P-007', 'Nestlé Pure Life 1L', 'Water', 3, '4200.00'],
  ['P-008', 'Local Farms Ayran 0.5L', 'Dairy drinks', 4, '6000.00'],
];

async function demoTenant(platform: Platform): Promise<{ tenantId: string; ownerId: string | null } | null> {
  return platform.system.seed(async (tx) => {
    const { rows } = await tx.sql.query<{ id: string; owner: string | null }>(
      `select t.id, (select u.id from users u where u.tenant_id = t.id and lower(u.email) like 'agent@%' limit 1) as owner
       from tenants t where t.slug = 'demo'`,
    );
    return rows[0] ? { tenantId: rows[0].id, ownerId: rows[0].owner } : null;
  });
}

async function territories(tx: Tx, tenantId: string): Promise<string[]> {
  const { rows } = await tx.sql.query<{ id: string }>(
    'select id from org_units where tenant_id = $1 order by depth desc, name limit 4',
    [tenantId],
  );
  return rows.map((r) => r.id);
}

/**
 * Catalog demo data for the identity demo tenant: customers, outlets around Tashkent, warehouses,
 * own and competitor brands, and products in folders with retail prices. Skipped when the tenant
 * already has customers, so every start can run it.
 */
export async function seedCatalogDemo(platform: Platform): Promise<DemoLogin[]> {
  const demo = await demoTenant(platform);
  if (!demo) return [];
  const { tenantId, ownerId } = demo;
  await platform.db.withTenant({ tenantId }, async (tx) => {
    const { rows } = await tx.sql.query<{ n: number }>('select count(*)::int as n from customers');
    if (rows[0]!.n > 0) return;
    const customerRows = await tx.db
      .insert(customers)
      .values(
        CUSTOMERS.map(([code, name, industry, segment]) => ({
          tenantId,
          code,
          name,
          industry,
          segment,
          ownerId,
          status: 'active' as const,
          currency: 'UZS',
        })),
      )
      .returning({ id: customers.id });
    const units = await territories(tx, tenantId);
    await tx.db.insert(outlets).values(
      OUTLETS.map(([name, latitude, longitude, type], i) => ({
        tenantId,
        code: `O-${String(i + 1).padStart(3, '0')}`,
        name,
        address: `${name}, Tashkent`,
        latitude,
        longitude,
        type,
        orgUnitId: units.length ? units[i % units.length] : null,
        customerId: customerRows[i % customerRows.length]!.id,
      })),
    );
    await tx.db.insert(warehouses).values([
      { tenantId, code: 'W-MAIN', name: 'Main warehouse', address: 'Sergeli industrial zone, Tashkent' },
      { tenantId, code: 'W-NORTH', name: 'North depot', address: 'Yunusabad, Tashkent' },
    ]);
    const brandRows = await tx.db
      .insert(brands)
      .values(BRANDS.map(([name, isOwn]) => ({ tenantId, code: codeOf(name), name, isOwn })))
      .returning({ id: brands.id });
    const folderIds = new Map<string, string>();
    for (const name of new Set(PRODUCTS.map((p) => p[2]))) {
      const [folder] = await tx.db
        .insert(productFolders)
        .values({ tenantId, code: codeOf(name), name, path: '/' })
        .returning({ id: productFolders.id });
      await tx.sql.query('update product_folders set path = $1 where tenant_id = $2 and id = $3', [
        `/${folder!.id}/`,
        tenantId,
        folder!.id,
      ]);
      folderIds.set(name, folder!.id);
    }
    const [retail] = await tx.db
      .insert(priceTypes)
      .values({ tenantId, name: 'Retail', currency: 'UZS' })
      .returning({ id: priceTypes.id });
    const productRows = await tx.db
      .insert(products)
      .values(
        PRODUCTS.map(([code, name, folder, brand]) => ({
          tenantId,
          code,
          name,
          folderId: folderIds.get(folder)!,
          brandId: brandRows[brand]!.id,
          uom: 'pcs',
        })),
      )
      .returning({ id: products.id });
    await tx.db.insert(productPrices).values(
      productRows.map((row, i) => ({
        tenantId,
        productId: row.id,
        priceTypeId: retail!.id,
        amount: PRODUCTS[i]![4],
      })),
    );
  });
  return [];
}

/** The code a demo brand or folder is named by in spreadsheets: `Tea & coffee` → `TEA-COFFEE`. */
function codeOf(name: string): string {
  return name
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

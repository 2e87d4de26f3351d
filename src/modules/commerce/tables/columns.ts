import { numeric } from 'drizzle-orm/pg-core';

/** A quantity: three decimals, as MoySklad's Float quantities use. */
export const quantity = (name: string) => numeric(name, { precision: 18, scale: 3 });
/** Money in the tenant's currency, as decimals (MoySklad's kopecks ÷ 100). */
export const money = (name: string) => numeric(name, { precision: 18, scale: 2 });

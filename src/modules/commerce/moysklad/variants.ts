import type { ProviderConnection } from '../integrations/provider.js';
import type { MoyskladClient } from './client.js';
import { connectionKey } from './limiter.js';
import { idFromHref } from './values.js';

/** Ids per lookup request: 100 uuids keep the URL well under MoySklad's 8 KB header limit. */
const LOOKUP_CHUNK = 100;
const MAX_ENTRIES = 500_000;

/**
 * Variant → product ids of one account. Stock report rows and document positions name a variant
 * without its product; the variants sync fills this map, and ids it has not seen are looked up in
 * batches (`filter=id=…;id=…`, which also finds archived variants).
 */
export class VariantProducts {
  private static readonly all = new Map<string, VariantProducts>();
  private readonly products = new Map<string, string>();

  static of(conn: ProviderConnection): VariantProducts {
    const key = connectionKey(conn);
    let cache = VariantProducts.all.get(key);
    if (!cache) VariantProducts.all.set(key, (cache = new VariantProducts()));
    return cache;
  }

  remember(variantId: string, productId: string): void {
    if (this.products.size >= MAX_ENTRIES) this.products.clear();
    this.products.set(variantId, productId);
  }

  /** Products of the given variants (those that still exist); unknown ones are fetched. */
  async resolve(client: MoyskladClient, variantIds: Iterable<string>): Promise<ReadonlyMap<string, string>> {
    const missing = [...new Set(variantIds)].filter((id) => !this.products.has(id));
    for (let i = 0; i < missing.length; i += LOOKUP_CHUNK) {
      const chunk = missing.slice(i, i + LOOKUP_CHUNK);
      const list = await client.get<{
        rows?: { meta?: { href?: string }; product?: { meta?: { href?: string } } }[];
      }>('entity/variant', {
        query: { limit: LOOKUP_CHUNK, filter: chunk.map((id) => `id=${id}`).join(';') },
      });
      for (const row of list.rows ?? []) {
        const variant = idFromHref(row.meta?.href);
        const product = idFromHref(row.product?.meta?.href);
        if (variant && product) this.remember(variant, product);
      }
    }
    return this.products;
  }
}

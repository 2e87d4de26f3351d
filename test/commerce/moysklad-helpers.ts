import type {
  Page,
  ProviderConnection,
  SyncEntity,
  SyncRecord,
} from '../../src/modules/commerce/integrations/provider.js';
import { moyskladProvider, type FakeMoysklad } from '../../src/modules/commerce/moysklad/index.js';

/** A connection to a fake account, with its credentials unless told otherwise. */
export function connectionTo(
  fake: FakeMoysklad,
  options: Record<string, unknown> = {},
  auth?: ProviderConnection['auth'],
): ProviderConnection {
  return {
    baseUrl: fake.baseUrl,
    auth: auth ?? { type: 'basic', login: fake.credentials.login, password: fake.credentials.password },
    options: { retryBaseMs: 20, ...options },
  };
}

export interface ReadAll {
  records: SyncRecord[];
  failures: Page['failures'];
  pages: number;
  requests: number;
}

/** Reads an entity page by page until `nextOffset` is null, as the sync engine does. */
export async function readAll(
  conn: ProviderConnection,
  entity: SyncEntity,
  since?: Date | null,
): Promise<ReadAll> {
  const out: ReadAll = { records: [], failures: [], pages: 0, requests: 0 };
  let offset: number | null = 0;
  while (offset !== null) {
    const page: Page = await moyskladProvider.readPage(conn, entity, { offset, since: since ?? null });
    out.records.push(...page.records);
    out.failures.push(...page.failures);
    out.pages++;
    out.requests += page.requests;
    offset = page.nextOffset;
    if (out.pages > 10_000) throw new Error('paging does not end');
  }
  return out;
}

export const idsOf = (records: SyncRecord[]) =>
  records.map((r) =>
    'externalId' in r ? r.externalId : `${r.productExternalId}/${r.variantExternalId}/${r.storeExternalId}`,
  );

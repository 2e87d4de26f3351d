import { validationFailed } from '../../../platform/http/errors.js';
import { moyskladProvider } from '../moysklad/index.js';
import type { CommerceProvider } from './provider.js';

/**
 * Every provider an integration can use, by name. Adding one (Kaspi, Bitrix24) means implementing
 * `CommerceProvider` and listing it here.
 */
const PROVIDERS: readonly CommerceProvider[] = [moyskladProvider];

const byName = new Map(PROVIDERS.map((p) => [p.name, p]));

/** The names an integration's `provider` may take. */
export const providerNames = (): string[] => [...byName.keys()];

/** The provider of that name; an unknown name is 422 at `path` (the request member that named it). */
export function providerNamed(name: string, path = '/body/provider'): CommerceProvider {
  const provider = byName.get(name);
  if (!provider)
    throw validationFailed(
      [
        {
          path,
          message: byName.size
            ? `must be one of ${providerNames().join(', ')}`
            : 'no ERP provider is available in this installation',
        },
      ],
      `Unknown provider "${name}".`,
    );
  return provider;
}

/** The API address an integration of this provider uses when none is given. */
const DEFAULT_BASE_URLS: Readonly<Record<string, string>> = {
  moysklad: 'https://api.moysklad.ru/api/remap/1.2',
};

export const defaultBaseUrlOf = (provider: string): string | undefined => DEFAULT_BASE_URLS[provider];

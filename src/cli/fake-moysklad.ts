import { startFakeMoysklad } from '../modules/commerce/index.js';
import { CliError } from './open.js';
import { onShutdownSignal } from './shutdown.js';

export interface FakeMoyskladCliOptions {
  port?: string;
  host?: string;
  products?: string;
  documents?: string;
  seed?: string;
  login?: string;
  password?: string;
}

function count(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new CliError(`--${name} must be a non-negative integer`);
  return n;
}

/** Runs a fake MoySklad account (deterministic data from the seed) until interrupted. */
export async function fakeMoyskladCommand(options: FakeMoyskladCliOptions): Promise<void> {
  const products = count('products', options.products);
  const documents = count('documents', options.documents);
  const fake = await startFakeMoysklad({
    port: count('port', options.port) ?? 0,
    host: options.host ?? '127.0.0.1',
    seed: options.seed ?? 1,
    sizes: {
      ...(products !== undefined ? { products } : {}),
      ...(documents !== undefined ? { documents } : {}),
      ...(products !== undefined ? { counterparties: Math.max(10, Math.ceil(products / 10)) } : {}),
    },
    credentials: {
      ...(options.login ? { login: options.login } : {}),
      ...(options.password ? { password: options.password } : {}),
    },
  });
  const c = fake.credentials;
  process.stdout.write(
    [
      `Fake MoySklad listening on ${fake.url}`,
      `  base URL:   ${fake.baseUrl}`,
      `  login:      ${c.login}`,
      `  password:   ${c.password}`,
      `  account id: ${fake.accountId}`,
      `  control:    ${fake.url}/__fake/stats, POST ${fake.url}/__fake/webhooks/send …`,
      '',
    ].join('\n'),
  );
  onShutdownSignal(
    () => fake.close(),
    5000,
    (msg) => process.stderr.write(`fake-moysklad: ${msg}\n`),
  );
  await new Promise(() => undefined);
}

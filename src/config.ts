import path from 'node:path';
import { bool, int, list, oneOf, secret, secretList, str, url, type Parser } from './config-parsers.js';
import { geocoderSettings } from './config-geocoder.js';
import { integrationSettings } from './config-integrations.js';
import { rateLimitSettings } from './config-rate-limits.js';
import { reportSettings } from './config-reports.js';
export { ensureIntegrationKeys, ensureJwtSecret } from './config-secret.js';
export type { IntegrationKey } from './config-integrations.js';

/** Settings a derived default may look at (parsed before it, in table order). */
interface ParsedSoFar {
  nodeEnv?: string;
  port?: number;
  dataDir?: string;
  databaseUrl?: string;
  s3Bucket?: string;
}

interface Setting<T> {
  env: string;
  description: string;
  /** Default used when the variable is unset or empty; a function sees the settings parsed so far. */
  default?: T | ((parsed: ParsedSoFar) => T | undefined);
  parse: Parser<T>;
}

/**
 * Every setting SalesOps reads from the environment. The table below is the single source:
 * `loadConfig` parses it, `salesops config` prints it, and the README's configuration table mirrors it
 * (a test keeps the two in step).
 */
const settings = {
  nodeEnv: {
    env: 'NODE_ENV',
    description: 'development, production or test',
    default: 'development',
    parse: oneOf('development', 'production', 'test'),
  },
  port: { env: 'PORT', description: 'HTTP port', default: 3000, parse: int(0, 65535) },
  host: { env: 'HOST', description: 'Interface to listen on', default: '0.0.0.0', parse: str },
  publicUrl: {
    env: 'PUBLIC_URL',
    description: 'Base URL used in links sent to people (password reset, survey links)',
    default: (c: ParsedSoFar) => `http://localhost:${c.port ?? 3000}`,
    parse: url('http', 'https'),
  },
  databaseUrl: {
    env: 'DATABASE_URL',
    description: 'PostgreSQL connection string; unset = embedded PGlite in DATA_DIR/pglite',
    parse: url('postgres', 'postgresql'),
  },
  databasePoolSize: {
    env: 'DATABASE_POOL_SIZE',
    description: 'Connections in the PostgreSQL pool',
    default: 10,
    parse: int(1, 500),
  },
  dataDir: {
    env: 'DATA_DIR',
    description: 'Directory for the embedded database, local files and generated secrets',
    default: './data',
    parse: str,
  },
  embeddedOptimizingCompiler: {
    env: 'EMBEDDED_OPTIMIZING_COMPILER',
    description:
      "Compile the embedded database's WebAssembly with V8's optimizing compiler as well as its baseline one: about 7 % more throughput, about 70 MB more memory",
    default: false,
    parse: bool,
  },
  jwtSecret: {
    env: 'JWT_SECRET',
    description:
      'HS256 signing secret (≥ 32 chars). Required in production; otherwise generated once into DATA_DIR',
    parse: secret,
  },
  jwtPreviousSecrets: {
    env: 'JWT_PREVIOUS_SECRETS',
    description:
      'Comma-separated earlier JWT_SECRET values: tokens they signed still verify until they expire; new ones use JWT_SECRET',
    default: [] as string[],
    parse: secretList,
  },
  logLevel: {
    env: 'LOG_LEVEL',
    description: 'fatal, error, warn, info, debug, trace or silent',
    default: 'info',
    parse: oneOf('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'),
  },
  logPretty: {
    env: 'LOG_PRETTY',
    description: 'Human-readable logs instead of JSON',
    default: (c: ParsedSoFar) => c.nodeEnv === 'development' && Boolean(process.stdout.isTTY),
    parse: bool,
  },
  corsOrigins: {
    env: 'CORS_ORIGINS',
    description: 'Comma-separated allowed origins; * allows any',
    default: ['*'],
    parse: list,
  },
  trustProxy: {
    env: 'TRUST_PROXY',
    description: 'Trust X-Forwarded-* headers (behind a load balancer)',
    default: false,
    parse: bool,
  },
  bodyLimitBytes: {
    env: 'BODY_LIMIT_BYTES',
    description: 'Largest JSON body accepted',
    default: 1_048_576,
    parse: int(1024, 1_073_741_824),
  },
  uploadLimitBytes: {
    env: 'UPLOAD_LIMIT_BYTES',
    description: 'Largest uploaded file accepted',
    default: 20_971_520,
    parse: int(1024, 10_737_418_240),
  },
  importLimitBytes: {
    env: 'IMPORT_LIMIT_BYTES',
    description: 'Largest spreadsheet accepted by POST /imports',
    default: 104_857_600,
    parse: int(1024, 10_737_418_240),
  },
  ...reportSettings,
  importMaxRecordChars: {
    env: 'IMPORT_MAX_RECORD_CHARS',
    description: 'Longest CSV record (one row, in characters) an import reads; longer fails the run',
    default: 1_048_576,
    parse: int(1024, 536_870_000),
  },
  importMaxSharedStrings: {
    env: 'IMPORT_MAX_SHARED_STRINGS',
    description: 'Most entries in an imported XLSX shared-strings table; more fails the run',
    default: 1_000_000,
    parse: int(1, 100_000_000),
  },
  importMaxSharedStringChars: {
    env: 'IMPORT_MAX_SHARED_STRING_CHARS',
    description: 'Most characters in an imported XLSX shared-strings table; more fails the run',
    default: 50_000_000,
    parse: int(1024, 536_870_000),
  },
  importStaleMs: {
    env: 'IMPORT_STALE_MS',
    description:
      'An import validating or importing without a heartbeat from its worker for this long has lost it (killed, crashed) and is resumed by a process running workers; the heartbeat is renewed every third of it',
    default: 30_000,
    parse: int(1000, 3_600_000),
  },
  importRecoveryIntervalMs: {
    env: 'IMPORT_RECOVERY_INTERVAL_MS',
    description:
      'How often (and once at start) a process running workers looks for imports that lost their worker',
    default: 15_000,
    parse: int(500, 600_000),
  },
  imageMaxPixels: {
    env: 'IMAGE_MAX_PIXELS',
    description: 'Largest image (width × height, read from its header before decoding) an upload accepts',
    default: 200_000_000,
    parse: int(1, 10_000_000_000),
  },
  ...rateLimitSettings,
  redisUrl: {
    env: 'REDIS_URL',
    description: 'Redis for shared rate limits across instances; unset = in memory',
    parse: url('redis', 'rediss'),
  },
  smtpUrl: {
    env: 'SMTP_URL',
    description: 'SMTP server (smtp://user:pass@host:587); unset = mail goes to the outbox table and the log',
    parse: url('smtp', 'smtps'),
  },
  mailFrom: {
    env: 'MAIL_FROM',
    description: 'Sender of outgoing mail',
    default: 'SalesOps <no-reply@salesops.local>',
    parse: str,
  },
  mailLogBodies: {
    env: 'MAIL_LOG_BODIES',
    description:
      'Write the text of unsent mail (no SMTP_URL) to the log. Off by default: bodies carry reset and sign-up links',
    default: false,
    parse: bool,
  },
  ...geocoderSettings,
  ...integrationSettings,
  storageDir: {
    env: 'STORAGE_DIR',
    description: 'Root of local file storage',
    default: (c: ParsedSoFar) => path.join(c.dataDir ?? './data', 'files'),
    parse: str,
  },
  s3Endpoint: {
    env: 'S3_ENDPOINT',
    description: 'S3-compatible endpoint (MinIO, R2…); unset = AWS',
    parse: url('http', 'https'),
  },
  s3Region: { env: 'S3_REGION', description: 'S3 region', default: 'us-east-1', parse: str },
  s3Bucket: { env: 'S3_BUCKET', description: 'S3 bucket', parse: str },
  s3AccessKeyId: { env: 'S3_ACCESS_KEY_ID', description: 'S3 access key', parse: str },
  s3SecretAccessKey: { env: 'S3_SECRET_ACCESS_KEY', description: 'S3 secret key', parse: str },
  s3ForcePathStyle: {
    env: 'S3_FORCE_PATH_STYLE',
    description: 'Path-style bucket addressing (needed by most S3-compatible servers)',
    default: true,
    parse: bool,
  },
  storageDriver: {
    env: 'STORAGE_DRIVER',
    description: 'local or s3',
    default: (c: ParsedSoFar) => (c.s3Bucket ? 's3' : 'local'),
    parse: oneOf('local', 's3'),
  },
  migrateOnStart: {
    env: 'MIGRATE_ON_START',
    description: 'Apply pending migrations when serve starts',
    default: true,
    parse: bool,
  },
  demoData: {
    env: 'DEMO_DATA',
    description: 'Seed demo tenants and users on start (default on for the embedded database)',
    default: (c: ParsedSoFar) => !c.databaseUrl && c.nodeEnv !== 'production',
    parse: bool,
  },
  selfRegistration: {
    env: 'SELF_REGISTRATION',
    description:
      'Let anyone sign a new tenant up (POST /auth/register); off = 403 REGISTRATION_CLOSED, tenants come from a super admin',
    default: true,
    parse: bool,
  },
  workers: {
    env: 'WORKERS',
    description: 'Run job workers inside the API process',
    default: true,
    parse: bool,
  },
  retentionSessionsDays: {
    env: 'RETENTION_SESSIONS_DAYS',
    description:
      'Days sessions, refresh tokens and password-reset tokens are kept after they expire, are revoked or used',
    default: 30,
    parse: int(1, 36_500),
  },
  retentionOutboxDays: {
    env: 'RETENTION_OUTBOX_DAYS',
    description: 'Days sent (or logged) mail stays in the outbox table',
    default: 30,
    parse: int(1, 36_500),
  },
  retentionImportErrorsDays: {
    env: 'RETENTION_IMPORT_ERRORS_DAYS',
    description: 'Days the rejected rows of an import are kept after the run finished (the run itself stays)',
    default: 90,
    parse: int(1, 36_500),
  },
  passwordHashCost: {
    env: 'PASSWORD_HASH_COST',
    description:
      'argon2id cost of new password hashes: standard (19 MiB, 2 passes) or low (1 MiB, 1 pass; test runs only, refused in production)',
    default: 'standard',
    parse: oneOf('standard', 'low'),
  },
  shutdownTimeoutMs: {
    env: 'SHUTDOWN_TIMEOUT_MS',
    description: 'How long shutdown waits for in-flight requests and jobs',
    default: 10_000,
    parse: int(0, 600_000),
  },
} satisfies Record<string, Setting<unknown>>;

type Settings = typeof settings;
type ValueOf<S> = S extends Setting<infer T> ? T : never;
type HasDefault<S> = S extends { default: unknown } ? true : false;

export type Config = {
  [K in keyof Settings as HasDefault<Settings[K]> extends true ? K : never]: ValueOf<Settings[K]>;
} & {
  [K in keyof Settings as HasDefault<Settings[K]> extends true ? never : K]?: ValueOf<Settings[K]>;
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and validates every setting; reports all bad variables at once. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const config: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, setting] of Object.entries(settings) as [string, Setting<unknown>][]) {
    if (key in overrides) {
      config[key] = (overrides as Record<string, unknown>)[key];
      continue;
    }
    const raw = env[setting.env];
    if (raw !== undefined && raw.trim() !== '') {
      try {
        config[key] = setting.parse(raw.trim());
      } catch (error) {
        problems.push(`${setting.env} ${(error as Error).message} (got "${raw}")`);
      }
    } else if (typeof setting.default === 'function') {
      config[key] = (setting.default as (c: ParsedSoFar) => unknown)(config);
    } else {
      config[key] = setting.default;
    }
  }
  const parsed = config as Config;
  if (parsed.nodeEnv === 'production' && !parsed.jwtSecret) {
    problems.push('JWT_SECRET is required when NODE_ENV=production');
  }
  if (parsed.nodeEnv === 'production' && !parsed.integrationKeys) {
    problems.push('INTEGRATION_KEYS is required when NODE_ENV=production');
  }
  if (parsed.nodeEnv === 'production' && parsed.passwordHashCost !== 'standard') {
    problems.push('PASSWORD_HASH_COST must be standard when NODE_ENV=production');
  }
  if (parsed.storageDriver === 's3' && !parsed.s3Bucket) {
    problems.push('S3_BUCKET is required when STORAGE_DRIVER=s3');
  }
  if (problems.length) throw new ConfigError(problems);
  return parsed;
}

const limitPairText = (pair: { perIp: number; perAccount: number }) => `${pair.perIp}/${pair.perAccount}`;

/** The settings table as rows (for `salesops config` and the README). */
export function describeSettings(): { env: string; default: string; description: string }[] {
  return Object.values(settings as Record<string, Setting<unknown>>).map((s) => ({
    env: s.env,
    default:
      typeof s.default === 'function'
        ? 'derived'
        : s.default === undefined
          ? ''
          : Array.isArray(s.default)
            ? s.default.join(',')
            : typeof s.default === 'object' && s.default !== null && 'perIp' in s.default
              ? limitPairText(s.default as unknown as { perIp: number; perAccount: number })
              : String(s.default),
    description: s.description,
  }));
}

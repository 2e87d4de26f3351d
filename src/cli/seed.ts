import { buildApp } from '../app.js';
import { ensureJwtSecret, type Config } from '../config.js';
import { CommerceScaleSeedError, seedCommerceScale } from '../modules/commerce/index.js';
import { ScaleSeedError, seedFieldScale } from '../modules/field/index.js';
import { modules } from '../modules/index.js';
import { LeadScaleSeedError, seedLeadsScale } from '../modules/leads/index.js';
import { PlanningScaleSeedError, seedPlanningScale } from '../modules/planning/index.js';
import { SuccessScaleSeedError, seedSuccessScale } from '../modules/success/index.js';
import { formatLogins, seedDemo } from '../seed.js';
import { CliError, migrateWithProgress, openConfiguredDatabase } from './open.js';
import { createProgress } from './progress.js';
import { queuedJobsDone } from './queued-jobs.js';

export interface SeedOptions {
  /** `--scale N`: after the demo data, add N synthetic visits (with ~N/5 photos) for benchmarks. */
  scale?: string;
  /** `--conversions N`: after the demo data, add N synthetic sales with their leads and ledger entries. */
  conversions?: string;
  /** `--success-customers N`: after the demo data, add N synthetic customers with their success data. */
  successCustomers?: string;
  /** `--planning-rows N`: after the demo data, add N sales-history rows, a matrix and 10,000 approved forecasts. */
  planningRows?: string;
  /** `--commerce-positions N`: after the demo data, add a commerce catalog, stock and a year of documents with N positions. */
  commercePositions?: string;
  /**
   * `--run-jobs`: also run the jobs the demo data queues (its reports), until none is waiting, rather
   * than leaving them to the server's workers (a first start of `serve`, see first-start.ts).
   */
  runJobs?: boolean;
  /** `--tenant SLUG`: the tenant that receives the scale data (default `demo`). */
  tenant?: string;
}

function parseCount(option: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value.replace(/_/g, ''));
  if (!Number.isInteger(n) || n < 1)
    throw new CliError(`--${option} needs a positive whole number, not "${value}".`);
  return n;
}

/** Scale seeders report their own failures (no tenant, no outlets) as a clear command-line error. */
const asCliError =
  (known: new (...args: never[]) => Error) =>
  (error: unknown): never => {
    throw error instanceof known ? new CliError(error.message) : error;
  };

export async function seedCommand(rawConfig: Config, options: SeedOptions = {}): Promise<void> {
  const scale = parseCount('scale', options.scale);
  const conversions = parseCount('conversions', options.conversions);
  const successCustomers = parseCount('success-customers', options.successCustomers);
  const planningRows = parseCount('planning-rows', options.planningRows);
  const commercePositions = parseCount('commerce-positions', options.commercePositions);
  const config = ensureJwtSecret({ ...rawConfig, logLevel: 'warn' });
  const db = await openConfiguredDatabase(config);
  try {
    const progress = createProgress();
    await migrateWithProgress(db, progress);
    // Polled often: the first start waits for these jobs.
    const app = await buildApp(
      { ...config, workers: options.runJobs === true },
      { db, jobOptions: options.runJobs ? { pollingIntervalSeconds: 0.5 } : undefined },
    );
    try {
      // Demo data queues jobs (its reports), so the queue must exist; they run here with --run-jobs.
      await app.ready();
      const logins = await seedDemo(app.platform, modules, progress);
      if (options.runJobs) await queuedJobsDone(app.platform.jobs, progress);
      process.stdout.write(`Demo logins:\n${formatLogins(logins)}`);
      if (scale !== undefined) {
        progress.step(`Generating ${scale} visits`);
        const result = await seedFieldScale(app.platform.system, {
          visits: scale,
          tenant: options.tenant,
          onProgress: (done, total) => progress.count('Scale data', done, total),
        }).catch(asCliError(ScaleSeedError));
        progress.done(
          `Scale data ready: ${result.visits} visits, ${result.photos} photos, ${result.quadrants} shelf marks, ` +
            `${result.agentsAdded} new synthetic agents`,
        );
      }
      if (conversions !== undefined) {
        progress.step(`Generating ${conversions} conversions`);
        const result = await seedLeadsScale(app.platform.system, {
          conversions,
          tenant: options.tenant,
          onProgress: (done, total) => progress.count('Lead scale data', done, total),
        }).catch(asCliError(LeadScaleSeedError));
        progress.done(
          `Lead scale data ready: ${result.leads} leads, ${result.conversions} conversions, ` +
            `${result.ledgerEntries} ledger entries, ${result.agentsAdded} new synthetic agents`,
        );
      }
      if (successCustomers !== undefined) {
        progress.step(`Generating ${successCustomers} success customers`);
        const result = await seedSuccessScale(app.platform.system, {
          customers: successCustomers,
          tenant: options.tenant,
          onProgress: (done, total) => progress.count('Success scale data', done, total),
        }).catch(asCliError(SuccessScaleSeedError));
        progress.done(
          `Success scale data ready: ${result.customers} customers, ${result.deployments} deployments, ` +
            `${result.interactions} interactions, ${result.responses} CSAT/NPS responses, ` +
            `${result.agentsAdded} new synthetic agents`,
        );
      }
      if (planningRows !== undefined) {
        progress.step(`Generating ${planningRows} sales-history rows`);
        const result = await seedPlanningScale(app.platform.system, {
          rows: planningRows,
          tenant: options.tenant,
        }).catch(asCliError(PlanningScaleSeedError));
        progress.done(
          `Planning scale data ready: ${result.salesRows} sales-history rows in ${result.series} series, ` +
            `${result.forecasts} approved forecasts with ${result.forecastLines} lines (cycle ${result.cycleId}), ` +
            `${result.agentsAdded} new synthetic agents`,
        );
      }
      if (commercePositions !== undefined) {
        progress.step(`Generating ${commercePositions} document positions`);
        const result = await seedCommerceScale(app.platform.system, {
          positions: commercePositions,
          tenant: options.tenant,
          onProgress: (done, total) => progress.count('Commerce scale data', done, total),
        }).catch(asCliError(CommerceScaleSeedError));
        progress.done(
          `Commerce scale data ready: ${result.positions} positions in ${result.documents} documents, ` +
            `${result.products} products, ${result.customers} customers, ${result.stockLevels} stock levels, ` +
            `${result.agentsAdded} new synthetic agents`,
        );
      }
    } finally {
      await app.close();
    }
  } finally {
    await db.close();
  }
}

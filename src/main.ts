import 'dotenv/config';
import { parseArgs } from 'node:util';
import { ConfigError, describeSettings, loadConfig } from './config.js';
import { CliError } from './cli/open.js';

const USAGE = `Usage: salesops <command> [options]

Commands:
  serve                 Run the API (default): migrates, seeds demo data, starts workers
  worker                Run job workers only (scale out beside API instances)
  migrate               Apply pending database migrations
  seed [--scale N]      Load demo data (idempotent); --scale N also adds N synthetic visits with
                        ~N/5 photos to the demo tenant (or --tenant SLUG) for benchmarks;
       [--conversions N] N synthetic sales (1.5 N leads, their ledger entries) likewise
       [--success-customers N] N synthetic customers with deployments, 10 interactions each and
                        CSAT/NPS responses likewise
       [--planning-rows N] N sales-history rows (36-month series), a matrix and a closed
                        cycle with up to 10,000 approved 12-month forecasts likewise
       [--commerce-positions N] a commerce catalog, stock levels and a year of documents with
                        N positions in total likewise
       [--run-jobs]     also run the jobs the demo data queues (its reports) before exiting
  openapi [--out F]     Print or write the OpenAPI document; --check F fails when F differs
  config                List every setting with its default
  create-superadmin     Create a super administrator: --email E --password P [--name N]
                        (prompts for missing values on a terminal)
  import <entity> <file>
                        Import customers, outlets or products from CSV/XLSX with a progress bar:
                        --tenant SLUG [--user EMAIL] [--mode insert|upsert-by-code] [--dry-run]
                        [--all-or-nothing]
  create-tenant         Create a tenant and its admin: --name N [--slug S] --admin-email E
                        --admin-password P [--admin-name N] (prompts on a terminal)
  fake-moysklad         Run a fake MoySklad account for demos and local sync: [--port N]
                        [--host H] [--products N] [--documents N] [--seed S] [--login L]
                        [--password P]
`;

async function main(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      check: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      email: { type: 'string' },
      password: { type: 'string' },
      name: { type: 'string' },
      slug: { type: 'string' },
      'admin-email': { type: 'string' },
      'admin-password': { type: 'string' },
      'admin-name': { type: 'string' },
      tenant: { type: 'string' },
      user: { type: 'string' },
      mode: { type: 'string' },
      'dry-run': { type: 'boolean' },
      'run-jobs': { type: 'boolean' },
      'all-or-nothing': { type: 'boolean' },
      scale: { type: 'string' },
      conversions: { type: 'string' },
      'success-customers': { type: 'string' },
      'planning-rows': { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      products: { type: 'string' },
      documents: { type: 'string' },
      seed: { type: 'string' },
      login: { type: 'string' },
      'commerce-positions': { type: 'string' },
    },
  });
  const command = positionals[0] ?? 'serve';
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  if (command === 'config') {
    for (const s of describeSettings())
      process.stdout.write(`${s.env.padEnd(24)} ${s.default.padEnd(12)} ${s.description}\n`);
    return;
  }
  if (command === 'fake-moysklad') {
    // Needs no configuration or database: it stands in for an external system.
    return (await import('./cli/fake-moysklad.js')).fakeMoyskladCommand(values);
  }
  const config = loadConfig();
  switch (command) {
    case 'serve':
      return (await import('./cli/serve.js')).serve(config);
    case 'worker':
      return (await import('./cli/worker.js')).worker(config);
    case 'migrate':
      return (await import('./cli/migrate.js')).migrateCommand(config);
    case 'seed':
      return (await import('./cli/seed.js')).seedCommand(config, {
        scale: values.scale,
        conversions: values.conversions,
        successCustomers: values['success-customers'],
        planningRows: values['planning-rows'],
        commercePositions: values['commerce-positions'],
        runJobs: values['run-jobs'],
        tenant: values.tenant,
      });
    case 'openapi':
      return (await import('./cli/openapi.js')).openapiCommand(config, {
        out: values.out,
        check: values.check,
      });
    case 'import':
      return (await import('./cli/import.js')).importCommand(config, {
        entity: positionals[1],
        file: positionals[2],
        tenant: values.tenant,
        user: values.user,
        mode: values.mode,
        dryRun: values['dry-run'],
        allOrNothing: values['all-or-nothing'],
      });
    case 'create-superadmin':
      return (await import('./cli/create-superadmin.js')).createSuperAdminCommand(config, values);
    case 'create-tenant':
      return (await import('./cli/create-tenant.js')).createTenantCommand(config, {
        name: values.name,
        slug: values.slug,
        adminEmail: values['admin-email'],
        adminPassword: values['admin-password'],
        adminName: values['admin-name'],
      });
    default:
      throw new CliError(`Unknown command "${command}".\n\n${USAGE}`);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof CliError) {
    process.stderr.write(`salesops: ${error.message}\n`);
  } else {
    process.stderr.write(`salesops: ${(error as Error).stack ?? String(error)}\n`);
  }
  process.exit(1);
});

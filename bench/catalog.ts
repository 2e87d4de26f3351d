/**
 * `npm run bench:catalog`: the catalog at 100,000 rows. Imports 100,000 products from CSV and from
 * XLSX (rows/s and the importing process's peak memory), then measures `GET /products?q=` and
 * `GET /outlets?near=` over 100,000 products and 100,000 outlets. PGlite, and PostgreSQL when it answers.
 * Machine baselines run in the same server: a bare route (`/health/live`) and `SELECT 1` through the
 * same pool (`/health/ready`).
 *
 * Settings: BENCH_ROWS (products, default 100,000), BENCH_DRIVERS (`pglite,postgres`),
 * BENCH_DURATION (seconds per case), BENCH_SEED=sql (skip the imports and generate the products
 * set-based in SQL — how the 1,000,000-product search figures are made:
 * `BENCH_ROWS=1000000 BENCH_SEED=sql BENCH_DRIVERS=postgres npm run bench:catalog`).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import ExcelJS from 'exceljs';
import { postgresDatabase } from './databases.js';
import { measure } from './load.js';
import { HEADER, productRow, writeCsv } from './product-file.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const DURATION_S = Number(process.env.BENCH_DURATION ?? 8);
const SEED_SQL = process.env.BENCH_SEED === 'sql';
async function writeXlsx(file: string) {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: true });
  const sheet = workbook.addWorksheet('Products');
  sheet.addRow(HEADER).commit();
  for (let i = 0; i < ROWS; i++) sheet.addRow(productRow(i)).commit();
  sheet.commit();
  await workbook.commit();
}

function child(args: string[], env: Record<string, string>, onLine?: (line: string) => boolean) {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'bench/catalog-child.ts', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const result = new Promise<string>((resolve, reject) => {
    let out = '';
    proc.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.trim().split('\n').at(-1) ?? '';
      if (onLine?.(line)) resolve(line);
    });
    proc.once('exit', (code) =>
      code === 0 ? resolve(out.trim()) : reject(new Error(`child exited ${code}`)),
    );
  });
  return { proc, result };
}

interface ImportFigure {
  driver: string;
  format: string;
  rows: number;
  seconds: number;
  peakRssMb: number;
  rssBeforeMb: number;
}
interface QueryFigure {
  driver: string;
  case: string;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
}

async function runDriver(driver: string, env: Record<string, string>, files: Record<string, string>) {
  const imports: ImportFigure[] = [];
  for (const format of SEED_SQL ? [] : ['csv', 'xlsx']) {
    process.stderr.write(`… ${driver}: importing ${ROWS} products from ${format}\n`);
    const line = await child(['import', format, files[format]!, `bench-${format}`], env).result;
    const figure = JSON.parse(line.split('\n').at(-1)!) as Omit<ImportFigure, 'driver' | 'format'> & {
      status: string;
    };
    if (figure.status !== 'completed') throw new Error(`import ${format} ${line}`);
    imports.push({ driver, format, ...figure });
  }
  process.stderr.write(`… ${driver}: queries over ${ROWS} products and 100000 outlets\n`);
  const server = child(
    ['serve', 'bench-csv'],
    SEED_SQL ? { ...env, BENCH_SEED_PRODUCTS: String(ROWS) } : env,
    (line) => line.startsWith('listening'),
  );
  const [, port, token] = (await server.result).split(' ');
  const cases: [string, string][] = [
    ['baseline: GET /health/live (bare route)', '/health/live'],
    ['baseline: GET /health/ready (SELECT 1 through the pool)', '/health/ready'],
    ['GET /products?q=juice (name match, ~1/10 of rows)', '/api/v1/products?q=juice'],
    ['GET /products?q=P0042424 (code)', '/api/v1/products?q=P0042424'],
    ['GET /products?q=4780000042424 (barcode)', '/api/v1/products?q=4780000042424'],
    ['GET /products (first page by name, no q)', '/api/v1/products'],
    ['GET /outlets?near=…&radius_m=1000', '/api/v1/outlets?near=41.31,69.28&radius_m=1000'],
    ['GET /outlets?near=…&radius_m=5000', '/api/v1/outlets?near=41.31,69.28&radius_m=5000'],
  ];
  const queries: QueryFigure[] = [];
  try {
    for (const [name, url] of cases) {
      process.stderr.write(`… ${driver}: ${name}\n`);
      const r = await measure(`http://127.0.0.1:${port}${url}`, {
        connections: 10,
        durationS: DURATION_S,
        headers: { authorization: `Bearer ${token}` },
      });
      queries.push({ driver, case: name, ...r });
    }
  } finally {
    server.proc.kill('SIGTERM');
    await once(server.proc, 'exit');
  }
  return { imports, queries };
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'salesops-bench-'));
const files = { csv: path.join(dir, 'products.csv'), xlsx: path.join(dir, 'products.xlsx') };
if (!SEED_SQL) {
  process.stderr.write(`… writing ${ROWS} products as CSV and XLSX\n`);
  await writeCsv(files.csv, ROWS);
  await writeXlsx(files.xlsx);
}
const results: Awaited<ReturnType<typeof runDriver>>[] = [];
const drivers = (process.env.BENCH_DRIVERS ?? 'pglite,postgres').split(',');
try {
  if (drivers.includes('pglite'))
    results.push(await runDriver('pglite', { BENCH_PGLITE_DIR: path.join(dir, 'pglite') }, files));
  const postgres = drivers.includes('postgres') ? await postgresDatabase('catalog') : undefined;
  if (postgres) {
    try {
      results.push(await runDriver('postgres', { BENCH_DATABASE_URL: postgres.url }, files));
    } finally {
      await postgres.drop();
    }
  }
} finally {
  const size = (file: string) => (SEED_SQL ? 0 : statSync(file).size);
  const sizes = { csv: size(files.csv), xlsx: size(files.xlsx) };
  rmSync(dir, { recursive: true, force: true });
  const mb = (n: number) => (n / 2 ** 20).toFixed(1);
  const lines = [
    `Catalog benchmark, ${new Date().toISOString()}: ${ROWS} products ${SEED_SQL ? '(generated in SQL)' : `(CSV ${mb(sizes.csv)} MiB, XLSX ${mb(sizes.xlsx)} MiB)`}, 100000 outlets; queries with 10 connections, ${DURATION_S} s each`,
    '',
    '| driver | import | rows | seconds | rows/s | process RSS before MiB | peak RSS MiB |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
    ...results.flatMap((r) =>
      r.imports.map(
        (i) =>
          `| ${i.driver} | ${i.format} | ${i.rows} | ${i.seconds.toFixed(1)} | ${Math.round(i.rows / i.seconds)} | ${i.rssBeforeMb.toFixed(0)} | ${i.peakRssMb.toFixed(0)} |`,
      ),
    ),
    '',
    '| driver | query | req/s | p50 ms | p95 ms | p99 ms | errors |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
    ...results.flatMap((r) =>
      r.queries.map(
        (q) => `| ${q.driver} | ${q.case} | ${q.rps} | ${q.p50} | ${q.p95} | ${q.p99} | ${q.errors} |`,
      ),
    ),
  ];
  const report = lines.join('\n');
  process.stdout.write(`${report}\n`);
  mkdirSync('bench/results', { recursive: true });
  writeFileSync(process.env.BENCH_OUT ?? 'bench/results/catalog.md', `${report}\n`);
}

import type { Progress } from './cli/progress.js';
import type { DemoLogin, Platform, SalesOpsModule } from './platform/module.js';

/**
 * Runs every module's demo seeder in module order. Seeders are idempotent (they skip data that is
 * already there), so `npm start` can seed on every start.
 */
export async function seedDemo(
  platform: Platform,
  modules: SalesOpsModule[],
  progress: Progress,
): Promise<DemoLogin[]> {
  const logins: DemoLogin[] = [];
  const seeders = modules.filter((m) => m.seedDemo);
  // Each module's share of the time, so a slow first start names the seeder to look at.
  const took: string[] = [];
  for (const [index, module] of seeders.entries()) {
    progress.count('Demo data', index, seeders.length);
    const started = performance.now();
    logins.push(...(await module.seedDemo!(platform)));
    took.push(`${module.name} ${((performance.now() - started) / 1000).toFixed(1)}s`);
  }
  progress.count('Demo data', seeders.length, seeders.length);
  progress.done(seeders.length ? `Demo data ready (${took.join(', ')})` : 'No module has demo data');
  return logins;
}

export function formatLogins(logins: DemoLogin[]): string {
  if (!logins.length) return '  (none yet)\n';
  const width = Math.max(...logins.map((l) => l.login.length));
  return logins.map((l) => `  ${l.login.padEnd(width)}  ${l.password}  ${l.role} @ ${l.tenant}\n`).join('');
}

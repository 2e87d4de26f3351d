/**
 * Fails when the Drizzle tables (or their declared access) and the committed migrations disagree:
 * regenerates into a copy of migrations/ and compares. Run `npm run db:generate` to fix.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';

function listFiles(dir: string, base = dir): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? listFiles(full, base) : [path.relative(base, full)];
  });
}

const committed = path.resolve('migrations');
// drizzle-kit only accepts an output folder relative to the project.
const scratch = path.relative(process.cwd(), mkdtempSync(path.resolve('.db-check-')));
try {
  cpSync(committed, scratch, { recursive: true });
  let output = execFileSync('npx', ['drizzle-kit', 'generate'], {
    env: { ...process.env, MIGRATIONS_OUT: scratch },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Table names such as import_errors appear in the listing, so only an error line counts.
  if (/^\s*(error|\[✗\])/im.test(output)) throw new Error(`drizzle-kit failed:\n${output}`);
  // Table access declared next to the tables must be in a migration too (scripts/db-access.ts).
  output += execFileSync('npx', ['tsx', 'scripts/db-access.ts'], {
    env: { ...process.env, MIGRATIONS_OUT: scratch },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const before = new Set(listFiles(committed));
  const changed = listFiles(scratch).filter(
    (file) =>
      !before.has(file) ||
      !readFileSync(path.join(scratch, file)).equals(readFileSync(path.join(committed, file))),
  );
  if (changed.length) {
    console.error(output);
    console.error(
      `Migrations are out of date with the tables (${changed.join(', ')}). Run: npm run db:generate`,
    );
    process.exit(1);
  }
  console.log('Migrations match the tables.');
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

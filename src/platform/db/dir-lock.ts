import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';

export class DirectoryLockedError extends Error {
  constructor(
    readonly lockFile: string,
    readonly holderPid: number,
  ) {
    super(
      `The embedded database is in use by another SalesOps process (pid ${holderPid}). ` +
        `Stop that process, or point DATA_DIR elsewhere. Lock file: ${lockFile}`,
    );
    this.name = 'DirectoryLockedError';
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return false; // our own pid from an earlier life (container restarts reuse pids)
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * An exclusive lock on a directory, held for the life of the process. PGlite has none of its own and
 * two processes writing one data directory corrupt it. A lock left by a killed process (its pid no
 * longer runs) is taken over; the stale file is renamed away first so two starters cannot both win.
 */
export function lockDirectory(dir: string, lockFile: string): () => void {
  mkdirSync(dir, { recursive: true });
  const content = JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() });
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(lockFile, content, { flag: 'wx', mode: 0o600 });
      return () => rmSync(lockFile, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    let holder = 0;
    try {
      holder = Number((JSON.parse(readFileSync(lockFile, 'utf8')) as { pid?: number }).pid);
    } catch {
      // unreadable or half-written: treat as stale
    }
    if (isAlive(holder)) throw new DirectoryLockedError(lockFile, holder);
    try {
      renameSync(lockFile, `${lockFile}.stale-${process.pid}`);
      rmSync(`${lockFile}.stale-${process.pid}`, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  throw new Error(`Could not take the lock ${lockFile}`);
}

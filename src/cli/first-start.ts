import { spawn } from 'node:child_process';
import { once } from 'node:events';
import type { Config } from '../config.js';
import { databaseOptionsFrom, isNewDataDir } from '../platform/db/index.js';
import { CliError } from './open.js';

/**
 * Whether `serve` loads the demo data in a child process: on the first start of an embedded
 * database, the one start that seeds thousands of rows. Seeding in the server's own process leaves
 * its memory with the server for good (V8's grown heap, the database's touched buffers, compiled
 * WebAssembly), and so does rendering the demo reports it queues. A child exits and takes all of
 * that with it; the server then opens a ready database.
 */
export function seedsInChildProcess(config: Config): boolean {
  const options = databaseOptionsFrom(config);
  return config.demoData && options.driver === 'pglite' && !!options.dataDir && isNewDataDir(options.dataDir);
}

/**
 * Runs `salesops seed --run-jobs` (the same entry point, runtime flags and environment as this
 * process) and waits for it: the demo data, and the demo reports it queues, rendered there too. Its progress lines go to this process's stderr; its output (the logins) is left out,
 * since the server prints them in its banner.
 */
export async function seedInChildProcess(): Promise<void> {
  // A debugger flag would make the child fight this process for the inspector's port.
  const flags = process.execArgv.filter((flag) => !flag.startsWith('--inspect'));
  const child = spawn(process.execPath, [...flags, process.argv[1]!, 'seed', '--run-jobs'], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: process.env,
  });
  // Stopping the server while it seeds stops the seeding too, so no orphan keeps the directory.
  let stoppedBy: NodeJS.Signals | undefined;
  const forward = (signal: NodeJS.Signals) => {
    stoppedBy = signal;
    child.kill(signal);
  };
  process.on('SIGTERM', forward).on('SIGINT', forward);
  try {
    const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
    if (stoppedBy)
      throw new CliError(
        `Stopped (${stoppedBy}) while the demo data was loading; the next start completes it.`,
      );
    if (code !== 0)
      throw new CliError(`Loading the demo data failed: the seeding process exited with ${signal ?? code}.`);
  } finally {
    process.off('SIGTERM', forward).off('SIGINT', forward);
  }
}

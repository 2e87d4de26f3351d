import { DEAD_LETTER_SUFFIX, type JobQueue } from '../platform/jobs/index.js';
import type { Progress } from './progress.js';

/** How long `seed --run-jobs` waits for the queued jobs; what is left then runs in the server. */
const MAX_WAIT_MS = 120_000;
const POLL_MS = 200;
const WAITING = new Set(['created', 'retry', 'active']);

/** Waits until no job is waiting, retrying or running (dead letters aside), or until the time limit. */
export async function queuedJobsDone(jobs: JobQueue, progress: Progress): Promise<void> {
  progress.step('Running the jobs the demo data queued');
  const deadline = Date.now() + MAX_WAIT_MS;
  let left = Infinity;
  while (left > 0 && Date.now() < deadline) {
    left = (await jobs.depths())
      .filter((d) => !d.queue.endsWith(DEAD_LETTER_SUFFIX) && WAITING.has(d.state))
      .reduce((sum, d) => sum + d.count, 0);
    if (left > 0) await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  progress.done(left > 0 ? `${left} queued jobs left to the server's workers` : 'Queued jobs done');
}

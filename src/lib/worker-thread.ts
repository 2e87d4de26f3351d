import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts a worker thread running the module `name` that sits beside the caller (`importMetaUrl` is
 * the caller's `import.meta.url`): the compiled `.js` when the caller runs compiled, else the
 * TypeScript source through tsx's loader (bin/ts-worker.mjs), as `npm start` and the tests run it.
 */
export function startWorker(importMetaUrl: string, name: string, options: WorkerOptions = {}): Worker {
  if (importMetaUrl.endsWith('.ts')) {
    const entry = new URL(`./${name}.ts`, importMetaUrl).href;
    return new Worker(new URL('../../bin/ts-worker.mjs', import.meta.url), { ...options, argv: [entry] });
  }
  return new Worker(new URL(`./${name}.js`, importMetaUrl), options);
}

// Starts a worker thread from TypeScript sources (no build): tsx's loader, then the module named in
// the worker's argv. Compiled code (dist/) starts its workers directly.
import { register } from 'tsx/esm/api';

register();
await import(process.argv.at(-1));

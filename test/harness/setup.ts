import { afterAll } from 'vitest';
import { closeLeftoverDatabases } from './leftovers.js';

// Registered before the test file's own hooks, so it runs after them: whatever a file's tests did
// (failed half-way, forgot a close), the databases it created are dropped when it ends.
afterAll(closeLeftoverDatabases);

/**
 * The databases a test file created and has not closed yet. Kept apart from database.ts so the
 * per-file setup (`setup.ts`) loads no driver.
 */
export interface Closable {
  close(): Promise<void>;
}

const unclosed = new Set<Closable>();

/** Wraps `close` so it runs once however often it is called, and remembers the database until then. */
export function tracked<T extends Closable>(database: T): T {
  let closing: Promise<void> | undefined;
  const close = database.close;
  const entry: T = {
    ...database,
    close: () => {
      unclosed.delete(entry);
      return (closing ??= close());
    },
  };
  unclosed.add(entry);
  return entry;
}

/**
 * Closes (on PostgreSQL: drops) every database the test file left open, whatever happened to its
 * tests; `setup.ts` runs it after the file's own `afterAll` hooks.
 */
export async function closeLeftoverDatabases(): Promise<void> {
  for (const database of [...unclosed]) await database.close();
}

import { defineConfig } from 'drizzle-kit';

// Every module's tables live in `*.tables.ts`; the glob is the registry drizzle-kit reads.
export default defineConfig({
  dialect: 'postgresql',
  schema: ['./src/platform/db/tenant-table.ts', './src/**/*.tables.ts'],
  out: process.env.MIGRATIONS_OUT ?? './migrations',
  casing: 'snake_case',
});

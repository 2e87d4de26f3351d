import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import boundaries from './scripts/eslint-module-boundaries.js';

export default tseslint.config(
  {
    ignores: [
      'node_modules',
      'dist',
      'data',
      'coverage',
      'migrations',
      'scratch',
      'openapi',
      'scripts/openapi-client/generated',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@sinclair/typebox'], message: 'Use the typebox 1.x package.' }] },
      ],
    },
  },
  {
    // DESIGN §2: modules and the CLI reach another module only through its index.ts (table
    // definitions may import its tables.ts for foreign keys), platform/ imports no module, and a
    // module's index.ts exports no tables. Tests and benchmarks may reach inside.
    files: ['src/**/*.ts'],
    plugins: { salesops: boundaries },
    rules: { 'salesops/module-boundaries': 'error' },
  },
);

/**
 * `npm run openapi:client-check`: generates TypeScript types from the committed openapi/openapi.json
 * with openapi-typescript, as an API client would, into scripts/openapi-client/generated/ (ignored by
 * git), then type-checks scripts/openapi-client/example.ts, a small program using them through
 * openapi-fetch. It fails when the document stops describing what the example does: a paging
 * parameter that turns required, an upload whose multipart body disappears.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const clientDir = path.join(root, 'scripts/openapi-client');
const out = path.join(clientDir, 'generated/api.d.ts');

// A file part (`format: binary`) is a Blob to a client, not a string.
const BLOB = ts.factory.createTypeReferenceNode(ts.factory.createIdentifier('Blob'));

const ast = await openapiTS(new URL(`file://${path.join(root, 'openapi/openapi.json')}`), {
  transform: (schema) => (schema.format === 'binary' ? BLOB : undefined),
});
await mkdir(path.dirname(out), { recursive: true });
await writeFile(out, astToString(ast));
process.stdout.write(`Generated ${path.relative(root, out)} from openapi/openapi.json\n`);

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const checked = spawnSync(process.execPath, [tsc, '-p', path.join(clientDir, 'tsconfig.json')], {
  stdio: 'inherit',
});
if (checked.status !== 0) {
  process.stderr.write(
    'scripts/openapi-client/example.ts does not type-check against the client generated from ' +
      'openapi/openapi.json (errors above): the document no longer describes those calls.\n',
  );
  process.exit(checked.status ?? 1);
}
process.stdout.write('scripts/openapi-client/example.ts type-checks against the generated client\n');

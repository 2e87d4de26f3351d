// The module boundaries of DESIGN §2 as one ESLint rule. Import paths are resolved against the
// importing file, so the rule judges where an import lands, not how its relative path is spelled.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src');
const MODULES = path.join(SRC, 'modules');

/** Where a file sits: `platform`, a module (`module` + its name), or elsewhere under src (`src`). */
function locate(file) {
  const fromSrc = path.relative(SRC, file);
  if (fromSrc.startsWith('..') || path.isAbsolute(fromSrc)) return { area: 'outside' };
  const parts = fromSrc.split(path.sep);
  if (parts[0] === 'platform') return { area: 'platform' };
  if (parts[0] === 'modules' && parts.length > 2) {
    return { area: 'module', module: parts[1], inModule: parts.slice(2).join('/') };
  }
  return { area: 'src' };
}

/** The module an import lands in, and the file inside it (`index.js`, `tables.js`, `auth/repository.js`). */
function target(importer, source) {
  if (!source.startsWith('.')) return null;
  const resolved = path.resolve(path.dirname(importer), source);
  const fromModules = path.relative(MODULES, resolved);
  if (fromModules.startsWith('..') || path.isAbsolute(fromModules)) return null;
  const parts = fromModules.split(path.sep);
  if (parts.length === 1) return { registry: true, module: null, file: parts[0] };
  return { registry: false, module: parts[0], file: parts.slice(1).join('/') };
}

const isTablesFile = (file) => /(^|\/)[^/]*\.tables\.[jt]s$/.test(file) || /^tables\.[jt]s$/.test(file);

const messages = {
  platform:
    'platform/ never imports a module ({{source}}); modules plug into the platform through SalesOpsModule.',
  internal:
    'Import the {{module}} module only through its index.ts (not {{source}}); add what you need to its public face.',
  tables:
    "{{module}}'s tables.ts is for foreign keys: only *.tables.ts files may import it. Ask {{module}}'s index.ts for a service function instead.",
  registry: 'A module does not import the module registry ({{source}}).',
  exportedTables:
    "A module's index.ts does not export tables ({{source}}): other modules call its functions; foreign-key targets go in tables.ts.",
};

export const moduleBoundaries = {
  meta: {
    type: 'problem',
    docs: { description: 'Module boundaries: public index.ts, no module in platform/, no exported tables' },
    schema: [],
    messages,
  },
  create(context) {
    const file = context.filename;
    const from = locate(file);
    if (from.area === 'outside') return {};

    function check(node, sourceNode, typeOnly) {
      if (!sourceNode || typeof sourceNode.value !== 'string') return;
      const source = sourceNode.value;
      const to = target(file, source);
      const report = (messageId, module) => context.report({ node, messageId, data: { source, module } });

      // (d) index.ts is a module's public face: never a door to its tables.
      if (from.area === 'module' && from.inModule === 'index.ts' && !typeOnly && to?.module === from.module) {
        if (isTablesFile(to.file)) return report('exportedTables', from.module);
      }
      if (!to) return;
      // (c) the platform stands below every module.
      if (from.area === 'platform') return report('platform');
      if (from.area === 'module') {
        if (to.registry) return report('registry');
        if (to.module === from.module) return;
        // (a) another module: its index.ts, or its tables.ts from a table definition (foreign keys).
        if (to.file === 'index.js') return;
        if (to.file === 'tables.js') {
          if (/\.tables\.ts$/.test(file)) return;
          return report('tables', to.module);
        }
        return report('internal', to.module);
      }
      // (b) the CLI, app.ts and the rest of src/: the registry or a module's index.ts only.
      if (to.registry || to.file === 'index.js') return;
      return report('internal', to.module);
    }

    return {
      ImportDeclaration: (node) => check(node, node.source, node.importKind === 'type'),
      ExportNamedDeclaration: (node) => check(node, node.source, node.exportKind === 'type'),
      ExportAllDeclaration: (node) => check(node, node.source, node.exportKind === 'type'),
      ImportExpression: (node) => check(node, node.source, false),
    };
  },
};

export default { rules: { 'module-boundaries': moduleBoundaries } };

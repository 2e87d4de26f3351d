import { HOSTILE_STRINGS, INVALID_UTF8 } from './hostile.js';
import type { Rng } from './random.js';
import type { Operation } from './spec.js';
import { validValue } from './values.js';
import { kindOfName, type World } from './world.js';

type Part = { name: string; value: Buffer; filename?: string; type?: string };

/** Values a multipart text field takes that its schema cannot say (imports name an entity). */
const FIELD_HINTS: Record<string, string[]> = { entity: ['customers', 'outlets', 'products', 'visits', ''] };

function fileFor(op: Operation, rng: Rng, world: World, entity: string | undefined): Part {
  const imports = op.path.endsWith('/imports');
  const template = world.csvTemplates.get(entity ?? '') ?? world.files.csv;
  const bytes = rng.weighted<() => Buffer>([
    [
      imports ? 6 : 1,
      () => Buffer.concat([template, Buffer.from(`\nFZ-${rng.hex(6)},Fuzz ${rng.pick(HOSTILE_STRINGS)}\n`)]),
    ],
    [imports ? 1 : 4, () => world.files.png],
    [imports ? 0 : 3, () => world.files.jpeg],
    [1, () => world.files.pdf],
    [1, () => world.files.bomb],
    [1, () => world.files.csv],
    [1, () => Buffer.alloc(0)],
    [1, () => Buffer.from(Array.from({ length: rng.int(1, 4096) }, () => rng.int(0, 255)))],
    [1, () => world.files.png.subarray(0, rng.int(8, 40))],
  ])();
  const filename = rng.pick([
    'upload.bin',
    'photo.png',
    'data.csv',
    '',
    '../../x.png',
    'a\u0000b.csv',
    'é.xlsx',
  ]);
  return {
    name: 'file',
    value: bytes,
    filename,
    type: rng.pick(['application/octet-stream', 'image/png', 'text/csv', '']),
  };
}

function encode(parts: Part[], boundary: string, close: boolean): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const file = part.filename !== undefined ? `; filename="${part.filename}"` : '';
    const type = part.type ? `\r\nContent-Type: ${part.type}` : '';
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"${file}${type}\r\n\r\n`,
      ),
      part.value,
      Buffer.from('\r\n'),
    );
  }
  if (close) chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

/**
 * A multipart upload for a route that declares one: its fields (valid, hostile or missing), a file
 * of a kind the route wants or not, and now and then a broken envelope (no boundary, no closing
 * boundary, the file before the fields, two files).
 */
export function multipartBody(op: Operation, rng: Rng, world: World): { body: Buffer; contentType: string } {
  const schema = op.multipart!;
  const required = new Set(schema.required ?? []);
  const parts: Part[] = [];
  const ids = (name: string, r: Rng) => world.idFor(kindOfName(name), r);
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    if (name === 'file' || (!required.has(name) && rng.chance(0.5))) continue;
    const hint = FIELD_HINTS[name];
    const valid = hint ? rng.pick(hint) : String(validValue(property, name, rng, ids));
    const value = rng.weighted<() => Buffer>([
      [7, () => Buffer.from(valid)],
      [2, () => Buffer.from(rng.pick(HOSTILE_STRINGS))],
      [1, () => Buffer.concat([Buffer.from(valid), rng.pick(INVALID_UTF8)])],
    ])();
    if (!rng.chance(0.05)) parts.push({ name, value });
  }
  const entity = parts.find((p) => p.name === 'entity')?.value.toString();
  const file = fileFor(op, rng, world, entity);
  if (!rng.chance(0.05)) parts.push(file);
  if (rng.chance(0.05)) parts.unshift(file);
  if (rng.chance(0.05)) parts.push({ name: rng.pick(['extra', 'tenant_id', '']), value: Buffer.from('x') });
  const boundary = `fuzz${rng.hex(12)}`;
  const broken = rng.chance(0.08);
  return {
    body: encode(parts, boundary, !(broken && rng.chance(0.5))),
    contentType:
      broken && rng.chance(0.5) ? 'multipart/form-data' : `multipart/form-data; boundary=${boundary}`,
  };
}

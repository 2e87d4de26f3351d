/** The products file the catalog and import benchmarks load. */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

const WORDS = ['Juice', 'Water', 'Tea', 'Coffee', 'Milk', 'Yogurt', 'Bread', 'Rice', 'Oil', 'Sugar'];
const SIZES = ['0.33 l', '0.5 l', '1 l', '1.5 l', '250 g', '500 g', '1 kg'];
export const HEADER = [
  'code',
  'name',
  'article',
  'folder_code',
  'brand_code',
  'barcodes',
  'vat_rate',
  'price:Retail',
];

export function productRow(i: number): string[] {
  const name = `${WORDS[i % WORDS.length]} ${WORDS[(i * 7) % WORDS.length]!.toLowerCase()} ${SIZES[i % SIZES.length]} #${i}`;
  const barcode = String(4_780_000_000_000 + i);
  return [
    `P${String(i).padStart(7, '0')}`,
    name,
    `A-${i}`,
    `F${i % 20}`,
    `B${i % 10}`,
    barcode,
    '12',
    (1000 + (i % 9000) + 0.5).toFixed(2),
  ];
}

/** A CSV of `rows` products (unique codes and barcodes; folders F0–F19, brands B0–B9, a Retail price). */
export async function writeCsv(file: string, rows: number) {
  const out = createWriteStream(file);
  out.write(`${HEADER.join(',')}\n`);
  for (let i = 0; i < rows; i++) {
    if (!out.write(`${productRow(i).join(',')}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

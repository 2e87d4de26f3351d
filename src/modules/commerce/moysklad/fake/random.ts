/**
 * Deterministic randomness for the fake server: every row draws from its own generator seeded by
 * (seed, type, index), so a row can be built on demand, in any order, and always comes out the same.
 */

/** FNV-1a over a string: a 32-bit seed from a key. */
export function hash32(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));
const hex8 = (n: number) =>
  HEX[n >>> 24]! + HEX[(n >>> 16) & 0xff]! + HEX[(n >>> 8) & 0xff]! + HEX[n & 0xff]!;

/**
 * mulberry32, a small fast generator, with the helpers the data builders use. A class (not a bag
 * of closures) because the fake builds one per row it serves.
 */
export class Rng {
  private a: number;

  constructor(seed: number) {
    this.a = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    return this.u32() / 4294967296;
  }

  u32(): number {
    this.a = (this.a + 0x6d2b79f5) >>> 0;
    let t = this.a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  /** Shaped like MoySklad's time-based ids: version 1, variant bits set. */
  uuid(): string {
    const h = hex8(this.u32()) + hex8(this.u32()) + hex8(this.u32()) + hex8(this.u32());
    const variant = (8 + (h.charCodeAt(16) & 3)).toString(16);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-11${h.slice(14, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }

  digits(n: number): string {
    let out = '';
    for (let i = 0; i < n; i++) out += Math.floor(this.next() * 10);
    return out;
  }
}

/** The generator of one row, seeded by (seed, …key). */
export function rowRng(seed: string | number, ...key: (string | number)[]): Rng {
  let text = String(seed);
  for (const part of key) text += `|${part}`;
  return new Rng(hash32(text));
}

/** A generator of a whole table's ids and stamps, drawn in row order. */
export const tableRng = (seed: string | number, type: string) => rowRng(seed, 'table', type);

/** An EAN-13 with a valid check digit from 12 digits. */
export function ean13(twelve: string): string {
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(twelve[i]) * (i % 2 === 0 ? 1 : 3);
  return twelve + ((10 - (sum % 10)) % 10);
}

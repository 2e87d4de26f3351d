import type { Readable } from 'node:stream';
import exifr from 'exifr';
import { lazy } from '../../../lib/lazy.js';
import {
  assertImagePixels,
  FileTooLargeError,
  imageSize,
  sniffStream,
  type ImageSize,
} from '../../../platform/storage/index.js';

/** Accepted photo formats, by their bytes, and the extension of the stored file. */
export const PHOTO_TYPES: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/heic': 'heic',
  'image/heif': 'heif',
};

const THUMBNAIL_EDGE = 320;

/** The image library (libvips, ~30 MB), loaded by the first photo rather than at start. */
export const loadSharp = lazy(() => import('sharp').then((m) => m.default));

export interface ImageUpload {
  bytes: Buffer;
  contentType: string;
}

/**
 * Sniffs the type from the first bytes (415 for anything but a photo format) and reads the file
 * into memory up to `limitBytes` (413 beyond). Thumbnails and EXIF need the whole image anyway,
 * and the limit bounds what is held. An image whose header declares more than `maxPixels` pixels
 * is refused (413 IMAGE_TOO_LARGE) before anything decodes it.
 */
export async function readImageUpload(
  source: Readable,
  limitBytes: number,
  maxPixels: number,
): Promise<ImageUpload> {
  const { contentType, stream } = await sniffStream(source, { allowed: Object.keys(PHOTO_TYPES) });
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buffer.length;
    if (size > limitBytes) {
      stream.destroy();
      throw new FileTooLargeError(limitBytes);
    }
    chunks.push(buffer);
  }
  const bytes = Buffer.concat(chunks);
  const declared = imageSize(bytes) ?? (await declaredSize(bytes));
  if (declared) assertImagePixels(declared, maxPixels);
  return { bytes, contentType };
}

/**
 * The size in the header of formats `imageSize` does not parse (HEIC), as sharp reads it without
 * decoding; null when sharp cannot read the header either (the photo is then kept without facts).
 */
async function declaredSize(bytes: Buffer): Promise<ImageSize | null> {
  try {
    const sharp = await loadSharp();
    const meta = await sharp(bytes, { limitInputPixels: false }).metadata();
    return meta.width && meta.height ? { width: meta.width, height: meta.height } : null;
  } catch {
    return null;
  }
}

export interface ImageFacts {
  width: number | null;
  height: number | null;
  /** A JPEG at most 320 px on its longer edge; null when the format cannot be decoded (HEIC). */
  thumbnail: Buffer | null;
  takenAt: Date | null;
  latitude: number | null;
  longitude: number | null;
}

const finite = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? value : null;

/**
 * Dimensions (as displayed, EXIF orientation applied), a thumbnail, and time and GPS from EXIF.
 * Every part is best effort: a photo is never refused because one of them cannot be read. Uploads
 * were checked against the pixel limit already; `maxPixels` (sharp's own limit when unset) keeps
 * the decoder from allocating more even for bytes that come from elsewhere.
 */
export async function inspectImage(bytes: Buffer, maxPixels?: number): Promise<ImageFacts> {
  const limitInputPixels = maxPixels ?? true;
  const facts: ImageFacts = {
    width: null,
    height: null,
    thumbnail: null,
    takenAt: null,
    latitude: null,
    longitude: null,
  };
  try {
    const sharp = await loadSharp();
    const meta = await sharp(bytes, { limitInputPixels }).metadata();
    const swap = (meta.orientation ?? 1) >= 5;
    facts.width = (swap ? meta.height : meta.width) ?? null;
    facts.height = (swap ? meta.width : meta.height) ?? null;
    facts.thumbnail = await sharp(bytes, { limitInputPixels })
      .rotate()
      .resize({ width: THUMBNAIL_EDGE, height: THUMBNAIL_EDGE, fit: 'inside', withoutEnlargement: true })
      .jpeg({ quality: 80 })
      .toBuffer();
  } catch {
    // This build of sharp cannot decode HEIC; the photo is kept without thumbnail or dimensions.
  }
  try {
    const exif = (await exifr.parse(bytes, { gps: true })) as
      | { DateTimeOriginal?: unknown; CreateDate?: unknown; latitude?: unknown; longitude?: unknown }
      | undefined;
    const taken = exif?.DateTimeOriginal ?? exif?.CreateDate;
    if (taken instanceof Date && !Number.isNaN(taken.getTime())) facts.takenAt = taken;
    const lat = finite(exif?.latitude);
    const lng = finite(exif?.longitude);
    if (lat !== null && lng !== null && Math.abs(lat) <= 90 && Math.abs(lng) <= 180) {
      facts.latitude = lat;
      facts.longitude = lng;
    }
  } catch {
    // No or unreadable EXIF: the facts stay unknown.
  }
  return facts;
}

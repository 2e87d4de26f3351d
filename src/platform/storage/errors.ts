import { AppError } from '../http/errors.js';

/**
 * Storage errors are AppErrors so a route can let them propagate: the one error handler turns them
 * into problem documents with a stable `code`, and callers can still `instanceof` them.
 */

export class FileNotFoundError extends AppError {
  constructor(readonly key: string) {
    // The key stays on the error for logs but out of the response: it is an internal storage path.
    super(404, 'FILE_NOT_FOUND', 'The file was not found.');
    this.name = 'FileNotFoundError';
  }
}

export class FileTooLargeError extends AppError {
  constructor(readonly limitBytes: number) {
    super(413, 'FILE_TOO_LARGE', `The file is larger than the limit of ${limitBytes} bytes.`, {
      extensions: { limitBytes },
    });
    this.name = 'FileTooLargeError';
  }
}

/**
 * An image whose header declares more pixels than the limit. Refused before anything decodes it:
 * decoding allocates every pixel, however small the compressed file is.
 */
export class ImageTooLargeError extends AppError {
  constructor(
    readonly size: { width: number; height: number },
    readonly limitPixels: number,
  ) {
    super(
      413,
      'IMAGE_TOO_LARGE',
      `The image is ${size.width}×${size.height} pixels; at most ${limitPixels} pixels are accepted.`,
      { extensions: { width: size.width, height: size.height, limitPixels } },
    );
    this.name = 'ImageTooLargeError';
  }
}

/** An image whose dimensions cannot be read from its header (a broken or truncated file). */
export class UnreadableImageError extends AppError {
  constructor() {
    super(422, 'IMAGE_UNREADABLE', 'The image’s dimensions could not be read from its header.');
    this.name = 'UnreadableImageError';
  }
}

export class UnsupportedFileTypeError extends AppError {
  constructor(
    readonly detectedType: string,
    readonly allowedTypes: readonly string[],
  ) {
    super(415, 'UNSUPPORTED_FILE_TYPE', `Files of type ${detectedType} are not accepted here.`, {
      extensions: { detectedType, allowedTypes: [...allowedTypes] },
    });
    this.name = 'UnsupportedFileTypeError';
  }
}

export class InvalidKeyError extends AppError {
  constructor(
    readonly key: string,
    readonly reason: string,
    options: { cause?: unknown } = {},
  ) {
    // The key itself is not echoed in the detail: it may contain control characters or be huge.
    super(422, 'INVALID_FILE_KEY', `Invalid file key: ${reason}.`, options);
    this.name = 'InvalidKeyError';
  }
}

/** `exists` in terms of `size`: a missing file is the only failure that means "no". */
export async function existsBySize(size: () => Promise<number>): Promise<boolean> {
  try {
    await size();
    return true;
  } catch (error) {
    if (error instanceof FileNotFoundError) return false;
    throw error;
  }
}

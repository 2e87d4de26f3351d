/**
 * A module loaded on first use rather than at start. The heavy libraries (image decoding, PDF,
 * charts, spreadsheets, the S3 client) each cost tens of megabytes of memory and a noticeable part
 * of a start when imported eagerly, and many processes never use them.
 */
export function lazy<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => {
    loaded ??= load().catch((error: unknown) => {
      loaded = undefined; // a failed load is tried again next time
      throw error;
    });
    return loaded;
  };
}

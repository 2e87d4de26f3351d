/** A path or query value: text (sent as UTF-8) or raw bytes (which need not be UTF-8 at all). */
export type WireValue = string | Buffer;

const UNRESERVED = /[A-Za-z0-9\-._~]/;

/** Percent-encodes every byte but the unreserved ones; lone surrogates go out as their raw bytes. */
export function percentEncode(value: WireValue): string {
  const bytes = typeof value === 'string' ? utf8WithSurrogates(value) : value;
  let out = '';
  for (const byte of bytes) {
    const char = String.fromCharCode(byte);
    out +=
      byte < 0x80 && UNRESERVED.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * UTF-8, except that a lone surrogate is encoded as its 3 bytes (ED A0 80…) rather than replaced by
 * U+FFFD: that is what a careless client sends, and what the server has to refuse.
 */
function utf8WithSurrogates(text: string): Buffer {
  const parts: Buffer[] = [];
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (code >= 0xd800 && code <= 0xdfff)
      parts.push(Buffer.from([0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)]));
    else parts.push(Buffer.from(char, 'utf8'));
  }
  return Buffer.concat(parts);
}

export function queryString(pairs: [string, WireValue][]): string {
  return pairs.length ? `?${pairs.map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`).join('&')}` : '';
}

/** Parsers of environment values: each returns the typed value or throws a message naming the problem. */
export type Parser<T> = (raw: string) => T;

export const str: Parser<string> = (raw) => raw;
export const int =
  (min: number, max: number): Parser<number> =>
  (raw) => {
    if (!/^-?\d+$/.test(raw.trim())) throw new Error(`must be a whole number`);
    const value = Number(raw);
    if (value < min || value > max) throw new Error(`must be between ${min} and ${max}`);
    return value;
  };
export const bool: Parser<boolean> = (raw) => {
  const value = raw.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(value)) return true;
  if (['0', 'false', 'no', 'off'].includes(value)) return false;
  throw new Error(`must be true or false`);
};
export const oneOf =
  <T extends string>(...values: T[]): Parser<T> =>
  (raw) => {
    if (!values.includes(raw as T)) throw new Error(`must be one of ${values.join(', ')}`);
    return raw as T;
  };
export const url =
  (...protocols: string[]): Parser<string> =>
  (raw) => {
    let parsed: URL;
    try {
      parsed = new URL(raw);
    } catch {
      throw new Error(`must be a URL`);
    }
    if (protocols.length && !protocols.includes(parsed.protocol.replace(/:$/, ''))) {
      throw new Error(`must use ${protocols.map((p) => `${p}://`).join(' or ')}`);
    }
    return raw;
  };
export const list: Parser<string[]> = (raw) =>
  raw
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
export const secret: Parser<string> = (raw) => {
  if (raw.length < 32) throw new Error(`must be at least 32 characters`);
  return raw;
};
export const secretList: Parser<string[]> = (raw) => {
  const secrets = list(raw);
  if (secrets.some((s) => s.length < 32)) throw new Error(`must list secrets of at least 32 characters`);
  return secrets;
};
/** `per IP/per account`, e.g. `20/5`: two limits of one route within RATE_LIMIT_AUTH_WINDOW_MS. */
export const limitPair: Parser<{ perIp: number; perAccount: number }> = (raw) => {
  const match = /^(\d{1,7})\s*\/\s*(\d{1,7})$/.exec(raw);
  if (!match || Number(match[1]) < 1 || Number(match[2]) < 1)
    throw new Error(`must be <per IP>/<per account>, both at least 1 (e.g. 20/5)`);
  return { perIp: Number(match[1]), perAccount: Number(match[2]) };
};

import type { ProviderConnection } from './provider.js';

type Auth = ProviderConnection['auth'];

/** The secrets of a set of credentials, longest first (so a password containing the login goes whole). */
const secretsOf = (auth: Auth): string[] =>
  (auth.type === 'basic' ? [auth.password, auth.login] : [auth.token])
    .filter((s) => s.length >= 3)
    .sort((a, b) => b.length - a.length);

/**
 * A provider's message with the credentials taken out: MoySklad repeats a malformed login in its
 * error ("Неверный формат имени пользователя: <login>"), and a message is shown and stored.
 */
export function withoutSecrets(message: string, auth: Auth): string {
  let clean = message;
  for (const secret of secretsOf(auth)) clean = clean.split(secret).join('***');
  return clean;
}

/** `admin@shop` → `a***@shop`: enough to recognise the account, not to reuse it. */
export function maskLogin(login: string): string {
  const at = login.indexOf('@');
  const user = at >= 0 ? login.slice(0, at) : login;
  const account = at >= 0 ? login.slice(at) : '';
  return `${user.slice(0, 1)}***${account}`;
}

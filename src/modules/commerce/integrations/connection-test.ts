import {
  ProviderError,
  type CommerceProvider,
  type ConnectionTestResult,
  type ProviderConnection,
} from './provider.js';
import { withoutSecrets } from './secrets.js';

/** How long a connection test or a webhook registration may take before it counts as unreachable. */
export const PROVIDER_CALL_TIMEOUT_MS = 15_000;

/** Test codes that mean the credentials themselves are refused (the integration is marked rejected). */
export const REJECTED_CODES: ReadonlySet<string> = new Set(['credentials_rejected', 'forbidden']);

/** Why a request did not get an answer, in words (never the request itself: it carries credentials). */
export function unreachableReason(error: unknown, baseUrl: string): string {
  const host = (() => {
    try {
      return new URL(baseUrl).host;
    } catch {
      return baseUrl;
    }
  })();
  const err = error as { name?: string; code?: string; cause?: { code?: string } };
  if (err?.name === 'TimeoutError' || err?.name === 'AbortError')
    return `${host} did not answer within ${PROVIDER_CALL_TIMEOUT_MS / 1000} s.`;
  const code = err?.cause?.code ?? err?.code;
  return code ? `${host} could not be reached (${code}).` : `${host} could not be reached.`;
}

/** A provider's failure as a test result: clear, with the credentials taken out of its message. */
export function failureOf(
  error: unknown,
  conn: ProviderConnection,
): Extract<ConnectionTestResult, { ok: false }> {
  if (error instanceof ProviderError)
    return { ok: false, code: error.code, message: withoutSecrets(error.message, conn.auth) };
  return { ok: false, code: 'unreachable', message: unreachableReason(error, conn.baseUrl) };
}

/**
 * Runs the provider's connection test with a deadline. Every failure is an answer (wrong
 * credentials, an unreachable host, a timeout), never an exception.
 */
export async function testConnection(
  provider: CommerceProvider,
  conn: ProviderConnection,
): Promise<ConnectionTestResult> {
  const deadline = AbortSignal.timeout(PROVIDER_CALL_TIMEOUT_MS);
  let result: ConnectionTestResult;
  try {
    result = await provider.testConnection({ ...conn, signal: deadline });
  } catch (error) {
    result = failureOf(error, conn);
  }
  if (result.ok) return result;
  // The provider stopped because our deadline passed: for the admin, the host did not answer.
  if (deadline.aborted)
    return { ok: false, code: 'unreachable', message: unreachableReason(deadline.reason, conn.baseUrl) };
  return { ...result, message: withoutSecrets(result.message, conn.auth) };
}

import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorMessage } from '../../src/platform/db/pg-errors.js';
import { redactSecrets } from '../../src/platform/observability/logger.js';
import { createTestApp, type TestApp } from '../harness/app.js';

/** The app's own logger, writing JSON lines to a collected stream. */
describe('logging: one access line per request, secrets never written', () => {
  let t: TestApp;
  const lines: string[] = [];
  const logged = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);

  beforeAll(async () => {
    t = await createTestApp({
      config: { logLevel: 'info' },
      deps: { logStream: { write: (line: string) => void lines.push(line) } },
    });
  });
  afterAll(() => t?.close());

  it('writes one line per answered request, with its outcome and duration and no credentials', async () => {
    lines.length = 0;
    const res = await t.app.inject({
      method: 'GET',
      url: '/health/live',
      headers: { authorization: 'Bearer secret-token-value', cookie: 'sid=secret-cookie' },
    });
    expect(res.statusCode).toBe(200);
    const access = logged().filter((line) => line.url === '/health/live');
    expect(access).toHaveLength(1);
    expect(access[0]).toMatchObject({ msg: 'request completed', method: 'GET', status: 200 });
    expect(typeof access[0]!.ms).toBe('number');
    expect(lines.join('')).not.toMatch(/secret-token-value|secret-cookie/);
  });

  it('censors secret members of any object a line carries, and request credentials', () => {
    lines.length = 0;
    t.app.log.info(
      {
        body: { email: 'a@b.test', password: 'hunter2', new_password: 'hunter3', refresh_token: 'r-1' },
        result: { access_token: 'a-1', token: 't-1', secret: 's-1', kept: 'visible' },
        req: { method: 'POST', headers: { Authorization: 'Bearer b-1', 'x-api-key': 'k-1', accept: 'json' } },
        count: 3,
      },
      'probe',
    );
    const [line] = logged();
    expect(line).toMatchObject({
      msg: 'probe',
      count: 3,
      body: {
        email: 'a@b.test',
        password: '[redacted]',
        new_password: '[redacted]',
        refresh_token: '[redacted]',
      },
      result: { access_token: '[redacted]', token: '[redacted]', secret: '[redacted]', kept: 'visible' },
      // Fastify's request serializer keeps method and url only; the headers never reach the line.
      req: { method: 'POST' },
    });
    expect(lines.join('')).not.toMatch(/hunter|r-1|a-1|t-1|s-1|b-1|k-1/);
  });

  it('keeps an error with a secret member an error: type, message and stack', () => {
    lines.length = 0;
    const err = Object.assign(new Error('upstream refused'), { token: 'tok-secret', code: 'E_REFUSED' });
    t.app.log.error({ err }, 'failed');
    const [line] = logged();
    expect(line!.err).toMatchObject({
      type: 'Error',
      message: 'upstream refused',
      token: '[redacted]',
      code: 'E_REFUSED',
    });
    expect(String((line!.err as { stack: string }).stack)).toContain('upstream refused');
    expect(lines.join('')).not.toContain('tok-secret');
  });

  it("keeps a failed statement's SQL but not its parameter values, in the message, stack and members", async () => {
    const failed = await t.database.db
      .withSystem((tx) => tx.db.execute(sql`select ${'hash-of-a-password'}::text as kept, 1 / 0 as broken`))
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(String((failed as Error).message)).toContain('hash-of-a-password'); // what Drizzle says
    lines.length = 0;
    t.app.log.error({ err: failed }, 'statement failed');
    const [line] = logged();
    expect(line!.err).toMatchObject({
      message: 'Failed query: select $1::text as kept, 1 / 0 as broken: division by zero',
      params: '[redacted]',
    });
    expect(String((line!.err as { stack: string }).stack)).toContain('Failed query: select');
    expect(lines.join('')).not.toContain('hash-of-a-password');
    // What a job or a sync keeps of it: the database's own words.
    expect(errorMessage(failed)).toBe('division by zero');
  });

  it("censors a request's credential headers, whatever their case", () => {
    const headers = { Authorization: 'Bearer b-1', 'x-api-key': 'k-1', Cookie: 'c-1', accept: 'json' };
    expect(redactSecrets({ req: { method: 'POST', headers } })).toEqual({
      req: {
        method: 'POST',
        headers: {
          Authorization: '[redacted]',
          'x-api-key': '[redacted]',
          Cookie: '[redacted]',
          accept: 'json',
        },
      },
    });
    expect(headers.Authorization).toBe('Bearer b-1'); // the request itself is left alone
  });

  it('leaves a line without secrets as it is, without copying it', () => {
    const line = { method: 'GET', url: '/x', status: 200, ms: 1.2, nested: { name: 'n' } };
    expect(redactSecrets(line)).toBe(line);
  });
});

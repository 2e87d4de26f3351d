import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { SMTPServer, type SMTPServerDataStream } from 'smtp-server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../src/lib/ids.js';
import type { Database } from '../../src/platform/db/index.js';
import { sqlState } from '../../src/platform/db/pg-errors.js';
import { createJobQueue, type JobQueue } from '../../src/platform/jobs/index.js';
import {
  createMailDeliverer,
  createMailer,
  defineMailTemplate,
  deliverMailJob,
  MailError,
  mailOutbox,
  MailTemplateError,
  MailTemplateRegistry,
  registerMailJobs,
  type MailLog,
  type Mailer,
  type OutboxMail,
} from '../../src/platform/mail/index.js';
import { createTestDatabase, driverUnderTest, type TestDatabase } from '../harness/database.js';

// ---------------------------------------------------------------------------------------------
// A real SMTP server on loopback and just enough MIME parsing to read what nodemailer sends.
// ---------------------------------------------------------------------------------------------

interface ReceivedMail {
  envelopeFrom: string;
  envelopeTo: string[];
  headers: Map<string, string>;
  subject: string;
  text: string;
  html: string;
}

function splitHead(raw: string): { head: string; body: string } {
  const at = raw.indexOf('\r\n\r\n');
  return at < 0 ? { head: raw, body: '' } : { head: raw.slice(0, at), body: raw.slice(at + 4) };
}

function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([BQbq])\?([^?]*)\?=/g, (_, _charset: string, encoding: string, data: string) =>
      encoding.toUpperCase() === 'B'
        ? Buffer.from(data, 'base64').toString('utf8')
        : decodeQuotedPrintable(data.replace(/_/g, ' ')),
    );
}

function parseHeaders(head: string): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

function decodeQuotedPrintable(value: string): string {
  const bytes: number[] = [];
  const text = value.replace(/=\r?\n/g, '');
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '=' && /^[0-9A-F]{2}$/i.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(text[i]!, 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

function decodeBody(body: string, encoding: string | undefined): string {
  switch ((encoding ?? '7bit').toLowerCase()) {
    case 'base64':
      return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
    case 'quoted-printable':
      return decodeQuotedPrintable(body);
    default:
      return body;
  }
}

/** The text/plain and text/html parts of a message (multipart/alternative or single part). */
function bodiesOf(raw: string): { text: string; html: string } {
  const { head, body } = splitHead(raw);
  const headers = parseHeaders(head);
  const type = headers.get('content-type') ?? 'text/plain';
  if (/^multipart\//i.test(type)) {
    const boundary = /boundary="?([^";]+)"?/i.exec(type)![1]!;
    const result = { text: '', html: '' };
    for (const part of body.split(`--${boundary}`).slice(1)) {
      if (part.startsWith('--')) break;
      const inner = bodiesOf(part.replace(/^\r\n/, '').replace(/\r\n$/, ''));
      result.text ||= inner.text;
      result.html ||= inner.html;
    }
    return result;
  }
  const decoded = decodeBody(body.replace(/\r\n$/, ''), headers.get('content-transfer-encoding'));
  return /^text\/html/i.test(type) ? { text: '', html: decoded } : { text: decoded, html: '' };
}

class TestSmtpServer {
  readonly received: ReceivedMail[] = [];
  /** RCPT TO answers 451 (try again later) this many more times. */
  temporaryFailures = 0;
  /** Recipients refused for good (550). */
  readonly unknownRecipients = new Set<string>();
  private server: SMTPServer | undefined;
  private port = 0;

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onRcptTo: (address, _session, callback) => {
        if (this.unknownRecipients.has(address.address)) {
          return callback(Object.assign(new Error('No such user here'), { responseCode: 550 }));
        }
        if (this.temporaryFailures > 0) {
          this.temporaryFailures--;
          return callback(Object.assign(new Error('Try again later'), { responseCode: 451 }));
        }
        callback();
      },
      onData: (stream: SMTPServerDataStream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          const headers = parseHeaders(splitHead(raw).head);
          this.received.push({
            envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            envelopeTo: session.envelope.rcptTo.map((r) => r.address),
            headers,
            subject: decodeWords(headers.get('subject') ?? ''),
            ...bodiesOf(raw),
          });
          callback();
        });
      },
    });
    const server = this.server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

// ---------------------------------------------------------------------------------------------

interface LogLine {
  level: string;
  obj: Record<string, unknown>;
  msg: string;
}

function captureLog(): MailLog & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at =
    (level: string) =>
    (obj: object, msg: string): void => {
      lines.push({ level, obj: obj as Record<string, unknown>, msg });
    };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

const tenantA = uuidv7();
const tenantB = uuidv7();

describe('mail templates', () => {
  const registry = new MailTemplateRegistry();
  const welcome = defineMailTemplate<{ name: string; link: string; tenant: { name: string } }>(
    'test.welcome',
    {
      subject: 'Welcome to {{ tenant.name }}, {{name}}',
      text: 'Hello {{name}},\nopen {{link}} to start.',
      html: '<p>Hello {{name}},</p><p><a href="{{link}}">Start</a> at {{tenant.name}}</p>',
    },
    registry,
  );

  it('fills placeholders: plain in subject and text, escaped in html, inside the layout', () => {
    const mail = welcome.render({
      name: 'Ann <b>&</b> "Bo"',
      link: 'https://x.test/r?a=1&b=2',
      tenant: { name: "O'Neil & Co" },
    });
    expect(mail.subject).toBe(`Welcome to O'Neil & Co, Ann <b>&</b> "Bo"`);
    expect(mail.text).toBe('Hello Ann <b>&</b> "Bo",\nopen https://x.test/r?a=1&b=2 to start.');
    expect(mail.html).toContain(
      '<p>Hello Ann &lt;b&gt;&amp;&lt;/b&gt; &quot;Bo&quot;,</p><p><a href="https://x.test/r?a=1&amp;b=2">Start</a> at O&#39;Neil &amp; Co</p>',
    );
    expect(mail.html).toMatch(/^<!doctype html>/);
    expect(mail.html).toContain(`<title>Welcome to O&#39;Neil &amp; Co, Ann &lt;b&gt;`);
    expect(welcome.variables).toEqual(['link', 'name', 'tenant.name']);
  });

  it('does not expand placeholders that arrive inside values, and keeps subjects on one line', () => {
    const mail = welcome.render({ name: '{{link}}\r\nBcc: x@evil.test', link: 'L', tenant: { name: 'T' } });
    expect(mail.subject).toBe('Welcome to T, {{link}} Bcc: x@evil.test');
    expect(mail.text).toContain('Hello {{link}}\r\nBcc: x@evil.test,');
  });

  it('names every missing variable', () => {
    expect(() => welcome.render({ name: 'Ann' } as never)).toThrow(
      new MailTemplateError('Mail template "test.welcome" is missing variables link, tenant.name'),
    );
    expect(() => welcome.render({ name: null, link: 'l', tenant: { name: 't' } } as never)).toThrow(
      /missing variable name$/,
    );
  });

  it('renders numbers, dates and a template without the layout', () => {
    const receipt = defineMailTemplate<{ total: number; at: Date }>(
      'test.receipt',
      { subject: 'Total {{total}}', text: '{{total}} at {{at}}', html: '<b>{{total}}</b>', layout: false },
      registry,
    );
    const mail = receipt.render({ total: 0, at: new Date('2026-01-02T03:04:05Z') });
    expect(mail).toEqual({ subject: 'Total 0', text: '0 at 2026-01-02T03:04:05.000Z', html: '<b>0</b>' });
  });

  it('rejects bad definitions and duplicate names', () => {
    const define = (name: string, html: string) =>
      defineMailTemplate(name, { subject: 's', text: 't', html }, registry);
    expect(() => define('test.welcome', 'x')).toThrow('Mail template "test.welcome" is already defined');
    expect(() => define('Bad Name', 'x')).toThrow(/Invalid mail template name/);
    expect(() => define('test.broken', 'Hi {{ first name }}')).toThrow(
      /malformed placeholder \{\{ first name \}\} in its html/,
    );
    expect(() => define('test.broken2', 'Hi {{name}')).toThrow(/malformed placeholder/);
    expect(registry.names()).toEqual(['test.receipt', 'test.welcome']);
    expect(() => registry.get('test.nope')).toThrow('Unknown mail template "test.nope"');
  });
});

describe(`mailer without SMTP (${driverUnderTest})`, () => {
  let database: TestDatabase;
  let db: Database;
  const smtp = new TestSmtpServer();
  const log = captureLog();
  const reset = defineMailTemplate<{ name: string; link: string }>('test.password_reset', {
    subject: 'Reset your password',
    text: 'Hi {{name}}, reset at {{link}}',
    html: '<p>Hi {{name}}, <a href="{{link}}">reset</a></p>',
  });

  beforeAll(async () => {
    database = await createTestDatabase();
    db = database.db;
    await smtp.start();
  });
  afterAll(async () => {
    await smtp.stop();
    await database.close();
  });
  afterEach(() => {
    log.lines.length = 0;
  });

  it('keeps the mail in the outbox as logged, logs it and sends nothing', async () => {
    const mailer = createMailer({ db, config: { mailFrom: 'SalesOps <no-reply@salesops.test>' }, log });
    expect(mailer.mode).toBe('log');
    const row = await mailer.send({
      to: 'ann@example.test',
      template: reset,
      vars: { name: 'Ann', link: 'https://app.test/reset?t=abc' },
    });
    expect(row).toMatchObject({
      status: 'logged',
      tenantId: null,
      to: ['ann@example.test'],
      subject: 'Reset your password',
      text: 'Hi Ann, reset at https://app.test/reset?t=abc',
      template: 'test.password_reset',
      attempts: 0,
      sentAt: null,
    });
    expect(row.html).toContain('<a href="https://app.test/reset?t=abc">reset</a>');

    const [stored] = await mailer.outbox({ to: 'ann@example.test' });
    expect(stored).toEqual(row);
    expect(log.lines).toEqual([
      {
        level: 'info',
        msg: 'mail not sent (SMTP_URL is unset); kept in the outbox',
        obj: {
          mailId: row.id,
          tenantId: null,
          to: ['ann@example.test'],
          template: 'test.password_reset',
          subject: 'Reset your password',
        },
      },
    ]);
    // The body holds the link; it reaches the log only when asked for (MAIL_LOG_BODIES).
    expect(JSON.stringify(log.lines)).not.toContain('t=abc');
    const verbose = createMailer({ db, config: { mailFrom: 'x@salesops.test', logBodies: true }, log });
    // (in a transaction rolled back, so that no row stays behind for the tests below to count)
    await db
      .withSystem(async (tx) => {
        await verbose.send(
          { to: 'ann@example.test', template: reset, vars: { name: 'Ann', link: 'L2' } },
          { tx },
        );
        throw new Error('roll back');
      })
      .catch(() => undefined);
    expect(log.lines[1]!.obj).toMatchObject({ text: 'Hi Ann, reset at L2' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(smtp.received).toEqual([]);
  });

  it('sends composed messages and named templates, and filters the outbox', async () => {
    const mailer = createMailer({ db, config: { mailFrom: 'x@salesops.test', logBodies: false }, log });
    await mailer.send(
      { to: ['a@example.test', 'B <b@example.test>'], subject: 'Report\r\nready', text: 'See attached' },
      { tenantId: tenantA },
    );
    await mailer.send(
      { to: 'c@example.test', template: 'test.password_reset', vars: { name: 'C', link: 'L' } },
      { tenantId: tenantB },
    );
    const ofA = await mailer.outbox({ tenantId: tenantA });
    expect(ofA).toMatchObject([
      {
        tenantId: tenantA,
        to: ['a@example.test', 'B <b@example.test>'],
        subject: 'Report ready',
        html: null,
        template: null,
      },
    ]);
    expect(await mailer.outbox({ template: 'test.password_reset', tenantId: tenantB })).toHaveLength(1);
    expect(await mailer.outbox({ tenantId: null })).toHaveLength(1);
    expect(await mailer.outbox({ status: 'queued' })).toEqual([]);
    expect(log.lines.map((l) => 'text' in l.obj)).toEqual([false, false]);
  });

  it('refuses messages it cannot send before writing anything', async () => {
    const mailer = createMailer({ db, config: { mailFrom: 'x@salesops.test' }, log });
    const before = (await mailer.outbox({ limit: 500 })).length;
    await expect(mailer.send({ to: [], subject: 's', text: 't' })).rejects.toThrow(
      new MailError('A mail needs at least one recipient'),
    );
    await expect(mailer.send({ to: 'not-an-address', subject: 's', text: 't' })).rejects.toThrow(
      'Invalid mail recipient "not-an-address"',
    );
    await expect(mailer.send({ to: 'a@x.test, b@x.test', subject: 's', text: 't' })).rejects.toThrow(
      MailError,
    );
    await expect(
      mailer.send({ to: 'a@x.test', template: reset, vars: { name: 'A' } as never }),
    ).rejects.toThrow(MailTemplateError);
    await expect(mailer.send({ to: 'a@x.test', template: 'test.unknown', vars: {} })).rejects.toThrow(
      'Unknown mail template "test.unknown"',
    );
    expect((await mailer.outbox({ limit: 500 })).length).toBe(before);
    // A template object's variables are checked by the compiler as well.
    // @ts-expect-error -- `link` is missing
    const typeChecked = () => mailer.send({ to: 'a@x.test', template: reset, vars: { name: 'A' } });
    expect(typeChecked).toBeTypeOf('function');
  });

  it('writes nothing when the surrounding tenant transaction rolls back', async () => {
    const mailer = createMailer({ db, config: { mailFrom: 'x@salesops.test' }, log });
    await expect(
      db.withTenant({ tenantId: tenantA }, async (tx) => {
        const row = await mailer.send({ to: 'rollback@example.test', subject: 's', text: 't' }, { tx });
        expect(row.tenantId).toBe(tenantA);
        throw new Error('business rule failed');
      }),
    ).rejects.toThrow('business rule failed');
    expect(await mailer.outbox({ to: 'rollback@example.test' })).toEqual([]);
  });

  it("isolates tenants' outbox rows with row-level security", async () => {
    const mailer = createMailer({ db, config: { mailFrom: 'x@salesops.test' }, log });
    const link = 'https://app.test/reset?t=secret-of-b';
    await db.withTenant({ tenantId: tenantB }, (tx) =>
      mailer.send({ to: 'b-admin@example.test', template: reset, vars: { name: 'B', link } }, { tx }),
    );
    await mailer.send({ to: 'root@example.test', subject: 'system', text: link });

    const seenByA = await db.withTenant({ tenantId: tenantA }, (tx) => mailer.outbox({ limit: 500 }, { tx }));
    expect(seenByA.length).toBeGreaterThan(0);
    expect(seenByA.every((row) => row.tenantId === tenantA)).toBe(true);
    expect(seenByA.some((row) => row.text.includes('secret-of-b'))).toBe(false);

    // Even asking for B's rows by recipient or with a raw query shows nothing.
    const guessed = await db.withTenant({ tenantId: tenantA }, (tx) =>
      tx.db
        .select()
        .from(mailOutbox)
        .where(eq(mailOutbox.to, ['b-admin@example.test'])),
    );
    expect(guessed).toEqual([]);
    const raw = await db.withTenant({ tenantId: tenantA }, (tx) =>
      tx.sql.query(`select id from mail_outbox where text like '%secret-of-b%'`),
    );
    expect(raw.rows).toEqual([]);

    const seenByB = await db.withTenant({ tenantId: tenantB }, (tx) =>
      mailer.outbox({ to: 'b-admin@example.test' }, { tx }),
    );
    expect(seenByB).toHaveLength(1);

    // A cannot write mail as B, nor as system mail, and cannot touch B's rows.
    await expect(
      db.withTenant({ tenantId: tenantA }, (tx) =>
        mailer.send({ to: 'x@example.test', subject: 's', text: 't' }, { tx, tenantId: tenantB }),
      ),
    ).rejects.toSatisfy((error) => sqlState(error) === '42501');
    await expect(
      db.withTenant({ tenantId: tenantA }, (tx) =>
        mailer.send({ to: 'x@example.test', subject: 's', text: 't' }, { tx, tenantId: null }),
      ),
    ).rejects.toSatisfy((error) => sqlState(error) === '42501');
    // The outbox is append-only for the application role: no tenant may change a queued mail at all.
    await expect(
      db.withTenant({ tenantId: tenantA }, (tx) =>
        tx.db.update(mailOutbox).set({ text: 'x' }).where(eq(mailOutbox.id, seenByB[0]!.id)).returning(),
      ),
    ).rejects.toSatisfy((error) => sqlState(error) === '42501');
  });
});

/** Polls until `check` returns a value (not undefined), or fails after `timeoutMs`. */
async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 25_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe(`mailer with SMTP and the job queue (${driverUnderTest})`, () => {
  const MAIL_FROM = 'SalesOps <no-reply@salesops.test>';
  const RETRY_LIMIT = 2;
  let database: TestDatabase;
  let db: Database;
  let queue: JobQueue;
  let mailer: Mailer;
  const smtp = new TestSmtpServer();
  const log = captureLog();
  const invite = defineMailTemplate<{ name: string; link: string }>('test.invite', {
    subject: 'You are invited, {{name}}',
    text: 'Hi {{name}}, join at {{link}}',
    html: '<p>Hi {{name}}, <a href="{{link}}">join</a></p>',
  });

  /** The row once it has left `queued` (or matches `done`). */
  const settled = (id: string, done: (row: OutboxMail) => boolean = (row) => row.status !== 'queued') =>
    waitFor(`mail ${id}`, async () => {
      const [row] = await db.withSystem((tx) => tx.db.select().from(mailOutbox).where(eq(mailOutbox.id, id)));
      return row && done(row) ? row : undefined;
    });
  const receivedBy = (address: string) => smtp.received.filter((m) => m.envelopeTo.includes(address));

  beforeAll(async () => {
    database = await createTestDatabase();
    db = database.db;
    await smtp.start();
    const config = { smtpUrl: smtp.url, mailFrom: MAIL_FROM };
    queue = createJobQueue(db, log, { pollingIntervalSeconds: 0.5 });
    registerMailJobs(queue, { db, config, log }, { retryLimit: RETRY_LIMIT, retryDelaySeconds: 1 });
    await queue.start({ workers: true });
    mailer = createMailer({ db, jobs: queue, config, log });
  });
  afterAll(async () => {
    await queue.stop({ graceful: true, timeoutMs: 5_000 });
    await smtp.stop();
    await database.close();
  });

  it('needs the job queue when SMTP is configured', () => {
    expect(() => createMailer({ db, config: { smtpUrl: smtp.url, mailFrom: MAIL_FROM }, log })).toThrow(
      /needs the job queue/,
    );
  });

  it('queues the mail in the business transaction and delivers it over SMTP', async () => {
    const link = 'https://app.test/join?t=1&u=2';
    const queued = await db.withTenant({ tenantId: tenantA }, (tx) =>
      mailer.send(
        {
          to: ['ann@example.test', 'Bob Smith <bob@example.test>'],
          template: invite,
          vars: { name: 'Ann & Bob', link },
        },
        { tx },
      ),
    );
    expect(mailer.mode).toBe('smtp');
    expect(queued).toMatchObject({ status: 'queued', tenantId: tenantA, attempts: 0 });

    const sent = await settled(queued.id);
    expect(sent).toMatchObject({
      status: 'sent',
      attempts: 1,
      lastError: null,
      messageId: `<${queued.id}@salesops.test>`,
    });
    expect(sent.sentAt).toBeInstanceOf(Date);

    const [mail, ...others] = receivedBy('ann@example.test');
    expect(others).toEqual([]);
    expect(mail!.envelopeFrom).toBe('no-reply@salesops.test');
    expect(mail!.envelopeTo).toEqual(['ann@example.test', 'bob@example.test']);
    expect(mail!.headers.get('to')).toBe('ann@example.test, Bob Smith <bob@example.test>');
    expect(mail!.headers.get('from')).toBe(MAIL_FROM);
    expect(mail!.headers.get('message-id')).toBe(sent.messageId);
    expect(mail!.headers.get('x-salesops-mail-id')).toBe(queued.id);
    expect(mail!.subject).toBe('You are invited, Ann & Bob');
    expect(mail!.text.trim()).toBe(`Hi Ann & Bob, join at ${link}`);
    expect(mail!.html).toContain(
      '<p>Hi Ann &amp; Bob, <a href="https://app.test/join?t=1&amp;u=2">join</a></p>',
    );
    expect(mail!.html).toContain('<!doctype html>');
  });

  it('retries after temporary SMTP failures and counts the attempts', async () => {
    smtp.temporaryFailures = 2;
    const queued = await mailer.send({ to: 'retry@example.test', subject: 'Retry me', text: 'body' });
    const sent = await settled(queued.id);
    expect(sent).toMatchObject({ status: 'sent', attempts: 3 });
    expect(sent.lastError).toMatch(/451 Try again later/);
    expect(receivedBy('retry@example.test')).toHaveLength(1);
    expect(receivedBy('retry@example.test')[0]).toMatchObject({
      subject: 'Retry me',
      text: 'body',
      html: '',
    });
    expect(
      log.lines.filter((l) => l.msg === 'mail delivery failed; will retry' && l.obj.mailId === queued.id),
    ).toHaveLength(2);
  });

  it('delivers once the SMTP server is back after being down', async () => {
    await smtp.stop();
    const queued = await mailer.send(
      { to: 'later@example.test', subject: 'Patience', text: 'still here' },
      { tenantId: tenantB },
    );
    const failedOnce = await settled(queued.id, (row) => row.attempts >= 1);
    expect(failedOnce.status).toBe('queued');
    expect(failedOnce.lastError).toMatch(/ECONNREFUSED|connect/i);
    await smtp.start();
    const sent = await settled(queued.id);
    expect(sent.status).toBe('sent');
    expect(sent.attempts).toBeGreaterThanOrEqual(2);
    expect(receivedBy('later@example.test')).toHaveLength(1);
  });

  it('marks the mail failed after the last retry', async () => {
    smtp.temporaryFailures = 1_000;
    try {
      const queued = await mailer.send({ to: 'never@example.test', subject: 'Doomed', text: 'x' });
      const failed = await settled(queued.id);
      expect(failed).toMatchObject({ status: 'failed', attempts: RETRY_LIMIT + 1 });
      expect(failed.lastError).toMatch(/451/);
      expect(receivedBy('never@example.test')).toEqual([]);
      expect(log.lines.some((l) => l.msg.includes('for the last time') && l.obj.mailId === queued.id)).toBe(
        true,
      );
      const dead = await waitFor('the dead letter', async () => {
        const letters = await queue.deadLetters(deliverMailJob);
        return letters.find((letter) => (letter.data as { id?: string }).id === queued.id);
      });
      expect(dead).toBeDefined();
    } finally {
      smtp.temporaryFailures = 0;
    }
  });

  it('gives up at once when the server refuses the recipient for good', async () => {
    smtp.unknownRecipients.add('ghost@example.test');
    const queued = await mailer.send({ to: 'ghost@example.test', subject: 'Boo', text: 'x' });
    const failed = await settled(queued.id);
    expect(failed).toMatchObject({ status: 'failed', attempts: 1 });
    expect(failed.lastError).toMatch(/550 No such user here/);
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect((await settled(queued.id)).attempts).toBe(1);
  });

  it('sends nothing when the business transaction rolls back', async () => {
    await expect(
      db.withTenant({ tenantId: tenantA }, async (tx) => {
        await mailer.send(
          { to: 'rolled-back@example.test', template: invite, vars: { name: 'R', link: 'L' } },
          { tx },
        );
        throw new Error('business rule failed');
      }),
    ).rejects.toThrow('business rule failed');
    // A mail sent afterwards arrives; by then the rolled-back one would have, had it been queued.
    const after = await mailer.send({ to: 'after-rollback@example.test', subject: 'After', text: 'x' });
    await settled(after.id);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(receivedBy('rolled-back@example.test')).toEqual([]);
    expect(await mailer.outbox({ to: 'rolled-back@example.test' })).toEqual([]);
  });

  it('delivers a row at most once when its job runs again', async () => {
    const queued = await mailer.send({ to: 'once@example.test', subject: 'Once', text: 'x' });
    await settled(queued.id);
    const deliver = createMailDeliverer({ db, config: { smtpUrl: smtp.url, mailFrom: MAIL_FROM }, log });
    await deliver({ id: queued.id }, { id: 'manual', attempt: 1 });
    await deliver({ id: uuidv7() }, { id: 'manual', attempt: 1 });
    expect(receivedBy('once@example.test')).toHaveLength(1);
    expect((await settled(queued.id)).attempts).toBe(1);
  });
});

import type { FakeControl } from './index.js';
import type { WebhookEventInput } from './webhooks.js';

/** `/__fake/…` routes: the control API for demos and out-of-process tests. */
export async function httpControl(
  control: FakeControl,
  method: string,
  path: string,
  body: unknown,
): Promise<unknown> {
  const b = (body ?? {}) as Record<string, unknown>;
  const str = (key: string) => {
    const value = b[key];
    if (typeof value !== 'string') throw new Error(`"${key}" is required`);
    return value;
  };
  switch (`${method} ${path}`) {
    case 'GET /stats':
      return control.stats();
    case 'POST /stats/reset':
      return control.resetStats();
    case 'POST /clock':
      control.advanceClock(Number(b.ms ?? 0));
      return { now: control.now().toISOString() };
    case 'POST /update':
      return control.update(str('type'), str('id'), (b.patch ?? {}) as Record<string, unknown>);
    case 'POST /archive':
      return control.archive(str('type'), str('id'), b.archived !== false);
    case 'POST /trash':
      return control.trash(str('type'), str('id'));
    case 'POST /remove':
      return control.remove(str('type'), str('id'));
    case 'POST /create':
      return { id: control.create(str('type'), (b.fields ?? {}) as Record<string, unknown>) };
    case 'POST /storm':
      return control.setStorm(
        b.rateLimited === undefined
          ? null
          : {
              rateLimited: Number(b.rateLimited),
              serverErrors: Number(b.serverErrors ?? 0),
              seed: typeof b.seed === 'string' || typeof b.seed === 'number' ? b.seed : undefined,
              retryAfterMs: b.retryAfterMs === undefined ? undefined : Number(b.retryAfterMs),
            },
      );
    case 'POST /failures':
      return control.injectFailure({
        status: Number(b.status ?? 500),
        count: Number(b.count ?? 1),
        path: typeof b.path === 'string' ? b.path : undefined,
      });
    case 'GET /webhooks':
      return control.webhooks();
    case 'POST /webhooks/send':
      return control.sendWebhook(
        {
          type: str('type'),
          id: str('id'),
          action: str('action') as WebhookEventInput['action'],
          updatedFields: b.updatedFields as string[] | undefined,
        },
        { requestId: typeof b.requestId === 'string' ? b.requestId : undefined },
      );
    case 'POST /webhooks/resend':
      return control.resendWebhook(str('requestId'));
    default: {
      const m = /^\/ids\/([a-z]+)$/.exec(path);
      if (method === 'GET' && m) return control.ids(m[1]!);
      throw new Error(`unknown control route ${method} ${path}`);
    }
  }
}

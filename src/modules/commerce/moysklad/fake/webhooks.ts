import { formatMoscowTime } from '../values.js';
import { metaOf } from './envelope.js';
import { FakeApiError } from './query.js';
import { rowRng } from './random.js';

export const WEBHOOK_USER_AGENT = 'MoySklad webhook touch agent 2.0 (/https://www.moysklad.ru)';
const ACTIONS = ['CREATE', 'UPDATE', 'DELETE', 'PROCESSED'] as const;
/** Types that cannot be watched. */
const UNWATCHABLE = new Set(['webhook', 'discount', 'notes']);

export interface FakeWebhook {
  id: string;
  entityType: string;
  url: string;
  action: (typeof ACTIONS)[number];
  diffType?: 'NONE' | 'FIELDS';
  enabled: boolean;
}

export interface WebhookEventInput {
  type: string;
  id: string;
  action: 'CREATE' | 'UPDATE' | 'DELETE';
  updatedFields?: string[];
}

export interface Delivery {
  url: string;
  requestId: string;
  /** Attempts made: 1 on success, up to 4 (one plus three immediate retries) on failure. */
  attempts: number;
  /** The last status (0 for a network error or a timeout). */
  status: number;
  ok: boolean;
}

/** Webhook subscriptions (`entity/webhook`) and their delivery as MoySklad makes it. */
export class FakeWebhooks {
  readonly hooks: FakeWebhook[] = [];
  /** Sent notifications by requestId, so one can be delivered again with the same id. */
  private readonly sent = new Map<string, { url: string; body: string }[]>();
  private counter = 0;

  constructor(
    private readonly seed: string | number,
    private readonly accountId: string,
    private readonly base: () => string,
    private readonly timeoutMs = 1500,
  ) {}

  create(input: Record<string, unknown>): FakeWebhook {
    const url = input.url;
    const action = input.action;
    const entityType = input.entityType;
    if (typeof url !== 'string' || url === '')
      throw new FakeApiError(
        412,
        3000,
        "Ошибка сохранения объекта: поле 'url' не может быть пустым или отсутствовать",
      );
    if (url.length > 255) throw new FakeApiError(400, 30010, 'Длина url превышает 255 символов');
    if (typeof action !== 'string' || !(ACTIONS as readonly string[]).includes(action)) {
      throw new FakeApiError(400, 30002, `Неизвестное действие вебхука: '${String(action)}'`);
    }
    if (typeof entityType !== 'string' || entityType === '' || UNWATCHABLE.has(entityType)) {
      throw new FakeApiError(400, 1005, `Неизвестный тип: '${String(entityType)}'`);
    }
    if (this.hooks.some((h) => h.entityType === entityType && h.action === action && h.url === url)) {
      throw new FakeApiError(400, 30003, 'Вебхук с такими параметрами уже существует');
    }
    if (this.hooks.filter((h) => h.entityType === entityType && h.action === action).length >= 5) {
      throw new FakeApiError(400, 30007, 'Превышено количество вебхуков на одно действие и тип сущности');
    }
    const hook: FakeWebhook = {
      id: rowRng(this.seed, 'webhook', this.counter++).uuid(),
      entityType,
      url,
      action: action as FakeWebhook['action'],
      diffType: input.diffType === 'FIELDS' ? 'FIELDS' : action === 'UPDATE' ? 'NONE' : undefined,
      enabled: input.enabled !== false,
    };
    this.hooks.push(hook);
    return hook;
  }

  find(id: string): FakeWebhook | undefined {
    return this.hooks.find((h) => h.id === id);
  }

  remove(id: string): boolean {
    const at = this.hooks.findIndex((h) => h.id === id);
    if (at < 0) return false;
    this.hooks.splice(at, 1);
    return true;
  }

  wire(hook: FakeWebhook, base = this.base()): Record<string, unknown> {
    return {
      meta: metaOf(`${base}/entity/webhook/${hook.id}`, 'webhook', `${base}/entity/webhook/metadata`),
      id: hook.id,
      accountId: this.accountId,
      entityType: hook.entityType,
      url: hook.url,
      method: 'POST',
      enabled: hook.enabled,
      action: hook.action,
      ...(hook.diffType ? { diffType: hook.diffType } : {}),
    };
  }

  /**
   * Notifies every enabled subscription of the event's type and action, the way MoySklad does:
   * POST with `?requestId=`, its User-Agent, three immediate retries on a failure or a timeout.
   */
  async send(
    event: WebhookEventInput,
    options: { requestId?: string; uid?: string; now?: Date } = {},
  ): Promise<Delivery[]> {
    const targets = this.hooks.filter(
      (h) => h.enabled && h.entityType === event.type && h.action === event.action,
    );
    const base = this.base();
    const deliveries: Delivery[] = [];
    for (const hook of targets) {
      const requestId = options.requestId ?? rowRng(this.seed, 'request', this.counter++).uuid();
      const body = JSON.stringify({
        auditContext: {
          meta: { type: 'audit', href: `${base}/audit/${rowRng(this.seed, 'audit', this.counter++).uuid()}` },
          moment: formatMoscowTime(options.now ?? new Date()).slice(0, 19),
          uid: options.uid ?? 'admin@fake',
        },
        events: [
          {
            meta: { type: event.type, href: `${base}/entity/${event.type}/${event.id}` },
            ...(event.action === 'UPDATE' && hook.diffType === 'FIELDS' && event.updatedFields
              ? { updatedFields: event.updatedFields }
              : {}),
            action: event.action,
            accountId: this.accountId,
          },
        ],
      });
      const list = this.sent.get(requestId) ?? [];
      list.push({ url: hook.url, body });
      this.sent.set(requestId, list);
      deliveries.push(await this.deliver(hook.url, requestId, body));
    }
    return deliveries;
  }

  /** Delivers an earlier notification again with the same requestId (as a MoySklad retry would). */
  async resend(requestId: string): Promise<Delivery[]> {
    const list = this.sent.get(requestId) ?? [];
    const deliveries: Delivery[] = [];
    for (const { url, body } of list) deliveries.push(await this.deliver(url, requestId, body));
    return deliveries;
  }

  private async deliver(url: string, requestId: string, body: string): Promise<Delivery> {
    const target = `${url}${url.includes('?') ? '&' : '?'}requestId=${encodeURIComponent(requestId)}`;
    let status = 0;
    for (let attempt = 1; attempt <= 4; attempt++) {
      try {
        const res = await fetch(target, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'User-Agent': WEBHOOK_USER_AGENT },
          body,
          signal: AbortSignal.timeout(this.timeoutMs),
        });
        status = res.status;
        await res.arrayBuffer().catch(() => undefined);
        if (status === 200 || status === 204) return { url, requestId, attempts: attempt, status, ok: true };
      } catch {
        status = 0;
      }
    }
    return { url, requestId, attempts: 4, status, ok: false };
  }
}

export { moyskladProvider, TRASH_PHASE_OFFSET } from './provider.js';
export { parseWebhook, registerWebhooks } from './webhooks.js';
export {
  startFakeMoysklad,
  WEBHOOK_USER_AGENT,
  type FakeMoysklad,
  type FakeMoyskladOptions,
  type FakeControl,
  type FakeSizes,
} from './fake/index.js';

import type { Readable } from 'node:stream';
import { parentPort } from 'node:worker_threads';
import type { FromRenderer, SectionMessage, ThreadFormat, ToRenderer } from './render-protocol.js';
import type { ReportData, ReportHeader, ReportRow, ReportSection } from './types.js';

/**
 * The render thread (see render-thread.ts): draws PDF and XLSX files with their libraries, which
 * live only in this thread. Rows of page-by-page sections are asked of the server a page at a time,
 * and the file goes back in chunks, each sent once the server took the last, so neither side holds
 * more than a page and a chunk.
 */
const port = parentPort!;
const send = (message: FromRenderer) => port.postMessage(message);

/** Bytes gathered before a chunk is sent: the writers emit many small pieces. */
const CHUNK_BYTES = 64 * 1024;

interface Render {
  /** Per section, the page request waiting for its answer. */
  pageWaits: Map<number, (rows: readonly ReportRow[] | null) => void>;
  ackWait?: () => void;
  file?: Readable;
  cancelled: boolean;
}
const renders = new Map<number, Render>();

type Renderer = (header: ReportHeader, data: ReportData) => Readable;

async function rendererOf(format: ThreadFormat): Promise<Renderer> {
  return format === 'pdf' ? (await import('./pdf.js')).renderPdf : (await import('./xlsx.js')).renderXlsx;
}

async function* pagesOf(id: number, section: number, render: Render): AsyncGenerator<readonly ReportRow[]> {
  for (;;) {
    const rows = await new Promise<readonly ReportRow[] | null>((resolve) => {
      render.pageWaits.set(section, resolve);
      send({ type: 'page', id, section });
    });
    if (!rows) return;
    yield rows;
  }
}

function sectionOf(id: number, render: Render, message: SectionMessage, index: number): ReportSection {
  const { rows } = message;
  if (Array.isArray(rows)) return { ...message, rows };
  const { count } = rows as { count: number };
  return { ...message, rows: { count, pages: () => pagesOf(id, index, render) } };
}

async function render(message: Extract<ToRenderer, { type: 'render' }>): Promise<void> {
  const { id } = message;
  const state: Render = { pageWaits: new Map(), cancelled: false };
  renders.set(id, state);
  let pending: Buffer[] = [];
  let size = 0;
  const flush = () =>
    new Promise<void>((resolve) => {
      const bytes = Buffer.concat(pending, size);
      pending = [];
      size = 0;
      state.ackWait = resolve;
      send({ type: 'chunk', id, bytes });
    });
  try {
    const renderer = await rendererOf(message.format);
    const sections = message.sections.map((section, index) => sectionOf(id, state, section, index));
    state.file = renderer(message.header, { period: message.period, sections });
    for await (const chunk of state.file as AsyncIterable<Buffer>) {
      if (state.cancelled) return;
      pending.push(chunk);
      size += chunk.length;
      if (size >= CHUNK_BYTES) await flush();
    }
    if (state.cancelled) return;
    if (size > 0) await flush();
    send({ type: 'end', id });
  } catch (error) {
    if (!state.cancelled) send({ type: 'error', id, message: (error as Error).message });
  } finally {
    renders.delete(id);
  }
}

function cancel(state: Render): void {
  state.cancelled = true;
  for (const resolve of state.pageWaits.values()) resolve(null);
  state.pageWaits.clear();
  state.ackWait?.();
  state.file?.destroy();
}

port.on('message', (message: ToRenderer) => {
  if (message.type === 'render') {
    void render(message);
    return;
  }
  const state = renders.get(message.id);
  if (!state) return;
  if (message.type === 'page') {
    const resolve = state.pageWaits.get(message.section);
    state.pageWaits.delete(message.section);
    resolve?.(message.rows);
  } else if (message.type === 'ack') {
    const resolve = state.ackWait;
    state.ackWait = undefined;
    resolve?.();
  } else cancel(state);
});

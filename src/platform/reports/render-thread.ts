import { PassThrough, type Readable } from 'node:stream';
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../../lib/worker-thread.js';
import type { FromRenderer, SectionMessage, ThreadFormat, ToRenderer } from './render-protocol.js';
import { isRowSource } from './rows.js';
import type { ReportData, ReportHeader, ReportRow } from './types.js';

/** How long the render thread lives with nothing to render; its libraries' memory leaves with it. */
const IDLE_MS = 10_000;

interface Active {
  file: PassThrough;
  data: ReportData;
  pages: Map<number, AsyncIterator<readonly ReportRow[]>>;
}

/**
 * PDF and XLSX files are drawn in a worker thread, started for the first report and stopped when
 * reports stop coming. The PDF, chart and spreadsheet libraries take about 50 MB that a process
 * keeps for good once loaded, and drawing a long PDF takes seconds of CPU; in a thread of its own
 * neither stays with, nor stalls, the API. The data is still read here, in the requester's
 * transaction and scope: the thread asks for a row source's pages one at a time and returns the file
 * in chunks, each taken (with the reader's backpressure) before the next is sent.
 */
class RenderThread {
  private worker: Worker | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private nextId = 1;
  private readonly active = new Map<number, Active>();

  render(format: ThreadFormat, header: ReportHeader, data: ReportData): Readable {
    const id = this.nextId++;
    const file = new PassThrough();
    this.active.set(id, { file, data, pages: new Map() });
    // The reader went away (failed, or the file failed): the thread stops drawing it.
    file.once('close', () => {
      if (this.forget(id)) this.post({ type: 'cancel', id });
    });
    const sections: SectionMessage[] = data.sections.map((section) => ({
      ...section,
      rows: isRowSource(section.rows) ? { count: section.rows.count } : section.rows,
    }));
    this.post({ type: 'render', id, format, header, period: data.period, sections });
    return file;
  }

  /** Stops the thread now (shutdown, tests); files being drawn fail. */
  async stop(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    clearTimeout(this.idleTimer);
    this.failAll(new Error('The report renderer was stopped.'));
    await worker?.terminate();
  }

  private post(message: ToRenderer): void {
    this.started().postMessage(message);
  }

  private started(): Worker {
    clearTimeout(this.idleTimer);
    if (this.worker) return this.worker;
    const worker = startWorker(import.meta.url, 'render-worker');
    worker.on('message', (message: FromRenderer) => this.onMessage(message));
    worker.on('error', (error) => this.onStopped(worker, error));
    worker.on('exit', (code) => this.onStopped(worker, new Error(`it exited with code ${code}`)));
    worker.unref(); // never what keeps the process running (after the listeners, which ref it)
    this.worker = worker;
    return worker;
  }

  private onStopped(worker: Worker, cause: Error): void {
    if (this.worker !== worker) return; // stopped on purpose
    this.worker = undefined;
    this.failAll(new Error(`The report renderer stopped unexpectedly: ${cause.message}`));
  }

  private onMessage(message: FromRenderer): void {
    const active = this.active.get(message.id);
    if (!active) return;
    switch (message.type) {
      case 'page':
        void this.sendPage(message.id, active, message.section);
        return;
      case 'chunk': {
        const ack = () => this.worker?.postMessage({ type: 'ack', id: message.id } satisfies ToRenderer);
        const bytes = Buffer.from(message.bytes.buffer, message.bytes.byteOffset, message.bytes.byteLength);
        if (active.file.write(bytes)) ack();
        else active.file.once('drain', ack);
        return;
      }
      case 'end':
        this.forget(message.id);
        active.file.end();
        return;
      case 'error':
        this.forget(message.id);
        active.file.destroy(new Error(message.message));
    }
  }

  /** The next page of a section's row source, read here; a failed read fails the file with its error. */
  private async sendPage(id: number, active: Active, section: number): Promise<void> {
    try {
      let pages = active.pages.get(section);
      if (!pages) {
        const rows = active.data.sections[section]!.rows;
        if (!isRowSource(rows)) throw new Error(`Section ${section} has no pages to read.`);
        pages = rows.pages()[Symbol.asyncIterator]();
        active.pages.set(section, pages);
      }
      const next = await pages.next();
      if (this.active.has(id)) this.post({ type: 'page', id, section, rows: next.done ? null : next.value });
    } catch (error) {
      active.file.destroy(error as Error); // its 'close' cancels the drawing
    }
  }

  /** Drops a file from the active ones; true when it was still active. Idles the thread when none is. */
  private forget(id: number): boolean {
    const was = this.active.delete(id);
    if (this.active.size === 0 && this.worker) {
      clearTimeout(this.idleTimer);
      this.idleTimer = setTimeout(() => void this.stop(), IDLE_MS).unref();
    }
    return was;
  }

  private failAll(error: Error): void {
    const files = [...this.active.values()].map((active) => active.file);
    this.active.clear();
    for (const file of files) file.destroy(error);
  }
}

const thread = new RenderThread();

/** A PDF or XLSX file drawn in the render thread, streamed as it is drawn. */
export const renderInThread = (format: ThreadFormat, header: ReportHeader, data: ReportData): Readable =>
  thread.render(format, header, data);

/** Stops the render thread (it starts again with the next report). */
export const stopRenderThread = (): Promise<void> => thread.stop();

/**
 * Progress for long-running commands: a live line on a terminal, plain log lines elsewhere (CI,
 * containers), so output stays readable in both.
 */
export interface Progress {
  step(message: string): void;
  count(label: string, done: number, total: number): void;
  done(message?: string): void;
}

export function createProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  const live = Boolean(stream.isTTY);
  let started = Date.now();
  let lastCountAt = 0;
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)}s`;
  return {
    step(message) {
      started = Date.now();
      stream.write(live ? `\r\x1b[2K… ${message}` : `… ${message}\n`);
    },
    count(label, done, total) {
      const now = Date.now();
      if (!live && now - lastCountAt < 1000 && done < total) return;
      lastCountAt = now;
      const pct = total ? Math.floor((done / total) * 100) : 100;
      const bar = '█'.repeat(Math.floor(pct / 5)).padEnd(20, '░');
      const line = `${label} ${bar} ${pct}% (${done}/${total}) ${elapsed()}`;
      stream.write(live ? `\r\x1b[2K${line}` : `${line}\n`);
    },
    done(message) {
      if (message)
        stream.write(live ? `\r\x1b[2K✔ ${message} (${elapsed()})\n` : `✔ ${message} (${elapsed()})\n`);
      else if (live) stream.write('\n');
    },
  };
}

import type { Database } from '../db/types.js';
import { GeocoderUnavailableError } from './types.js';

/**
 * A rate limit that holds across every API and worker process sharing the database: each request
 * to the provider first reserves the next free slot (`1/rate` seconds after the previous one) in
 * one atomic statement, then sleeps until its slot. A queue with a single worker would hold only per
 * process (each process runs one job per queue), and a token kept in memory not even that.
 */
export interface Throttle {
  /** Resolves when this caller may send its request. */
  acquire(): Promise<void>;
  /** Nobody sends before `seconds` from now (the provider asked for it with Retry-After). */
  pause(seconds: number): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function createThrottle(
  db: Pick<Database, 'query'>,
  provider: string,
  requestsPerSecond: number,
  maxWaitMs = 30_000,
): Throttle {
  const spacingMs = Math.ceil(1000 / requestsPerSecond);
  return {
    async acquire() {
      // The database's clock decides, so processes on machines with drifting clocks agree. A slot
      // further away than maxWaitMs is not taken: the caller gives its worker back and retries later.
      const { rows } = await db.query<{ wait_ms: number }>(
        `insert into geocoder_throttle (provider, next_slot_at)
           values ($1, clock_timestamp() + $2 * interval '1 millisecond')
         on conflict (provider) do update
           set next_slot_at = greatest(geocoder_throttle.next_slot_at, clock_timestamp())
                              + $2 * interval '1 millisecond'
           where geocoder_throttle.next_slot_at <= clock_timestamp() + $3 * interval '1 millisecond'
         returning greatest(0, extract(epoch from (next_slot_at - clock_timestamp())) * 1000 - $2)::float8
           as wait_ms`,
        [provider, spacingMs, maxWaitMs],
      );
      if (!rows[0]) {
        const busy = await db.query<{ wait_s: number }>(
          `select greatest(0, extract(epoch from (next_slot_at - clock_timestamp())))::float8 as wait_s
             from geocoder_throttle where provider = $1`,
          [provider],
        );
        throw new GeocoderUnavailableError(
          'The geocoder is paused by its rate limit',
          Math.ceil(Number(busy.rows[0]?.wait_s ?? 1)),
        );
      }
      const waitMs = Number(rows[0].wait_ms);
      if (waitMs > 0) await sleep(waitMs);
    },
    async pause(seconds) {
      await db.query(
        `insert into geocoder_throttle (provider, next_slot_at)
           values ($1, clock_timestamp() + $2 * interval '1 second')
         on conflict (provider) do update
           set next_slot_at = greatest(geocoder_throttle.next_slot_at, clock_timestamp() + $2 * interval '1 second')`,
        [provider, seconds],
      );
    },
  };
}

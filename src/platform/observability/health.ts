import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { Database } from '../db/types.js';
import { databaseUnavailable } from '../db/pg-errors.js';

const READY_TIMEOUT_MS = 2_000;

const HealthStatus = Type.Object({
  status: Type.String(),
  checks: Type.Optional(Type.Record(Type.String(), Type.String())),
});

/** Liveness (the process answers) and readiness (the database answers within 2 s). */
export function registerHealth(app: FastifyInstance, db: Database): void {
  app.get(
    '/health/live',
    {
      config: { public: true },
      schema: { tags: ['health'], summary: 'Liveness', response: { 200: HealthStatus } },
    },
    async () => ({ status: 'ok' }),
  );

  app.get(
    '/health/ready',
    {
      config: { public: true },
      schema: {
        tags: ['health'],
        summary: 'Readiness: the database answers',
        response: { 200: HealthStatus },
      },
    },
    async () => {
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          db.query('select 1'),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error('timed out')), READY_TIMEOUT_MS);
          }),
        ]);
      } catch (error) {
        throw databaseUnavailable(error);
      } finally {
        clearTimeout(timer);
      }
      return { status: 'ready', checks: { database: 'ok' } };
    },
  );
}

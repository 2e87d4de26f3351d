import type { FastifyInstance } from 'fastify';
import { resourceAction } from '../../../platform/resource/index.js';
import { CreateAdjustmentBody, LedgerEntry, LedgerList, LedgerListQuery } from './ledger.schemas.js';
import type { LedgerService } from './ledger.service.js';

const tag = 'ledger';

/** The ledger is append-only: entries are listed and adjusted, never changed or deleted. */
export function ledgerRoutes(app: FastifyInstance, ledger: LedgerService): void {
  resourceAction(
    app,
    {
      tag,
      method: 'get',
      path: '/ledger',
      summary: 'Ledger entries whose agent is in the data scope, with totals over every filtered entry',
      description: '`totals.net_profit` = revenue − cost − bonus; payout is not part of it.',
      permission: 'ledger:read',
      query: LedgerListQuery,
      response: LedgerList,
    },
    (ctx, _id, _body, query) => ledger.list(ctx, query),
  );
  resourceAction(
    app,
    {
      tag,
      method: 'post',
      path: '/ledger/adjustments',
      summary: 'Write a manual adjustment entry (signed, not zero, with a reason)',
      permission: 'ledger:adjust',
      body: CreateAdjustmentBody,
      response: LedgerEntry,
      status: 201,
    },
    (ctx, _id, body) => ledger.adjust(ctx, body),
  );
}

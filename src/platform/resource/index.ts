export {
  auditSourceOf,
  callContext,
  inTenant,
  iso,
  likeEscape,
  parseSort,
  tenantReadOf,
  tenantTxOf,
  tenantWriteOf,
  type AuditSource,
  type CallContext,
} from './context.js';
export { staleRead, untilFresh } from './guarded-write.js';
export { decodeCursor, encodeCursor, invalidCursor, type CursorPosition } from './cursor.js';
export {
  defineResource,
  envelope,
  KEY,
  type ListOptions,
  type Page,
  type PagePlan,
  type PageQuery,
  type Resource,
  type ResourceCaller,
  type ResourceSpec,
} from './resource.js';
export {
  actionsOf,
  crudRoutes,
  resourceAction,
  type ActionHandler,
  type ActionRoute,
  type CrudRoutesSpec,
} from './routes.js';
export { scopePredicate } from './scope.js';

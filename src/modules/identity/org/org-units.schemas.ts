import { Type, type Static } from 'typebox';
import { IsoDateTime, PaginationQuery, Uuid } from '../../../platform/http/schemas.js';

export const OrgUnit = Type.Object(
  {
    id: Uuid,
    parent_id: Type.Union([Uuid, Type.Null()]),
    name: Type.String(),
    code: Type.Union([Type.String(), Type.Null()]),
    type: Type.String(),
    path: Type.String({ description: 'Materialised path of ids: /root-id/…/id/' }),
    depth: Type.Integer({ minimum: 0 }),
    created_at: IsoDateTime,
    updated_at: IsoDateTime,
    children: Type.Optional(Type.Array(Type.Unknown(), { description: 'Nested units (tree=true)' })),
  },
  { $id: 'OrgUnit' },
);
export type OrgUnit = Static<typeof OrgUnit> & { children?: OrgUnit[] };

const fields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  code: Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Null()]),
  type: Type.String({ pattern: '^[a-z][a-z0-9_]{0,31}$', description: 'region, area, territory…' }),
  parent_id: Type.Union([Uuid, Type.Null()], { description: 'Changing it moves the whole subtree' }),
};

export const CreateOrgUnitBody = Type.Object(
  {
    name: fields.name,
    code: Type.Optional(fields.code),
    type: Type.Optional(fields.type),
    parent_id: Type.Optional(fields.parent_id),
  },
  { additionalProperties: false },
);
export type CreateOrgUnitBody = Static<typeof CreateOrgUnitBody>;

export const UpdateOrgUnitBody = Type.Partial(Type.Object(fields), {
  additionalProperties: false,
  minProperties: 1,
});
export type UpdateOrgUnitBody = Static<typeof UpdateOrgUnitBody>;

export const OrgUnitListQuery = Type.Object({
  ...PaginationQuery.properties,
  limit: Type.Integer({ minimum: 1, maximum: 5000, default: 500, description: 'Page size (1–5000)' }),
  tree: Type.Boolean({ default: false, description: 'Return the nested tree (roots with children)' }),
  parent_id: Type.Optional(Uuid),
  under: Type.Optional(Type.Union([Uuid], { description: 'Only this unit’s subtree (inclusive)' })),
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
});
export type OrgUnitListQuery = Static<typeof OrgUnitListQuery>;

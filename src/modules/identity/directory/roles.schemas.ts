import { Type, type Static } from 'typebox';
import { IsoDateTime, PaginationQuery, Uuid } from '../../../platform/http/schemas.js';

export const Role = Type.Object(
  {
    id: Uuid,
    key: Type.String(),
    name: Type.String(),
    level: Type.Integer(),
    permissions: Type.Array(Type.String()),
    builtin: Type.Boolean(),
    data_scope: Type.Union([
      Type.Literal('own'),
      Type.Literal('team'),
      Type.Literal('org_unit'),
      Type.Literal('tenant'),
    ]),
    user_count: Type.Integer({ minimum: 0 }),
    created_at: IsoDateTime,
    updated_at: IsoDateTime,
  },
  { $id: 'Role' },
);
export type Role = Static<typeof Role>;

const fields = {
  key: Type.String({ pattern: '^[a-z][a-z0-9_]{1,49}$', description: 'Stable key, e.g. sales_director' }),
  name: Type.String({ minLength: 1, maxLength: 100 }),
  level: Type.Integer({ minimum: 1, maximum: 59, description: 'Below admin (60); decides the data scope' }),
  permissions: Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 500 }),
};

export const CreateRoleBody = Type.Object(fields, { additionalProperties: false });
export type CreateRoleBody = Static<typeof CreateRoleBody>;
export const UpdateRoleBody = Type.Partial(Type.Object(fields), {
  additionalProperties: false,
  minProperties: 1,
});
export type UpdateRoleBody = Static<typeof UpdateRoleBody>;

export const RoleListQuery = Type.Object({
  ...PaginationQuery.properties,
  builtin: Type.Optional(Type.Boolean()),
});
export type RoleListQuery = Static<typeof RoleListQuery>;

export const Permission = Type.Object({
  name: Type.String(),
  description: Type.String(),
  roles: Type.Array(Type.String(), { description: 'Built-in roles that have it by default' }),
});

import { Type, type Static } from 'typebox';
import { IsoDateTime, PaginationQuery, sortQuery, Uuid } from '../../../platform/http/schemas.js';

export const TeamMember = Type.Object({
  id: Uuid,
  email: Type.String(),
  first_name: Type.String(),
  last_name: Type.String(),
  status: Type.String(),
  joined_at: IsoDateTime,
});

export const Team = Type.Object(
  {
    id: Uuid,
    name: Type.String(),
    description: Type.Union([Type.String(), Type.Null()]),
    org_unit_id: Type.Union([Uuid, Type.Null()]),
    leader_id: Type.Union([Uuid, Type.Null()]),
    member_count: Type.Integer({ minimum: 0 }),
    members: Type.Optional(Type.Array(TeamMember)),
    created_at: IsoDateTime,
    updated_at: IsoDateTime,
  },
  { $id: 'Team' },
);
export type Team = Static<typeof Team>;

const fields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  description: Type.Union([Type.String({ maxLength: 2000 }), Type.Null()]),
  org_unit_id: Type.Union([Uuid, Type.Null()]),
  leader_id: Type.Union([Uuid, Type.Null()]),
};

export const CreateTeamBody = Type.Object(
  {
    name: fields.name,
    description: Type.Optional(fields.description),
    org_unit_id: Type.Optional(fields.org_unit_id),
    leader_id: Type.Optional(fields.leader_id),
    member_ids: Type.Optional(Type.Array(Uuid, { maxItems: 1000 })),
  },
  { additionalProperties: false },
);
export type CreateTeamBody = Static<typeof CreateTeamBody>;

export const UpdateTeamBody = Type.Partial(Type.Object(fields), {
  additionalProperties: false,
  minProperties: 1,
});
export type UpdateTeamBody = Static<typeof UpdateTeamBody>;

export const MembersBody = Type.Object(
  { user_ids: Type.Array(Uuid, { minItems: 1, maxItems: 1000 }) },
  { additionalProperties: false },
);
export type MembersBody = Static<typeof MembersBody>;

export const TeamListQuery = Type.Object({
  ...PaginationQuery.properties,
  org_unit_id: Type.Optional(Uuid),
  leader_id: Type.Optional(Uuid),
  member_id: Type.Optional(Uuid),
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  sort: sortQuery(['name', 'created_at'], 'name'),
});
export type TeamListQuery = Static<typeof TeamListQuery>;

export const MemberParams = Type.Object({ id: Uuid, user_id: Uuid });

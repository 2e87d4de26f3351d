import { Type, type Static } from 'typebox';
import { IsoDate, IsoDateTime, PaginationQuery, sortQuery, Uuid } from '../../../platform/http/schemas.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

export const User = Type.Object(
  {
    id: Uuid,
    email: Type.String(),
    username: Nullable(Type.String()),
    first_name: Type.String(),
    last_name: Type.String(),
    phone: Nullable(Type.String({ description: 'E.164' })),
    status: Type.Union([Type.Literal('active'), Type.Literal('inactive')]),
    employee_code: Nullable(Type.String()),
    manager_id: Nullable(Uuid),
    org_unit_id: Nullable(Uuid),
    primary_outlet_id: Nullable(Uuid),
    hired_at: Nullable(IsoDate),
    terminated_at: Nullable(IsoDate),
    roles: Type.Array(Type.String(), { description: 'Role keys' }),
    teams: Type.Array(Uuid, { description: 'Ids of the teams the user belongs to' }),
    last_login_at: Nullable(IsoDateTime),
    deactivated_at: Nullable(IsoDateTime),
    created_at: IsoDateTime,
    updated_at: IsoDateTime,
  },
  { $id: 'User' },
);
export type User = Static<typeof User>;

const Email = Type.String({ format: 'email', maxLength: 254 });
/**
 * Letters, digits, `.`, `_`, `-`; 3–64 characters starting with a letter or digit. Never an `@`,
 * so the login field tells an e-mail address from a username by its shape.
 */
export const Username = Type.String({
  pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{2,63}$',
  description: 'Unique in the tenant, case-insensitively; signs in like the e-mail address',
});
/** Checked and normalised by the service (`src/lib/phone.ts`); stored and answered in E.164. */
export const PhoneInput = Type.String({
  maxLength: 32,
  description:
    "Phone number, with a country code (+998 90 123 45 67) or without (90 123 45 67, read in the tenant's default_phone_region); stored in E.164",
});
const Name = Type.String({ minLength: 1, maxLength: 100 });

const editable = {
  email: Email,
  username: Nullable(Username),
  first_name: Name,
  last_name: Type.String({ maxLength: 100 }),
  phone: Nullable(PhoneInput),
  employee_code: Nullable(Type.String({ minLength: 1, maxLength: 64 })),
  manager_id: Nullable(Uuid),
  org_unit_id: Nullable(Uuid),
  primary_outlet_id: Nullable(Uuid),
  hired_at: Nullable(IsoDate),
  terminated_at: Nullable(IsoDate),
};

export const CreateUserBody = Type.Object(
  {
    email: Email,
    password: Type.String({ minLength: 1, maxLength: 1024 }),
    first_name: Name,
    last_name: Type.Optional(editable.last_name),
    username: Type.Optional(editable.username),
    phone: Type.Optional(editable.phone),
    employee_code: Type.Optional(editable.employee_code),
    manager_id: Type.Optional(editable.manager_id),
    org_unit_id: Type.Optional(editable.org_unit_id),
    primary_outlet_id: Type.Optional(editable.primary_outlet_id),
    hired_at: Type.Optional(editable.hired_at),
    terminated_at: Type.Optional(editable.terminated_at),
    roles: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { maxItems: 20 })),
  },
  { additionalProperties: false },
);
export type CreateUserBody = Static<typeof CreateUserBody>;

export const UpdateUserBody = Type.Partial(Type.Object(editable), {
  additionalProperties: false,
  minProperties: 1,
});
export type UpdateUserBody = Static<typeof UpdateUserBody>;

export const RolesBody = Type.Object(
  {
    roles: Type.Array(Type.String({ minLength: 1 }), {
      maxItems: 20,
      description: 'Role keys or ids; replaces the set',
    }),
  },
  { additionalProperties: false },
);
export type RolesBody = Static<typeof RolesBody>;

export const USER_SORT_FIELDS = [
  'created_at',
  'email',
  'first_name',
  'last_name',
  'last_login_at',
  'status',
  'employee_code',
] as const;

export const UserListQuery = Type.Object({
  ...PaginationQuery.properties,
  role: Type.Optional(Type.String({ minLength: 1, description: 'Role key' })),
  team: Type.Optional(Uuid),
  org_unit: Type.Optional(Type.Union([Uuid], { description: 'Org unit id; includes its subtree' })),
  status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('inactive')])),
  q: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 100,
      description: 'Name, e-mail, username or phone number (digits anywhere in the number)',
    }),
  ),
  sort: sortQuery(USER_SORT_FIELDS, 'created_at'),
});
export type UserListQuery = Static<typeof UserListQuery>;

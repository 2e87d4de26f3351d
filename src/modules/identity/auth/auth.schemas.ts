import { Type } from 'typebox';
import { IsoDateTime, Uuid } from '../../../platform/http/schemas.js';

const Email = Type.String({ format: 'email', maxLength: 254 });
const Password = Type.String({ minLength: 1, maxLength: 1024 });
const Name = Type.String({ minLength: 1, maxLength: 100 });

export const RegisterBody = Type.Object(
  {
    tenant_name: Type.String({ minLength: 2, maxLength: 200 }),
    slug: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,62}$' })),
    email: Email,
    password: Password,
    first_name: Name,
    last_name: Type.Optional(Type.String({ maxLength: 100 })),
  },
  { additionalProperties: false },
);

export const ConfirmRegistrationBody = Type.Object(
  { token: Type.String({ minLength: 1, maxLength: 4096 }) },
  { additionalProperties: false },
);

/** JSON `{email|username, password}` or an OAuth2 password-grant form (`username` may be an e-mail). */
export const LoginBody = Type.Object({
  email: Type.Optional(Type.String({ minLength: 1, maxLength: 254 })),
  username: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 254,
      description: 'E-mail address or username; `slug/username` names the tenant of a username',
    }),
  ),
  password: Password,
  tenant: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 63,
      description: "Slug of the user's tenant; needed only for a username several tenants use",
    }),
  ),
  grant_type: Type.Optional(Type.String()),
  scope: Type.Optional(Type.String()),
  client_id: Type.Optional(Type.String()),
  client_secret: Type.Optional(Type.String()),
});

export const RefreshBody = Type.Object(
  { refresh_token: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);
export const LogoutBody = Type.Object(
  { all: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);

export const Me = Type.Object({
  id: Uuid,
  tenant_id: Type.Union([Uuid, Type.Null()]),
  email: Type.String(),
  username: Type.Union([Type.String(), Type.Null()]),
  first_name: Type.String(),
  last_name: Type.String(),
  phone: Type.Union([Type.String(), Type.Null()]),
  status: Type.String(),
  roles: Type.Array(Type.String()),
  permissions: Type.Array(Type.String()),
  scope: Type.String(),
  is_super_admin: Type.Boolean(),
  last_login_at: Type.Union([IsoDateTime, Type.Null()]),
});

export const Profile = Type.Object({
  ...Me.properties,
  pending_email: Type.Union([Type.String(), Type.Null()], {
    description:
      'The address an open e-mail change switches to once its link (mailed there) is opened; null when none is open',
  }),
});

export const TokenResponse = Type.Object({
  access_token: Type.String(),
  refresh_token: Type.String(),
  token_type: Type.Literal('bearer'),
  expires_in: Type.Integer({ description: 'Seconds until the access token expires' }),
  user: Me,
});

export const UpdateMeBody = Type.Object(
  {
    first_name: Type.Optional(Name),
    last_name: Type.Optional(Type.String({ maxLength: 100 })),
    email: Type.Optional(
      Type.String({
        format: 'email',
        maxLength: 254,
        description:
          'A new address takes effect when the link mailed to it is opened (`POST /auth/me/email/confirm`); needs `current_password`',
      }),
    ),
    phone: Type.Optional(Type.Union([Type.String({ maxLength: 40 }), Type.Null()])),
    current_password: Type.Optional(
      Type.String({ minLength: 1, maxLength: 1024, description: 'Required when `email` changes' }),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const ConfirmEmailBody = Type.Object(
  { token: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);

export const ChangePasswordBody = Type.Object(
  { current_password: Password, new_password: Password },
  { additionalProperties: false },
);
export const ForgotBody = Type.Object({ email: Email }, { additionalProperties: false });
export const ResetBody = Type.Object(
  { token: Type.String({ minLength: 1, maxLength: 200 }), password: Password },
  { additionalProperties: false },
);
export const Accepted = Type.Object({ message: Type.String() });

export const Session = Type.Object({
  id: Uuid,
  ip: Type.Union([Type.String(), Type.Null()]),
  user_agent: Type.Union([Type.String(), Type.Null()]),
  created_at: IsoDateTime,
  last_used_at: IsoDateTime,
  expires_at: IsoDateTime,
  current: Type.Boolean(),
});
export const SessionList = Type.Object({ sessions: Type.Array(Session) });

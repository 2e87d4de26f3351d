import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TSchema } from 'typebox';
import { ProblemDocument } from './schemas.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The multipart/form-data body of a route whose handler reads the parts itself (uploads). It is
     * documented as the operation's request body and not validated by Fastify: the parts arrive as a
     * stream the handler checks field by field.
     */
    multipartForm?: TSchema;
  }
}

export const API_PREFIX = '/api/v1';

const ERROR_RESPONSES: Record<string, string> = {
  '400': 'Malformed request',
  '401': 'Not authenticated',
  '403': 'Permission missing',
  '404': 'Not found or not visible',
  '409': 'Conflict or invalid state transition',
  '422': 'Validation failed',
  '429': 'Rate limited',
  '500': 'Unexpected error',
};

interface RouteSchema {
  security?: unknown;
  response?: Record<string, unknown>;
  querystring?: unknown;
  headers?: unknown;
  body?: unknown;
  consumes?: string[];
  [key: string]: unknown;
}

type JsonObject = Record<string, unknown>;
const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Query and header parameters that have a default are filled in by validation (Ajv `useDefaults`),
 * so a request may leave them out; TypeBox lists them as required all the same (`limit`, `sort`).
 * The document marks a parameter required only when a request without it is refused. Works on a
 * copy: the route's own schema is what validates.
 */
export function optionalWhenDefaulted(schema: unknown): unknown {
  if (!isObject(schema)) return schema;
  const copy: JsonObject = { ...schema };
  const properties = copy.properties;
  if (Array.isArray(copy.required) && isObject(properties)) {
    copy.required = copy.required.filter((key) => {
      const property = properties[key as string];
      return !(isObject(property) && 'default' in property);
    });
  }
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    const branches = copy[key];
    if (Array.isArray(branches)) copy[key] = branches.map(optionalWhenDefaulted);
  }
  return copy;
}

/**
 * A multipart form as the docs UI renders it: a field whose value is one of several literals (a
 * TypeBox union of literals, `anyOf` of `const`s) becomes a plain `enum`, which the UI offers as a
 * list to pick from. The form is documentation only, so the validating schema is untouched.
 */
export function formFieldsAsEnums(form: TSchema): JsonObject {
  const schema = form as JsonObject;
  const properties = isObject(schema.properties) ? schema.properties : {};
  const fields = Object.entries(properties).map(([name, field]) => {
    if (!isObject(field) || !Array.isArray(field.anyOf)) return [name, field];
    const values = field.anyOf.map((b) => (isObject(b) && b.type === 'string' ? b.const : undefined));
    if (!values.every((v) => typeof v === 'string')) return [name, field];
    const { anyOf: _anyOf, ...rest } = field;
    return [name, { ...rest, type: 'string', enum: values }];
  });
  return { ...schema, properties: Object.fromEntries(fields) };
}

/**
 * OpenAPI 3.1 generated from the route schemas. Each documented operation gets its security
 * requirement from the route's declaration and the problem-document error responses, so the
 * document cannot drift from what the server enforces.
 */
export async function registerOpenApi(app: FastifyInstance, version: string): Promise<void> {
  app.addSchema(ProblemDocument);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'SalesOps API',
        version,
        description:
          'Multi-tenant sales operations: identity and access, the catalogue and field execution (visits, ' +
          'surveys, shelf photos, goals, call cycles), with CSV/XLSX import and export. Sign in with ' +
          '`POST /api/v1/auth/login` (or **Authorize**) and send the access token as a bearer token; a super ' +
          'admin acts in a tenant with `X-Tenant-ID`. Lists page by `limit`/`offset` or by `cursor` ' +
          '(`next_cursor` of the previous page). Errors are RFC 9457 problem documents with a stable `code`.',
        license: { name: 'MIT', identifier: 'MIT' },
      },
      servers: [{ url: '/' }],
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
          oauth2: {
            type: 'oauth2',
            description: 'Log in with e-mail or username and password (the docs Authorize button).',
            flows: { password: { tokenUrl: `${API_PREFIX}/auth/login`, scopes: {} } },
          },
        },
      },
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
    transform: ({ schema, url, route }) => {
      const documented: RouteSchema = { ...(schema as RouteSchema) };
      const config = route.config ?? {};
      if (documented.querystring) documented.querystring = optionalWhenDefaulted(documented.querystring);
      if (documented.headers) documented.headers = optionalWhenDefaulted(documented.headers);
      if (config.multipartForm) {
        documented.body = formFieldsAsEnums(config.multipartForm);
        documented.consumes = ['multipart/form-data'];
      }
      if (config.public !== true) documented.security = [{ bearerAuth: [] }, { oauth2: [] }];
      const responses = { ...(documented.response ?? {}) };
      for (const [status, description] of Object.entries(ERROR_RESPONSES)) {
        const applies =
          (status !== '401' && status !== '403') || config.public !== true ? !responses[status] : false;
        if (applies) responses[status] = { description, $ref: 'ProblemDocument#' };
      }
      documented.response = responses;
      return { schema: documented as never, url };
    },
  });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: { persistAuthorization: true, docExpansion: 'list', deepLinking: true },
    staticCSP: false,
  });
  // The bare address is where a person lands first: send them to the interactive docs.
  app.get('/', { config: { public: true }, schema: { hide: true } }, (_request, reply) =>
    reply.redirect('/docs', 302),
  );
}

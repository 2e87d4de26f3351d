import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { ProblemDocument } from './schemas.js';

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
  [key: string]: unknown;
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
          'Multi-tenant sales operations: field execution, leads and bonuses, inventory and ERP sync, ' +
          'S&OP planning and customer success. Errors are RFC 9457 problem documents with a stable `code`.',
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
}

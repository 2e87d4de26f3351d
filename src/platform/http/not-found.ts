import type { FastifyInstance, HTTPMethods } from 'fastify';
import FindMyWay from 'find-my-way';
import { sendProblem } from './problem.js';

const MAX_PATH_SHOWN = 100;

/**
 * 404 for paths nothing serves, 405 (with Allow) for paths served under other methods. Fastify itself
 * answers 404 for both, so every route is mirrored into a handler-less router used only to ask
 * "which methods does this path have?".
 */
export function registerNotFound(app: FastifyInstance): void {
  const mirror = FindMyWay({ ignoreTrailingSlash: true });
  const noop = () => undefined;
  app.addHook('onRoute', (route) => {
    const methods = (Array.isArray(route.method) ? route.method : [route.method]) as HTTPMethods[];
    for (const method of methods) {
      try {
        mirror.on(method as never, route.url, noop);
      } catch {
        // the same method+path registered twice (Fastify rejects it itself)
      }
    }
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    // OPTIONS is left out: the CORS preflight route `OPTIONS *` matches every path.
    const allowed = (['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const).filter(
      (method) => method !== request.method && mirror.find(method, path) !== null,
    );
    if (allowed.length) {
      reply.header('allow', allowed.join(', '));
      return sendProblem(request, reply, {
        status: 405,
        code: 'METHOD_NOT_ALLOWED',
        detail: `${request.method} is not supported here; use ${allowed.join(', ')}.`,
      });
    }
    // The path is the client's: quoted only so far.
    const shown = path.length > MAX_PATH_SHOWN ? `${path.slice(0, MAX_PATH_SHOWN)}…` : path;
    return sendProblem(request, reply, {
      status: 404,
      code: 'ROUTE_NOT_FOUND',
      detail: `No route ${request.method} ${shown}.`,
    });
  });
}

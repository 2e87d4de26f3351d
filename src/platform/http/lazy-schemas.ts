import { createRequire } from 'node:module';
import type { FastifyServerOptions } from 'fastify';
import { serializableSchema } from './serializer-schemas.js';

/**
 * Route schemas compiled on a route's first use instead of at start.
 *
 * Fastify compiles every route's validators (Ajv) and response serializers (fast-json-stringify) as
 * the routes are registered: with several hundred routes that was about 4 s of a first start and
 * tens of megabytes of generated code, most of it for routes a process may never serve. These
 * factories wrap Fastify's own compilers so that each function is built the first time it runs and
 * then reused. `compileAll` builds every pending one, for the test that proves all schemas compile.
 */

type AnyFn = (...args: unknown[]) => unknown;
type CompilerFactory = (...factoryArgs: unknown[]) => (routeSchema: unknown) => AnyFn;

const require = createRequire(import.meta.url);
const defaultValidatorFactory = require('@fastify/ajv-compiler') as () => CompilerFactory;
const defaultSerializerFactory = require('@fastify/fast-json-stringify-compiler') as () => CompilerFactory;

type Factories = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>;

export interface LazyCompilers {
  buildValidator: NonNullable<Factories['buildValidator']>;
  buildSerializer: NonNullable<Factories['buildSerializer']>;
  /** Compiles every schema not compiled yet; throws the first compilation error. */
  compileAll(): void;
}

export function lazySchemaCompilers(): LazyCompilers {
  const pending = new Set<() => AnyFn>();

  /**
   * Wraps a compiler factory: each compiler it makes returns a stand-in that compiles on first call.
   * A validator's `errors` are copied onto the stand-in, where Fastify reads them; `schemaEnv` is set
   * so Fastify passes the parent data that lets Ajv coerce a root value (every validator here is Ajv).
   */
  const lazily =
    (factory: CompilerFactory, validator: boolean): CompilerFactory =>
    (...factoryArgs) => {
      const compile = factory(...factoryArgs);
      return (routeSchema) => {
        let compiled: AnyFn | undefined;
        const build = () => {
          if (!compiled) {
            compiled = compile(validator ? routeSchema : forSerializer(routeSchema));
            pending.delete(build);
          }
          return compiled;
        };
        pending.add(build);
        const standIn = Object.assign(
          (...args: unknown[]) => {
            const fn = build();
            const result = fn(...args);
            if (validator) standIn.errors = (fn as AnyFn & { errors?: unknown }).errors;
            return result;
          },
          validator ? { errors: null as unknown, schemaEnv: true } : {},
        );
        return standIn as AnyFn;
      };
    };

  /** The serializer compiles the route's response schema with its unions simplified (see there). */
  const forSerializer = (routeSchema: unknown) => {
    const { schema } = routeSchema as { schema: unknown };
    return { ...(routeSchema as object), schema: serializableSchema(schema) };
  };

  return {
    buildValidator: lazily(defaultValidatorFactory(), true) as unknown as LazyCompilers['buildValidator'],
    buildSerializer: lazily(defaultSerializerFactory(), false) as unknown as LazyCompilers['buildSerializer'],
    compileAll() {
      for (const build of [...pending]) build();
    },
  };
}

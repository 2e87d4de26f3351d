import { readFileSync } from 'node:fs';

/** The subset of JSON Schema the committed OpenAPI document uses for requests. */
export interface Schema {
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  items?: Schema;
  anyOf?: Schema[];
  required?: string[];
  properties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  default?: unknown;
}

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  schema: Schema;
}

export interface Operation {
  /** `GET /api/v1/visits/{id}`: the key counts are kept under. */
  key: string;
  method: string;
  path: string;
  params: Parameter[];
  /** The JSON (or form) body schema, when the route takes one. */
  json?: Schema;
  /** The url-encoded form body schema (login, for the docs' OAuth2 button). */
  form?: Schema;
  /** The multipart form, when the route takes an upload. */
  multipart?: Schema;
  /** Documented as public (no security requirement). */
  public: boolean;
}

type RawOperation = {
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  security?: unknown[];
};

/** Every operation of the committed document (`openapi/openapi.json`), in document order. */
export function loadOperations(file = 'openapi/openapi.json'): Operation[] {
  const document = JSON.parse(readFileSync(file, 'utf8')) as {
    paths: Record<string, Record<string, RawOperation>>;
  };
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => {
      const content = op.requestBody?.content ?? {};
      return {
        key: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        path,
        params: (op.parameters ?? []).map((p) => ({ ...p, required: Boolean(p.required) })),
        json: content['application/json']?.schema,
        form: content['application/x-www-form-urlencoded']?.schema,
        multipart: content['multipart/form-data']?.schema,
        public: !op.security || op.security.length === 0,
      };
    }),
  );
}

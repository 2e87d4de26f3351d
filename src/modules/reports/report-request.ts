import { Compile } from 'typebox/compile';
import type { TSchema } from 'typebox';
import { AppError, forbidden, validationFailed } from '../../platform/http/errors.js';
import { installTypeBoxFormats } from '../../platform/http/formats.js';
import type { Principal } from '../../platform/http/auth.js';
import { REPORT_FORMATS, type ReportFormat, type ReportType } from '../../platform/reports/types.js';

installTypeBoxFormats();
const validators = new WeakMap<TSchema, ReturnType<typeof Compile>>();

/** The formats a type renders (all three unless it says otherwise). */
export const formatsOf = (type: ReportType): readonly ReportFormat[] => type.formats ?? REPORT_FORMATS;

export interface CheckedRequest {
  type: ReportType;
  format: ReportFormat;
  parameters: Record<string, unknown>;
}

/**
 * A report request (a generation or a schedule) checked before anything is written: the type
 * exists, renders the format, the caller may read its data, and the parameters satisfy the
 * type's schema (422 naming each member under `/body/parameters`).
 */
export function checkReportRequest(
  types: readonly ReportType[],
  principal: Principal,
  input: { report_type: string; format: string; parameters?: Record<string, unknown> },
): CheckedRequest {
  const type = types.find((t) => t.key === input.report_type);
  if (!type)
    throw new AppError(422, 'UNKNOWN_REPORT_TYPE', `There is no report type "${input.report_type}".`, {
      errors: [
        { path: '/body/report_type', message: `must be one of: ${types.map((t) => t.key).join(', ')}` },
      ],
    });
  const formats = formatsOf(type);
  if (!formats.includes(input.format as ReportFormat))
    throw new AppError(
      422,
      'UNSUPPORTED_REPORT_FORMAT',
      `The report ${type.key} is not available as "${input.format}".`,
      {
        errors: [{ path: '/body/format', message: `must be one of: ${formats.join(', ')}` }],
      },
    );
  if (!principal.isSuperAdmin && !principal.permissions.has(type.permission))
    throw forbidden(`This report needs the permission ${type.permission}.`);
  const parameters = input.parameters ?? {};
  let validator = validators.get(type.parameters);
  if (!validator) {
    validator = Compile({ ...type.parameters, additionalProperties: false } as TSchema);
    validators.set(type.parameters, validator);
  }
  if (!validator.Check(parameters)) {
    const errors = [
      ...(validator.Errors(parameters) as Iterable<{
        instancePath: string;
        message: string;
        params: Record<string, unknown>;
      }>),
    ].map((e) => ({
      path: `/body/parameters${e.instancePath}${
        typeof e.params.additionalProperty === 'string' ? `/${e.params.additionalProperty}` : ''
      }`,
      message: e.message,
    }));
    throw validationFailed(errors, 'The report parameters are not valid.');
  }
  type.checkParameters?.(parameters);
  return { type, format: input.format as ReportFormat, parameters };
}

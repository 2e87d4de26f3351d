import { escapeHtml } from './escape.js';
import { renderLayout } from './layout.js';

/** A programming error in a mail template or its use (bad definition, missing variable). */
export class MailTemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MailTemplateError';
  }
}

export interface MailTemplateSource {
  /** Plain text; `{{var}}` placeholders are inserted as they are (line breaks become spaces). */
  subject: string;
  /** Plain text body; placeholders are inserted as they are. */
  text: string;
  /** HTML body content; placeholders are HTML-escaped. Wrapped in the common layout unless `layout: false`. */
  html: string;
  layout?: boolean;
}

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

export interface MailTemplate<TVars extends object = Record<string, unknown>> {
  readonly name: string;
  /** Every placeholder the template uses (`user.name` for nested values), sorted. */
  readonly variables: readonly string[];
  /** Throws `MailTemplateError` naming every variable that is missing (undefined or null). */
  render(vars: TVars): RenderedMail;
}

const NAME = /^[a-z][a-z0-9_.-]*$/;
const PLACEHOLDER = /\{\{\s*([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)\s*\}\}/g;

function lookup(vars: object, path: string): unknown {
  let current: unknown = vars;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function format(value: unknown): string {
  return value instanceof Date ? value.toISOString() : String(value);
}

/** The placeholders of one part; anything else between `{{ }}` is a definition error. */
function placeholdersOf(templateName: string, part: string, source: string): string[] {
  const names = [...source.matchAll(PLACEHOLDER)].map((m) => m[1]!);
  const leftover = source.replace(PLACEHOLDER, '');
  const malformed = leftover.match(/\{\{[^}]*\}?\}?/);
  if (malformed) {
    throw new MailTemplateError(
      `Mail template "${templateName}" has a malformed placeholder ${malformed[0]} in its ${part}; ` +
        'use {{name}} or {{object.name}}',
    );
  }
  return names;
}

function fill(source: string, vars: object, encode: (value: string) => string): string {
  return source.replace(PLACEHOLDER, (_, path: string) => encode(format(lookup(vars, path))));
}

/**
 * Registered templates by name, so a message can name its template (jobs, admin tools) and two
 * features cannot silently claim the same name.
 */
export class MailTemplateRegistry {
  private readonly templates = new Map<string, MailTemplate<never>>();

  register<TVars extends object>(template: MailTemplate<TVars>): MailTemplate<TVars> {
    if (this.templates.has(template.name)) {
      throw new MailTemplateError(`Mail template "${template.name}" is already defined`);
    }
    this.templates.set(template.name, template as MailTemplate<never>);
    return template;
  }

  get(name: string): MailTemplate {
    const template = this.templates.get(name);
    if (!template) throw new MailTemplateError(`Unknown mail template "${name}"`);
    return template as unknown as MailTemplate;
  }

  has(name: string): boolean {
    return this.templates.has(name);
  }

  names(): string[] {
    return [...this.templates.keys()].sort();
  }
}

/** The registry `defineMailTemplate` uses unless given another one. */
export const mailTemplates = new MailTemplateRegistry();

/**
 * Defines (and registers) a mail template. `{{var}}` placeholders are filled from the variables:
 * plain in subject and text, HTML-escaped in html. Placeholders are checked here; a missing variable
 * is reported when rendering.
 *
 * ```ts
 * export const passwordReset = defineMailTemplate<{ name: string; link: string }>('identity.password_reset', {
 *   subject: 'Reset your SalesOps password',
 *   text: 'Hello {{name}},\n\nopen {{link}} to choose a new password.',
 *   html: '<p>Hello {{name}},</p><p><a href="{{link}}">Choose a new password</a></p>',
 * });
 * ```
 */
export function defineMailTemplate<TVars extends object>(
  name: string,
  source: MailTemplateSource,
  registry: MailTemplateRegistry = mailTemplates,
): MailTemplate<TVars> {
  if (!NAME.test(name)) {
    throw new MailTemplateError(
      `Invalid mail template name "${name}" (lower case letters, digits, . _ -; e.g. identity.password_reset)`,
    );
  }
  const parts = { subject: source.subject, text: source.text, html: source.html };
  const variables = new Set<string>();
  for (const [part, text] of Object.entries(parts)) {
    for (const variable of placeholdersOf(name, part, text)) variables.add(variable);
  }
  const sorted = [...variables].sort();
  const withLayout = source.layout ?? true;

  const template: MailTemplate<TVars> = {
    name,
    variables: sorted,
    render(vars) {
      const missing = sorted.filter((variable) => lookup(vars, variable) == null);
      if (missing.length) {
        throw new MailTemplateError(
          `Mail template "${name}" is missing variable${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`,
        );
      }
      const subject = fill(parts.subject, vars, (v) => v)
        .replace(/[\r\n]+/g, ' ')
        .trim();
      const html = fill(parts.html, vars, escapeHtml);
      return {
        subject,
        text: fill(parts.text, vars, (v) => v),
        html: withLayout ? renderLayout({ subject, content: html }) : html,
      };
    },
  };
  return registry.register(template);
}

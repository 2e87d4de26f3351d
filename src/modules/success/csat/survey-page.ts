import { createHash } from 'node:crypto';
import { escapeHtml } from '../../../platform/mail/escape.js';
import type { PublicSurveyInfo } from './csat.schemas.js';

/*
 * The public survey page: plain HTML, one inline style sheet, no script, a form that posts back to
 * the page's own address (urlencoded), so it works in any browser with JavaScript off. Every value
 * that is not a constant of this file is escaped.
 */

const CSS = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2933;background:#f5f7fa}
main{max-width:40rem;margin:2rem auto;padding:1.5rem 2rem;background:#fff;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.12)}
.tenant{margin:0;color:#52606d;font-weight:600}
h1{font-size:1.4rem;margin:.25rem 0 1rem}
fieldset{border:0;margin:0 0 1.25rem;padding:0}
legend{font-weight:600;margin-bottom:.25rem}
.hint{color:#52606d;margin:0 0 .5rem;font-size:.9rem}
.scale{display:flex;flex-wrap:wrap;gap:.4rem}
.scale label{display:flex;flex-direction:column;align-items:center;min-width:2.6rem;padding:.4rem .3rem;border:1px solid #9aa5b1;border-radius:6px;cursor:pointer}
.scale label:focus-within{outline:3px solid #2680c2;outline-offset:2px}
label.field{display:block;font-weight:600;margin:.75rem 0 .25rem}
textarea,input[type=text],input[type=email]{width:100%;padding:.5rem;border:1px solid #9aa5b1;border-radius:6px;font:inherit}
button{margin-top:1.25rem;padding:.6rem 1.4rem;border:0;border-radius:6px;background:#0b69a3;color:#fff;font:inherit;font-weight:600;cursor:pointer}
button:focus{outline:3px solid #f0b429;outline-offset:2px}
.error{padding:.75rem 1rem;border-left:4px solid #ba2525;background:#ffeeee;color:#610404}
`;

/** The one style sheet, allowed by its hash: no other style, script, frame or image may load. */
export const SURVEY_PAGE_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(CSS).digest('base64')}'`,
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

/** What the person typed, shown again when the form comes back with an error. */
export interface FormValues {
  score?: string;
  feedback_text?: string;
  submitted_by_name?: string;
  submitted_by_email?: string;
}

function scaleOptions(info: PublicSurveyInfo, chosen: string | undefined): string {
  const options: string[] = [];
  for (let score = info.scale.min; score <= info.scale.max; score++) {
    const checked = chosen === String(score) ? ' checked' : '';
    options.push(
      `<label><input type="radio" name="score" value="${score}" required${checked}><span>${score}</span></label>`,
    );
  }
  return options.join('\n');
}

export function surveyFormPage(info: PublicSurveyInfo, values: FormValues = {}, error?: string): string {
  const value = (key: keyof FormValues) => escapeHtml(values[key] ?? '');
  const { min, max, min_label: low, max_label: high } = info.scale;
  const alert = error ? `<p class="error" role="alert" id="form-error">${escapeHtml(error)}</p>\n` : '';
  const describedBy = error ? 'scale-hint form-error' : 'scale-hint';
  return layout(
    `Survey — ${info.tenant_name}`,
    `<p class="tenant">${escapeHtml(info.tenant_name)}</p>
<h1>We would like your feedback</h1>
${alert}<form method="post">
<fieldset aria-describedby="${describedBy}">
<legend>${escapeHtml(info.question)}</legend>
<p class="hint" id="scale-hint">${min} = ${escapeHtml(low)}, ${max} = ${escapeHtml(high)}</p>
<div class="scale">
${scaleOptions(info, values.score)}
</div>
</fieldset>
<label class="field" for="feedback_text">Comments (optional)</label>
<textarea id="feedback_text" name="feedback_text" rows="4" maxlength="5000">${value('feedback_text')}</textarea>
<label class="field" for="submitted_by_name">Your name (optional)</label>
<input type="text" id="submitted_by_name" name="submitted_by_name" maxlength="200" autocomplete="name" value="${value('submitted_by_name')}">
<label class="field" for="submitted_by_email">Your e-mail (optional)</label>
<input type="email" id="submitted_by_email" name="submitted_by_email" maxlength="254" autocomplete="email" value="${value('submitted_by_email')}">
<button type="submit">Send feedback</button>
</form>`,
  );
}

export function thankYouPage(tenantName: string): string {
  return layout(
    'Thank you',
    `<p class="tenant">${escapeHtml(tenantName)}</p>
<h1>Thank you for your feedback</h1>
<p>Your answer has been received. You can close this page.</p>`,
  );
}

const MESSAGES: Record<string, { title: string; text: string }> = {
  SURVEY_LINK_NOT_FOUND: {
    title: 'This survey link is not valid',
    text: 'Please check that you opened the whole link from your message.',
  },
  SURVEY_LINK_USED: {
    title: 'This survey has already been answered',
    text: 'Each link can be answered once. Thank you for your feedback.',
  },
  SURVEY_LINK_EXPIRED: {
    title: 'This survey link has expired',
    text: 'The survey is closed. Please ask your contact for a new link if you would still like to answer.',
  },
  RATE_LIMITED: {
    title: 'Too many attempts',
    text: 'Please wait a minute, then try again.',
  },
};
const FALLBACK = { title: 'The form could not be read', text: 'Please go back and try again.' };

/** The page for a link that cannot be answered, or a request that could not be served. */
export function problemPage(code: string): string {
  const message = MESSAGES[code] ?? FALLBACK;
  return layout(message.title, `<h1>${escapeHtml(message.title)}</h1>\n<p>${escapeHtml(message.text)}</p>`);
}

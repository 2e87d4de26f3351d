import { STRING_FORMATS } from '../../../platform/http/formats.js';
import type { PublicSubmitBody, PublicSurveyInfo, SurveyFormBody } from './csat.schemas.js';

/**
 * The survey page's form post, checked as `POST /csat/public/submit/{token}` checks its JSON body,
 * but answered with a sentence for the person (the form comes back with it) instead of pointers.
 * Empty optional fields are left out.
 */
export function readSurveyForm(
  info: PublicSurveyInfo,
  form: SurveyFormBody,
): { body: PublicSubmitBody } | { error: string; path: string } {
  const { min, max } = info.scale;
  const score = form.score?.trim() ?? '';
  if (!/^\d{1,2}$/.test(score) || Number(score) < min || Number(score) > max)
    return { error: `Please choose a score from ${min} to ${max}.`, path: '/body/score' };
  const optional = (value: string | undefined) => {
    const trimmed = value?.trim();
    return trimmed ? trimmed : undefined;
  };
  const feedback = optional(form.feedback_text);
  const name = optional(form.submitted_by_name);
  const email = optional(form.submitted_by_email);
  if (feedback && feedback.length > 5000)
    return { error: 'Please keep your comments under 5,000 characters.', path: '/body/feedback_text' };
  if (name && name.length > 200)
    return { error: 'Please keep your name under 200 characters.', path: '/body/submitted_by_name' };
  if (email && (email.length > 254 || !STRING_FORMATS.email!(email)))
    return {
      error: 'Please check your e-mail address, or leave it empty.',
      path: '/body/submitted_by_email',
    };
  return {
    body: {
      score: Number(score),
      ...(feedback ? { feedback_text: feedback } : {}),
      ...(name ? { submitted_by_name: name } : {}),
      ...(email ? { submitted_by_email: email } : {}),
    },
  };
}

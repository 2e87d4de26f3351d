import { escapeHtml } from './escape.js';

/**
 * The HTML frame every templated mail shares: one centred column with inline styles (mail clients
 * ignore <style> blocks and external CSS). `content` is already-escaped HTML; `subject` is plain text.
 */
export function renderLayout({ subject, content }: { subject: string; content: string }): string {
  const title = escapeHtml(subject);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
</head>
<body style="margin:0;padding:0;background:#f4f5f7;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f4f5f7;">
<tr><td align="center" style="padding:24px 12px;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:600px;background:#ffffff;border-radius:6px;">
<tr><td style="padding:24px 32px;font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:1.5;color:#1f2933;">
${content}
</td></tr>
</table>
<p style="font-family:Arial,Helvetica,sans-serif;font-size:12px;color:#7b8794;margin:16px 0 0;">Sent by SalesOps</p>
</td></tr>
</table>
</body>
</html>
`;
}

/**
 * The delivery status of an analyze task's webhooks (`webhooks[]`): one block per endpoint.
 * A webhook URL may carry a token in its query or credentials in its user info: both are cut.
 */

import { redactUrl, redactUrlsInText } from '../../api/redact.js';
import type { AnalyzeTask } from '../../api/types.js';
import { sanitize } from '../sanitize.js';
import { type DetailLine, field, section } from './DetailLines.js';

type Webhook = NonNullable<AnalyzeTask['webhooks']>[number];

/** The URL without user info, query string or fragment (`?…` marks a cut query). */
export function displayWebhookUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return sanitize(redactUrl(url.replace(/\/\/[^/@\s]*@/, '//…@')));
  }
  const userInfo = parsed.username || parsed.password ? '…@' : '';
  const cut = parsed.search || parsed.hash ? '?…' : '';
  return sanitize(`${parsed.protocol}//${userInfo}${parsed.host}${parsed.pathname}${cut}`);
}

function attempts(count: number): string {
  return `${count} attempt${count === 1 ? '' : 's'}`;
}

/** One line per endpoint (state, URL, attempts), plus its last error while it is not delivered. */
function hookLines(hook: Webhook): DetailLine[] {
  const label = hook.delivered ? '✓ delivered' : hook.attempts === 0 ? '… not sent yet' : '✗ not delivered';
  const tone = hook.delivered ? 'ok' : hook.attempts === 0 ? 'waiting' : 'failed';
  const tried = hook.attempts === 0 ? '' : `  (${attempts(hook.attempts)})`;
  return [
    { label, value: `${displayWebhookUrl(hook.url)}${tried}`, tone },
    ...(hook.delivered
      ? []
      : field('  last error', sanitize(redactUrlsInText(hook.last_error ?? '')), 'failed')),
  ];
}

export function webhookLines(hooks: AnalyzeTask['webhooks']): DetailLine[] {
  if (!hooks?.length) return [];
  return [section('Webhooks'), ...hooks.flatMap(hookLines)];
}

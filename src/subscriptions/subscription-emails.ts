// The transactional emails of the subscription lifecycle (confirm, welcome),
// compiled from MJML once per process and filled per subscriber.
import { createHmac } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Config } from '../config.js';
import path from 'node:path';
import { compileEmailTemplate, htmlToText, TEMPLATES_DIR, type EmailTemplate } from '../mail/templates.js';

export const SUBSCRIPTION_TEMPLATES = ['confirm', 'welcome'] as const;
export type SubscriptionTemplate = (typeof SUBSCRIPTION_TEMPLATES)[number];

let loading: Promise<Map<SubscriptionTemplate, EmailTemplate>> | undefined;

/** Compiles only this module's templates, so a broken template elsewhere cannot stop confirmations. */
export function loadSubscriptionTemplates(dir = TEMPLATES_DIR): Promise<Map<SubscriptionTemplate, EmailTemplate>> {
  loading ??= Promise.all(
    SUBSCRIPTION_TEMPLATES.map(
      async (name) =>
        [name, await compileEmailTemplate(name, await readFile(path.join(dir, `${name}.mjml`), 'utf8'))] as const,
    ),
  ).then((entries) => new Map(entries));
  // A failed compile is not cached: the next job tries again.
  loading.catch(() => {
    loading = undefined;
  });
  return loading;
}

export interface RenderedEmail {
  html: string;
  text: string;
}

export async function renderSubscriptionEmail(
  name: SubscriptionTemplate,
  data: Record<string, unknown>,
): Promise<RenderedEmail> {
  const template = (await loadSubscriptionTemplates()).get(name);
  if (!template) throw new Error(`email template ${name} is missing`);
  const html = template.html(data);
  return { html, text: htmlToText(html) };
}

/** Deterministic Message-ID: a retried job produces the same message. Opaque: an HMAC, so no row id shows. */
export function transactionalMessageId(
  config: Pick<Config, 'publicUrl' | 'secretKey'>,
  kind: string,
  subscriberId: number,
  at: Date,
): string {
  const tag = createHmac('sha256', config.secretKey)
    .update(`message-id:${kind}:${subscriberId}:${at.getTime()}`)
    .digest('hex')
    .slice(0, 24);
  return `<${tag}@${new URL(config.publicUrl).hostname}>`;
}

/**
 * The `alerts` section of icsync.yaml: who is told (e-mail over SMTP, a webhook), about what (a
 * record that needs a person, a flow failing N runs in a row, lag above a threshold), and how
 * often (one digest per `digest` interval, never one message per event).
 */
import { z } from 'zod';
import { duration, flag, httpUrl, positiveWholeNumber, secret, wholeNumber } from '../core/settings.js';

const emailSchema = z
  .object({
    host: z.string().min(1).describe('SMTP server, e.g. smtp.example.si.'),
    port: wholeNumber().default(587).describe('587 (STARTTLS), 465 (TLS from the start: secure true) or 25.'),
    secure: flag().default(false).describe('TLS from the first byte (port 465). With false, STARTTLS is used when the server offers it.'),
    requireTls: flag().default(false).describe('Refuse to send unless the connection is encrypted (STARTTLS on port 587).'),
    user: z.string().optional().describe('SMTP user; without it icsync does not log in.'),
    password: secret('the SMTP password').optional().describe('SMTP password. Use ${ENV_VAR} or ${file:/path}; it never appears in logs.'),
    from: z.string().min(3).describe('Sender, e.g. "icsync <icsync@example.si>".'),
    to: z.array(z.string().min(3)).min(1).describe('Recipients.'),
    subjectPrefix: z.string().default('[icsync]').describe('Put before every subject, for mail filters.'),
  })
  .strict();

const webhookSchema = z
  .object({
    url: httpUrl().describe('Slack or Microsoft Teams incoming-webhook URL, or any endpoint that takes JSON.'),
    secretHeader: secret('the webhook header value')
      .optional()
      .describe('Value of the Authorization header sent with every call (for a generic receiver); ${ENV_VAR} or ${file:/path}.'),
    timeout: duration().default(duration().parse('10s')),
  })
  .strict();

export const alertsSchema = z
  .object({
    enabled: flag().default(true).describe('Whether icsync run sends alerts (when email or webhook is set).'),
    email: emailSchema.optional(),
    webhook: webhookSchema.optional(),
    needsPerson: flag().default(true).describe('Alert when a record starts to wait for a person (needs_attention).'),
    failedRunsInARow: positiveWholeNumber().default(3).describe('Alert when a flow fails this many runs in a row.'),
    lagAbove: duration().default(duration().parse('2h')).describe('Alert when a flow has not finished a good run for longer than this.'),
    digest: duration().default(duration().parse('10m')).describe('Alerts are collected this long and sent as one message.'),
    checkEvery: duration().default(duration().parse('1m')).describe('How often icsync looks for new alerts.'),
    maxItems: positiveWholeNumber().default(50).describe('Lines one message lists; the rest are counted ("and 120 more").'),
  })
  .strict();

export type AlertsConfig = z.infer<typeof alertsSchema>;

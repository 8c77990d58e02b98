/** Where a digest goes: e-mail over SMTP (nodemailer) and a webhook (JSON over HTTP, undici). */
import type { Transporter } from 'nodemailer';
import { request } from 'undici';
import type { AlertsConfig } from './config.js';
import type { Digest } from './message.js';

export interface Channel {
  name: 'email' | 'webhook';
  send(digest: Digest): Promise<void>;
  close(): void;
}

/** Longest webhook answer read (the answer only says ok or not; it is not trusted further). */
const MAX_ANSWER = 4096;

export function emailChannel(settings: NonNullable<AlertsConfig['email']>): Channel {
  // nodemailer is loaded on the first message, so `icsync run` without e-mail alerts does not pay for it at start.
  let transport: Transporter | undefined;
  const open = async (): Promise<Transporter> => {
    const { createTransport } = await import('nodemailer');
    return createTransport({
      host: settings.host,
      port: settings.port,
      secure: settings.secure,
      requireTLS: settings.requireTls,
      ...(settings.user !== undefined && { auth: { user: settings.user, pass: settings.password ?? '' } }),
      connectionTimeout: 15_000,
      greetingTimeout: 15_000,
      socketTimeout: 30_000,
    });
  };
  return {
    name: 'email',
    async send(digest) {
      transport ??= await open();
      await transport.sendMail({ from: settings.from, to: settings.to, subject: `${settings.subjectPrefix} ${digest.subject}`.trim(), text: digest.text });
    },
    close: () => transport?.close(),
  };
}

export function webhookChannel(settings: NonNullable<AlertsConfig['webhook']>): Channel {
  return {
    name: 'webhook',
    async send(digest) {
      const answer = await request(settings.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(settings.secretHeader !== undefined && { authorization: settings.secretHeader }) },
        body: JSON.stringify(digest.json),
        headersTimeout: settings.timeout,
        bodyTimeout: settings.timeout,
      });
      let read = 0;
      for await (const chunk of answer.body) {
        read += (chunk as Buffer).length;
        if (read > MAX_ANSWER) break;
      }
      answer.body.destroy();
      if (answer.statusCode < 200 || answer.statusCode >= 300) throw new Error(`the webhook answered HTTP ${answer.statusCode}`);
    },
    close: () => undefined,
  };
}

/** The channels the settings name, e-mail first. */
export function channelsFrom(settings: AlertsConfig): Channel[] {
  return [...(settings.email ? [emailChannel(settings.email)] : []), ...(settings.webhook ? [webhookChannel(settings.webhook)] : [])];
}

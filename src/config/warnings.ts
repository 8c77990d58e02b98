/**
 * Settings that work but expose something: TLS verification turned off, or a password or token
 * sent in clear text over http://. Said by `icsync config check` and `icsync doctor`, and logged
 * when `icsync run` starts, so nobody runs that way without knowing it.
 * Loopback addresses (127.0.0.0/8, ::1, localhost) are exempt: nothing leaves the machine.
 */
import type { Config } from './schema.js';

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

function overHttp(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' && !LOOPBACK.test(parsed.hostname);
  } catch {
    return false;
  }
}

const tlsOff = (system: string, setting: string, what: string): string =>
  `TLS verification is off for ${system} (${setting}.insecureSkipVerify: true): anyone on the network path can read ${what} and change the data in transit. ` +
  `Set ${setting}.caFile to the server's CA certificate and remove insecureSkipVerify.`;

export function securityWarnings(config: Config): string[] {
  const warnings: string[] = [];
  if (config.erp.type === 'icenter') {
    const icenter = config.erp.icenter;
    if (icenter.tls.insecureSkipVerify) warnings.push(tlsOff('iCenter', 'erp.icenter.tls', 'the iCenter password'));
    if (overHttp(icenter.baseUrl)) {
      warnings.push(
        `erp.icenter.baseUrl uses http://: the iCenter user and password go over the network in clear text with every request (HTTP Basic). ` +
          'Use https:// (with erp.icenter.tls.caFile for a self-signed certificate).',
      );
    }
  }
  if (config.shop.type === 'magento') {
    const magento = config.shop.magento;
    if (magento.tls.insecureSkipVerify) warnings.push(tlsOff('Magento', 'shop.magento.tls', 'the shop credentials'));
    // OAuth 1.0a signs requests without sending its secrets; a password or bearer token goes as it is.
    if (overHttp(magento.baseUrl) && magento.auth.kind !== 'oauth') {
      const what = magento.auth.kind === 'admin-token' ? 'the admin password and token' : 'the bearer token';
      warnings.push(`shop.magento.baseUrl uses http://: ${what} go over the network in clear text. Use https://.`);
    }
  }
  return warnings;
}

/**
 * The shared HTTP client (src/core/http) configured for iCenter. Two pools:
 * - `main` for every call, with retries for safe requests and a circuit breaker;
 * - `probe` for GetOrder look-ups of numbers that may not exist: CAP, some installations
 *   answer a missing order with HTTP 500, which must be neither retried nor counted by the
 *   breaker as an outage.
 */
import { createHttpClient, type HttpClient, type HttpClientOptions } from '../../core/http/client.js';
import type { Logger } from '../../core/log.js';
import type { RawRequest, RawResponse, Transport } from './client.js';
import type { IcenterSettings } from './config.js';
import { TARGET } from './errors.js';
import type { RemoteCallInfo } from '../../core/ports.js';

export type { RemoteCallInfo };

export interface TransportDeps {
  logger?: Logger;
  onRemoteCall?: (info: RemoteCallInfo) => void;
}

/** Route label without ids, so metrics stay low-cardinality (`GET api/Order/GetOrder`). */
const routeOf = (method: string, path: string): string => `${method} ${path.split('/').slice(0, 3).join('/')}`;

export function createIcenterTransport(settings: IcenterSettings, deps: TransportDeps): Transport & { sendProbe(request: RawRequest): Promise<RawResponse> } {
  const common: HttpClientOptions = {
    name: TARGET,
    baseUrl: settings.baseUrl,
    timeouts: { connectMs: settings.timeouts.connect, headersMs: settings.timeouts.request, bodyMs: settings.timeouts.request },
    maxConcurrent: settings.maxConcurrent,
    retry: { maxAttempts: settings.retry.attempts, baseDelayMs: settings.retry.baseDelay, maxDelayMs: settings.retry.maxDelay },
    circuitBreaker: { failureThreshold: settings.retry.pauseAfterFailures, halfOpenAfterMs: settings.retry.pauseFor },
    tls: { ...(settings.tls.caFile ? { caFile: settings.tls.caFile } : {}), insecureSkipVerify: settings.tls.insecureSkipVerify, settingPath: 'erp.icenter.tls' },
    secrets: [settings.password],
    maxResponseBytes: settings.maxResponseBytes,
    maxResponseSetting: 'erp.icenter.maxResponseBytes',
    ...(deps.logger ? { logger: deps.logger } : {}),
    onRequest: (event) => {
      if (event.outcome === 'retry') return;
      deps.onRemoteCall?.({ target: event.target, method: event.method, route: event.route, status: event.status ?? 'error', durationMs: event.durationMs });
    },
  };
  const main = createHttpClient(common);
  const probe = createHttpClient({ ...common, maxConcurrent: 1, retry: { maxAttempts: 1 }, circuitBreaker: { failureThreshold: 1_000_000 } });

  const sendWith = async (client: HttpClient, request: RawRequest): Promise<RawResponse> => {
    const response = await client.request({
      method: request.method,
      path: `/${request.path}`,
      ...(request.query ? { query: request.query } : {}),
      headers: request.headers,
      ...(request.body ? { body: Buffer.from(request.body) } : {}),
      retrySafe: request.retrySafe,
      routeLabel: routeOf(request.method, request.path),
    });
    return { status: response.status, headers: response.headers, body: response.body };
  };

  return {
    send: (request) => sendWith(main, request),
    sendProbe: (request) => sendWith(probe, request),
    close: async () => {
      await Promise.all([main.close(), probe.close()]);
    },
  };
}

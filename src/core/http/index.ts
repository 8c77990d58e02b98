export { createHttpClient, expectOk, HTTP_DEFAULTS } from './client.js';
export type { HttpClient, HttpClientOptions, HttpRequest, HttpResponse, RequestEvent, QueryValue, ExpectOkContext } from './client.js';
export type { TlsOptions } from './tls.js';
export type { RetryOptions } from './retry.js';
export { backoffDelayMs, parseRetryAfter, isIdempotentMethod } from './retry.js';
export { remoteMessage } from './remote-message.js';
export { redactHeaders, redactPathAndQuery } from './redact.js';
export { fenced, currentFence, FenceRefusedError, type WriteFence } from './fence.js';

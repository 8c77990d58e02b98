/**
 * iCenter over HTTP: every call sends Basic auth and the OrganisationId header, decodes the
 * answer (charset → strict UTF-8 → windows-1250), parses XML, and turns every failure into
 * one SyncError class carrying iCenter's own message. Transport concerns (pooling, timeouts,
 * bounded concurrency, retries, circuit breaker, TLS) live in the shared HTTP layer.
 */
import type { ErrorRecord } from '../../core/errors.js';
import { isSyncError, toSyncError } from '../../core/errors.js';
import type { IcenterSettings } from './config.js';
import { decodeBody, decodeHeaderText, encodeRequestBody } from './encoding.js';
import { httpFailure, resultFailure, TARGET, wrongDocument, type FailureContext } from './errors.js';
import { readWriteResult, type WriteResult } from './results.js';
import { countElements, parseXml, xmlDocument, type XmlNode, type XmlOut } from './xml.js';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Uint8Array;
}

export interface RawRequest {
  method: 'GET' | 'POST' | 'PATCH';
  /** Path below the base URL, e.g. `api/Item/GetItemsGeneralData`. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: Uint8Array;
  headers: Record<string, string>;
  /** Whether repeating the request after a failure is safe (reads: yes; creating a document: no). */
  retrySafe: boolean;
}

/** What carries bytes to iCenter: the shared HTTP client, adapted in transport.ts. */
export interface Transport {
  send(request: RawRequest): Promise<RawResponse>;
  /** One try, no circuit breaker: for look-ups where an error status may just mean "no such document". */
  sendProbe?(request: RawRequest): Promise<RawResponse>;
  close(): Promise<void>;
}

export interface CallContext {
  /** What we were doing, for the error sentence: "reading items page 3". */
  doing: string;
  record?: ErrorRecord;
}

/**
 * The document a read asks for. Anything else answered with a 2xx (a login or proxy page, an
 * empty body, JSON, another root) is a transient error naming the request, never "no rows".
 */
export interface Expected {
  /** Root element names accepted; `ArrayOf*` accepts any name with that prefix (lists whose row name is not public). */
  roots: readonly string[];
  /** A list page: more than `max` `<row>` elements is refused before the body is parsed. */
  rows?: { name: string; max: number };
}

export interface ReadOptions {
  expect: Expected;
  /** Statuses that mean "no such document" (they come back as undefined). */
  acceptMissing?: readonly number[];
  probe?: boolean;
}

/** The envelopes a write answers with (docs/contracts/icenter.md#write-results), ArrayOfError included (a 2xx one is read as a rejection). */
const WRITE_RESULT: Expected = { roots: ['CreateResult', 'UpdateResult', 'DeleteResult', 'CreateResultWithDocumentsKeys', 'UpdateResultWithDocumentsKeys', 'ArrayOfError'] };

const rootAccepted = (root: string, roots: readonly string[]): boolean =>
  roots.some((name) => (name.endsWith('*') ? root.startsWith(name.slice(0, -1)) : root === name));

export interface XmlAnswer {
  status: number;
  root: string;
  node: XmlNode;
}

const header = (headers: RawResponse['headers'], name: string): string | undefined => {
  const value = headers[name] ?? headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
};

export function createIcenterClient(settings: IcenterSettings, transport: Transport) {
  const auth = `Basic ${Buffer.from(`${settings.user}:${settings.password}`, 'utf8').toString('base64')}`;
  const baseHeaders: Record<string, string> = {
    authorization: auth,
    organisationid: String(settings.organisationId),
    accept: 'application/xml',
  };
  const failureContext = (ctx: CallContext): FailureContext => ({
    doing: ctx.doing,
    user: settings.user,
    organisationId: settings.organisationId,
    ...(ctx.record ? { record: ctx.record } : {}),
  });

  async function exchange(
    request: Omit<RawRequest, 'headers'> & { headers?: Record<string, string> },
    ctx: CallContext,
    options: { probe?: boolean; acceptMissing?: readonly number[] } = {},
  ): Promise<{ response: RawResponse; text: string } | undefined> {
    let response: RawResponse;
    try {
      const send = options.probe && transport.sendProbe ? transport.sendProbe : transport.send;
      response = await send({ ...request, headers: { ...baseHeaders, ...request.headers } });
    } catch (error) {
      // The HTTP layer throws for 5xx; for a probe, a status that means "missing" is an answer.
      if (isSyncError(error) && error.status !== undefined && options.acceptMissing?.includes(error.status)) return undefined;
      if (isSyncError(error)) throw error;
      throw toSyncError(error, { target: TARGET, doing: `iCenter, ${ctx.doing}`, secrets: [settings.password], ...(ctx.record ? { record: ctx.record } : {}) });
    }
    const { text } = decodeBody(response.body, header(response.headers, 'content-type'));
    return { response, text };
  }

  function failIfError(response: RawResponse, text: string, ctx: CallContext): void {
    if (response.status >= 200 && response.status < 300) return;
    const retryAfter = header(response.headers, 'retry-after');
    // The header carries the message as bytes of the response's code page, like the body (docs/contracts/icenter.md#errors and docs/contracts/icenter.md#encodings).
    const raw = header(response.headers, 'x-icenter-message');
    const message = raw === undefined ? undefined : decodeHeaderText(raw);
    const retryAfterMs = retryAfter && /^\d+$/.test(retryAfter.trim()) ? Number(retryAfter) * 1000 : undefined;
    throw httpFailure(response.status, text, { ...(message ? { message } : {}), ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) }, failureContext(ctx));
  }

  /** Checks a 2xx read answer is the document asked for, then parses it. */
  function readDocument(path: string, response: RawResponse, text: string, ctx: CallContext, expect: Expected, method = 'GET'): XmlAnswer {
    const request = `${method} ${path}`;
    const wrong = (what: string) => wrongDocument(what, request, expect.roots, response.status, text, failureContext(ctx));
    if (response.status === 204 || text.trim() === '') throw wrong(response.status === 204 ? 'an empty answer (HTTP 204)' : 'an empty body');
    const contentType = header(response.headers, 'content-type');
    // iCenter (ASP.NET Web API) labels its XML; a missing label is let through to the body checks.
    if (contentType !== undefined && !/xml/i.test(contentType)) throw wrong(`content of type ${contentType.split(';')[0]!.trim()}`);
    if (expect.rows) {
      const count = countElements(text, expect.rows.name, expect.rows.max);
      if (count > expect.rows.max) throw wrong(`a page with more than ${expect.rows.max} ${expect.rows.name} rows, more than the page size asked for`);
    }
    let answer: XmlAnswer;
    try {
      answer = { status: response.status, ...parseXml(text) };
    } catch (error) {
      throw wrong(`XML that could not be read: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (!rootAccepted(answer.root, expect.roots)) throw wrong(`an XML document with the root <${answer.root}>`);
    return answer;
  }

  return {
    /**
     * A read of the document `options.expect` names. `acceptMissing` lists statuses that mean
     * "no such document" (GetOrder answers 204/400/404/500 for a missing number [CAP]); they come
     * back as undefined. Any other answer that is not that document throws (transient).
     */
    async get(path: string, query: RawRequest['query'], ctx: CallContext, options: ReadOptions): Promise<XmlAnswer | undefined> {
      const answer = await exchange({ method: 'GET', path, ...(query ? { query } : {}), retrySafe: true }, ctx, options);
      if (!answer) return undefined;
      const { response, text } = answer;
      if (options.acceptMissing?.includes(response.status)) return undefined;
      failIfError(response, text, ctx);
      return readDocument(path, response, text, ctx, options.expect);
    },

    /** A write: never retried by the HTTP layer unless `retrySafe`; the envelope is checked (HTTP 200 is no proof). */
    async write(method: 'POST' | 'PATCH', path: string, root: string, children: XmlOut[], ctx: CallContext, options: { retrySafe?: boolean; query?: RawRequest['query'] } = {}): Promise<WriteResult> {
      const body = encodeRequestBody(xmlDocument(root, children), settings.requestEncoding.bom);
      const answer = await exchange(
        { method, path, body, headers: { 'content-type': 'application/xml; charset=utf-8' }, retrySafe: options.retrySafe ?? false, ...(options.query ? { query: options.query } : {}) },
        ctx,
      );
      if (!answer) throw new Error('unreachable: a write accepts no missing status');
      const { response, text } = answer;
      failIfError(response, text, ctx);
      // "HTTP 200 ni dokaz" (docs/contracts/icenter.md#write-results): only a result envelope says what happened. Anything
      // else (a login page, an empty body) is transient; the write may have taken effect, which
      // the callers' look-up before a repeat (orders, customers) is there for.
      const parsed = readDocument(path, response, text, ctx, WRITE_RESULT, method);
      const result = readWriteResult(parsed.root, parsed.node, settings.warningsAreSuccess);
      if (!result.ok) throw resultFailure(result, response.status, failureContext(ctx));
      return result;
    },

    close: () => transport.close(),
  };
}

export type IcenterClient = ReturnType<typeof createIcenterClient>;

/**
 * iCenter failures as the three SyncError classes (docs/contracts/icenter.md#errors), each carrying iCenter's
 * own message when it gave one:
 * - 401/403, and ResultCode Unauthorized → configuration (user, password or OrganisationId);
 * - 409 ArrayOfError, ValidationError, other 4xx, 200 with ResultCode Error/Conflict/NotFound → business;
 * - 408/429/5xx, network failures, HTML or truncated bodies from a proxy → transient.
 */
import { businessError, classifyHttpStatus, configurationError, transientError, type ErrorRecord, type SyncError } from '../../core/errors.js';
import { list, parseXml, text, type XmlNode } from './xml.js';

export const TARGET = 'icenter';

export interface IcenterErrorEntry {
  level?: string;
  message: string;
}

/** Messages of `ArrayOfError/Error` or of a result's `Errors/Error`. */
export function errorsOf(root: string, node: XmlNode): IcenterErrorEntry[] {
  const errors = root === 'ArrayOfError' ? list(node, 'Error') : list(node.Errors as XmlNode | undefined, 'Error');
  return errors
    .map((e) => ({ level: text(e, 'Level'), message: text(e, 'Message') ?? '' }))
    .filter((e) => e.message !== '' || e.level !== undefined)
    .map((e) => (e.level === undefined ? { message: e.message } : { level: e.level, message: e.message }));
}

/** A short remote message from whatever the body is: XML errors, an HTML title, or plain text. */
export function remoteMessageOf(body: string, headerMessage?: string): string | undefined {
  const trimmed = body.trim();
  if (trimmed.startsWith('<')) {
    try {
      const { root, node } = parseXml(trimmed);
      const messages = errorsOf(root, node).map((e) => e.message).filter((m) => m !== '');
      if (messages.length > 0) return messages.join(' | ');
      const message = text(node, 'Message') ?? text(node, 'ExceptionMessage');
      if (message) return message;
    } catch {
      // Not XML iCenter wrote (an HTML error page, a cut-off body): fall through to its title.
    }
    const title = /<title[^>]*>([^<]*)<\/title>/i.exec(trimmed)?.[1]?.trim();
    if (title) return title.slice(0, 200);
  } else if (trimmed !== '') {
    return trimmed.slice(0, 200);
  }
  return headerMessage?.trim() || undefined;
}

export interface FailureContext {
  /** What we were doing, e.g. "creating order for shop order 000000123". */
  doing: string;
  record?: ErrorRecord;
  user: string;
  organisationId: number;
}

const withRecord = (record: ErrorRecord | undefined) => (record ? { record } : {});

function authSentence(ctx: FailureContext): string {
  return `iCenter refused user "${ctx.user}" for organisation ${ctx.organisationId} while ${ctx.doing}: check erp.icenter.user, erp.icenter.password and erp.icenter.organisationId.`;
}

/** A non-2xx answer as a SyncError. */
export function httpFailure(status: number, body: string, headers: { message?: string; retryAfterMs?: number }, ctx: FailureContext): SyncError {
  const remoteMessage = remoteMessageOf(body, headers.message) ?? headers.message;
  const base = { target: TARGET, status, ...withRecord(ctx.record), ...(remoteMessage ? { remoteMessage } : {}) };
  const said = remoteMessage ? `: ${remoteMessage}` : '';
  switch (classifyHttpStatus(status)) {
    case 'configuration':
      return configurationError({ ...base, sentence: authSentence(ctx) });
    case 'transient':
      return transientError({
        ...base,
        ...(headers.retryAfterMs !== undefined ? { retryAfterMs: headers.retryAfterMs } : {}),
        sentence: `iCenter answered HTTP ${status} while ${ctx.doing}${said}. It will be retried.`,
      });
    case 'business':
      return businessError({ ...base, sentence: `iCenter rejected ${ctx.doing} (HTTP ${status})${said}. Correct the data in the shop or in iCenter, then retry.` });
  }
}

/** A 2xx write answer whose envelope says it failed (ResultCode other than Ok/Created, or Errors). */
export function resultFailure(
  result: { resultCode?: string; errors: IcenterErrorEntry[]; keys?: Map<string, string> },
  status: number,
  ctx: FailureContext,
): SyncError {
  const { resultCode, errors } = result;
  const remoteMessage = errors.map((e) => e.message).filter((m) => m !== '').join(' | ') || undefined;
  const base = { target: TARGET, status, ...withRecord(ctx.record), ...(remoteMessage ? { remoteMessage } : {}) };
  if (resultCode === 'Unauthorized') return configurationError({ ...base, sentence: authSentence(ctx) });
  const said = remoteMessage ? `: ${remoteMessage}` : '';
  const onlyWarnings = errors.length > 0 && errors.every((e) => e.level === 'Warning');
  if (onlyWarnings && (resultCode === 'Created' || resultCode === 'Ok')) {
    // iCenter probably stored the record: the sentence says so, so nobody enters it a second time blindly.
    const keys = [...(result.keys ?? new Map<string, string>())].map(([k, v]) => (k ? `${k}=${v}` : v)).join(', ');
    return businessError({
      ...base,
      sentence:
        `iCenter answered ${resultCode} while ${ctx.doing}, but with warnings${said}. The record may exist in iCenter${keys ? ` (${keys})` : ''}: ` +
        "check it there before retrying. If this installation's warnings are harmless, set erp.icenter.warningsAreSuccess: true.",
    });
  }
  return businessError({
    ...base,
    sentence: `iCenter rejected ${ctx.doing} (ResultCode ${resultCode ?? 'none'})${said}. Correct the data in the shop or in iCenter, then retry.`,
  });
}

/**
 * A 2xx read answer that is not the document asked for: a login or proxy page, an empty body,
 * JSON, another root, a page with more rows than asked for. Nothing is taken from it; it is
 * transient (a proxy, a restart, a misrouted request), and the flow's cursor stays where it was.
 */
export function wrongDocument(what: string, request: string, roots: readonly string[], status: number, body: string, ctx: FailureContext): SyncError {
  const said = body.trim().startsWith('<?xml') ? undefined : remoteMessageOf(body);
  const expected = roots.map((root) => `<${root}>`).join(' or ');
  return transientError({
    target: TARGET,
    status,
    ...withRecord(ctx.record),
    ...(said ? { remoteMessage: said.slice(0, 200) } : {}),
    sentence:
      `iCenter answered ${request} (while ${ctx.doing}) with ${what}${said ? ` ("${said.slice(0, 120)}")` : ''} instead of the ${expected} document. ` +
      'A proxy, a login page or a restarting server may have answered; nothing was read from it and it will be retried.',
  });
}

/** A business error about one record, with no HTTP behind it (e.g. a SKU iCenter does not know). */
export function recordProblem(sentence: string, record: ErrorRecord, remoteMessage?: string): SyncError {
  return businessError({ target: TARGET, record, sentence, ...(remoteMessage ? { remoteMessage } : {}) });
}

/** A setting that does not fit the installation. */
export function settingProblem(sentence: string, status?: number, remoteMessage?: string): SyncError {
  return configurationError({ target: TARGET, sentence, ...(status !== undefined ? { status } : {}), ...(remoteMessage ? { remoteMessage } : {}) });
}

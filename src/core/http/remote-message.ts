/**
 * A short, readable version of what a remote system said in an error answer. Error bodies come
 * as Magento JSON (`{"message": "...%1...", "parameters": [...]}`), iCenter XML
 * (`<ArrayOfError><Error><Message>…`), or a proxy's HTML page; a person needs one line, never
 * a whole HTML document.
 *
 * Bytes are decoded the way iCenter needs (docs/contracts/icenter.md#encodings): the Content-Type charset, then strict
 * UTF-8, and only when the bytes are not UTF-8, windows-1250 (some iCenter answers are, with or
 * without a charset). Valid UTF-8, which is all Magento sends, decodes as before.
 */
import iconv from 'iconv-lite';

const MAX_LENGTH = 300;

export interface DecodedBody {
  text: string;
  /** The encoding actually used. */
  encoding: string;
}

/** The charset parameter of a Content-Type header, lower-cased, or undefined. */
export function charsetOf(contentType: string | undefined | null): string | undefined {
  const match = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '');
  return match?.[1]?.toLowerCase();
}

const utf8Strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
const asBuffer = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
const stripBom = (text: string): string => (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);

/** Decodes a body: Content-Type charset → strict UTF-8 → windows-1250. The XML prolog is never trusted. */
export function decodeBody(bytes: Uint8Array, contentType?: string | null): DecodedBody {
  const declared = charsetOf(contentType);
  if (declared && declared !== 'utf-8' && declared !== 'utf8' && iconv.encodingExists(declared)) {
    return { text: stripBom(iconv.decode(asBuffer(bytes), declared)), encoding: declared };
  }
  // A declared utf-8 that does not hold on the bytes falls through to windows-1250 like an undeclared one.
  try {
    return { text: stripBom(utf8Strict.decode(bytes)), encoding: 'utf-8' };
  } catch {
    return { text: iconv.decode(asBuffer(bytes), 'windows-1250'), encoding: 'windows-1250' };
  }
}

/**
 * A header carrying text (iCenter's `x-icenter-message`): HTTP headers are bytes, which Node and
 * undici hand over as a latin1 string; the bytes are decoded like a body without a charset.
 */
export function decodeHeaderText(value: string): string {
  // A character above U+00FF means someone already decoded it: leave it.
  for (let i = 0; i < value.length; i += 1) if (value.charCodeAt(i) > 0xff) return value;
  return decodeBody(Buffer.from(value, 'latin1')).text;
}

export function remoteMessage(body: Buffer | string, contentType = ''): string | undefined {
  const text = (typeof body === 'string' ? body : decodeBody(body, contentType).text).trim();
  if (text.length === 0) return undefined;
  const type = contentType.toLowerCase();
  const found =
    type.includes('json') || /^[[{]/.test(text)
      ? fromJson(text)
      : type.includes('html') || /^(<!doctype html|<html)/i.test(text)
        ? fromHtml(text)
        : text.startsWith('<')
          ? fromXml(text)
          : undefined;
  return shorten(found ?? collapse(text.startsWith('<') ? stripTags(text) : text));
}

function fromJson(text: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const value = parsed as Record<string, unknown>;
  for (const key of ['message', 'error_description', 'detail', 'title', 'error', 'Message']) {
    const candidate = value[key];
    if (typeof candidate === 'string' && candidate.trim()) return fillMagentoParameters(candidate, value.parameters);
  }
  return undefined;
}

/** Magento leaves `%1` / `%name` placeholders unfilled and sends the values beside them. */
function fillMagentoParameters(message: string, parameters: unknown): string {
  if (typeof parameters !== 'object' || parameters === null) return message;
  const values = parameters as Record<string, unknown>;
  return message.replace(/%(\w+)/g, (placeholder, name: string) => {
    const direct = values[name];
    // Positional parameters are 1-based in the message and 0-based in the array.
    const value = direct !== undefined ? direct : Array.isArray(parameters) && /^\d+$/.test(name) ? parameters[Number(name) - 1] : undefined;
    return value === undefined || value === null ? placeholder : String(value);
  });
}

function fromXml(text: string): string | undefined {
  const messages = [...text.matchAll(/<Message>([\s\S]*?)<\/Message>/gi)].map((match) => collapse(decodeEntities(match[1] ?? '')));
  const useful = messages.filter((message) => message.length > 0);
  return useful.length > 0 ? useful.join('; ') : undefined;
}

function fromHtml(text: string): string | undefined {
  for (const tag of ['title', 'h1']) {
    const match = new RegExp(`<${tag}[^>]*>([\\s\\S]*?)</${tag}>`, 'i').exec(text);
    const inner = match ? collapse(stripTags(match[1] ?? '')) : '';
    if (inner) return inner;
  }
  const withoutHead = text.replace(/<(script|style|head)[^>]*>[\s\S]*?<\/\1>/gi, ' ');
  return collapse(stripTags(withoutHead)) || undefined;
}

const stripTags = (html: string): string => decodeEntities(html.replace(/<[^>]*>/g, ' '));

function decodeEntities(text: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };
  return text.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (entity, name: string) => {
    if (name.startsWith('#x') || name.startsWith('#X')) return String.fromCodePoint(parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(Number(name.slice(1)));
    return named[name.toLowerCase()] ?? entity;
  });
}

const collapse = (text: string): string => text.replace(/\s+/g, ' ').trim();

const shorten = (text: string): string | undefined => {
  if (!text) return undefined;
  return text.length > MAX_LENGTH ? `${text.slice(0, MAX_LENGTH - 1)}…` : text;
};

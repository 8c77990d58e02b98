/**
 * A short, readable version of what a remote system said in an error answer. Error bodies come
 * as Magento JSON (`{"message": "...%1...", "parameters": [...]}`), iCenter XML
 * (`<ArrayOfError><Error><Message>…`), or a proxy's HTML page; a person needs one line, never
 * a whole HTML document.
 */
const MAX_LENGTH = 300;

export function remoteMessage(body: Buffer | string, contentType = ''): string | undefined {
  const text = (typeof body === 'string' ? body : body.toString('utf8')).trim();
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

/**
 * iCenter XML in and out (docs/contracts/icenter.md#xml).
 *
 * Reading: a strict streaming reader (xml-reader.ts, saxes) with namespace prefixes removed
 * (local names only), attributes kept, and no value parsing, so codes such as `0000003`, `02`
 * and `978` stay strings. `xsi:nil="true"` reads as null. Rows are always read through
 * `list()`, which accepts one child or many, and key fields through `field()`, which accepts an
 * element or an attribute (GetOrderStatus writes its keys as attributes).
 *
 * Writing: a tiny element writer with the `<?xml … encoding="utf-8"?>` prolog iCenter
 * accepted in S1; `& < >` (and quotes) are escaped; Slovene letters go as plain characters.
 */
import { ATTR, createXmlReader, TEXT, XmlSyntaxError, type XmlNode } from './xml-reader.js';

export type { XmlNode, XmlValue } from './xml-reader.js';

/** Children that are rows of a list and must come back as arrays even when there is one. */
const ROW_NAMES = new Set([
  'ItemGeneralData', 'itemDescriptions', 'OrderLine', 'InvoiceLine', 'StockItem', 'Error', 'Key', 'EntityKeyField',
  'Order_Invoice', 'Order_Dispatch', 'Reference', 'Attachment', 'Description',
]);

const READER_OPTIONS = { rowNames: ROW_NAMES, arrayOfRootRows: true };

export class XmlReadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'XmlReadError';
  }
}

/** A reader to feed a body into as it arrives; `end()` gives what `parseXml` gives. */
export function startXmlRead() {
  const reader = createXmlReader(READER_OPTIONS);
  let started = false;
  return {
    write(chunk: string): void {
      if (!started) {
        const trimmed = chunk.trimStart();
        if (trimmed === '') return;
        if (!trimmed.startsWith('<')) throw new XmlReadError('the response is not XML');
        started = true;
        chunk = trimmed;
      }
      reader.write(chunk);
    },
    end(): { root: string; node: XmlNode } {
      if (!started) throw new XmlReadError('the response is not XML');
      try {
        return reader.end();
      } catch (error) {
        if (error instanceof XmlSyntaxError) throw new XmlReadError(describeSyntaxError(error.message));
        throw error;
      }
    },
  };
}

/** Parses a document and returns its root element name and node. Throws XmlReadError on malformed or truncated XML. */
export function parseXml(text: string): { root: string; node: XmlNode } {
  const read = startXmlRead();
  read.write(text);
  return read.end();
}

function describeSyntaxError(message: string): string {
  if (/unclosed tag|unexpected end/i.test(message)) return `the XML is not well-formed: cut off, or a tag is not closed (${message})`;
  return `the XML is not well-formed (${message})`;
}

/**
 * How many `<name>` elements the text holds, counted without parsing (namespace prefixes
 * allowed), stopping past `limit`: a page with far more rows than asked for is refused before
 * it is turned into objects.
 */
export function countElements(text: string, name: string, limit: number): number {
  const pattern = new RegExp(`<(?:[\\w.-]+:)?${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[\\s/>]`, 'g');
  let count = 0;
  while (pattern.exec(text) !== null) {
    count += 1;
    if (count > limit) break;
  }
  return count;
}

/** A self-closing element parses to '' (or to an attribute-only object): both read as an empty node. */
export function asNode(value: unknown): XmlNode {
  if (value && typeof value === 'object' && !Array.isArray(value)) return value as XmlNode;
  return {};
}

function isNil(node: XmlNode): boolean {
  return node[`${ATTR}nil`] === 'true';
}

/** The rows named `name` under `node`, always as a list of nodes. */
export function list(node: XmlNode | undefined, name: string): XmlNode[] {
  const value = node?.[name];
  if (value === undefined || value === null) return [];
  const values = Array.isArray(value) ? value : [value];
  return values.map(asNode);
}

/** The child element node `name` (first when repeated), or an empty node. */
export function child(node: XmlNode | undefined, name: string): XmlNode {
  const value = node?.[name];
  return asNode(Array.isArray(value) ? value[0] : value);
}

/**
 * Text of a field: element `<Name>` or attribute `Name="…"`. Undefined when absent,
 * null when `xsi:nil="true"`, '' for an empty element.
 */
export function field(node: XmlNode | undefined, name: string): string | null | undefined {
  if (!node) return undefined;
  let value = node[name];
  if (Array.isArray(value)) value = value[0];
  if (value === undefined) {
    const attr = node[ATTR + name];
    return typeof attr === 'string' ? attr : undefined;
  }
  if (value === null || typeof value === 'string') return value;
  const inner = value as XmlNode;
  if (isNil(inner)) return null;
  const text = inner[TEXT];
  return typeof text === 'string' ? text : '';
}

/** Field text with null/absent folded to undefined and surrounding space trimmed; '' counts as absent. */
export function text(node: XmlNode | undefined, name: string): string | undefined {
  const value = field(node, name);
  if (value === null || value === undefined) return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** Flattens leaf fields into `Section.Field → text` (for ErpItem.extra and field maps). */
export function flatten(node: XmlNode, prefix = '', into: Record<string, string> = {}): Record<string, string> {
  for (const [name, value] of Object.entries(node)) {
    if (name === TEXT) continue;
    const key = prefix + (name.startsWith(ATTR) ? name.slice(ATTR.length) : name);
    if (typeof value === 'string') {
      if (value !== '') into[key] = value;
    } else if (value && !Array.isArray(value) && !isNil(value)) {
      const inner = value[TEXT];
      if (typeof inner === 'string') into[key] = inner;
      else flatten(value, `${key}.`, into);
    }
  }
  return into;
}

// ---------------------------------------------------------------------------
// Writing

/** An element to write: a value (null → xsi:nil, undefined → left out) or child elements. */
export type XmlOut = [name: string, value: string | number | boolean | null | undefined | XmlOut[]];

export function escapeXml(value: string): string {
  return value.replace(/[&<>"]/g, (ch) => (ch === '&' ? '&amp;' : ch === '<' ? '&lt;' : ch === '>' ? '&gt;' : '&quot;'));
}

function writeElement([name, value]: XmlOut, out: string[]): void {
  if (value === undefined) return;
  if (value === null) {
    out.push(`<${name} xsi:nil="true" />`);
    return;
  }
  if (Array.isArray(value)) {
    out.push(`<${name}>`);
    for (const c of value) writeElement(c, out);
    out.push(`</${name}>`);
    return;
  }
  out.push(`<${name}>${escapeXml(String(value))}</${name}>`);
}

/** A whole request document with the prolog and the xsi/xsd namespaces XmlSerializer writes. */
export function xmlDocument(root: string, children: XmlOut[]): string {
  const out: string[] = [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<${root} xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">`,
  ];
  for (const c of children) writeElement(c, out);
  out.push(`</${root}>`);
  return out.join('');
}

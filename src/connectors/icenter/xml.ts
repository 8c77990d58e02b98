/**
 * iCenter XML in and out (CONTRACT §1.2, §6).
 *
 * Reading: fast-xml-parser with namespace prefixes removed (local names only), attributes
 * kept, and no value parsing, so codes such as `0000003`, `02` and `978` stay strings.
 * `xsi:nil="true"` reads as null. Rows are always read through `list()`, which accepts one
 * child or many, and key fields through `field()`, which accepts an element or an
 * attribute (GetOrderStatus writes its keys as attributes).
 *
 * Writing: a tiny element writer with the `<?xml … encoding="utf-8"?>` prolog iCenter
 * accepted in S1; `& < >` (and quotes) are escaped; Slovene letters go as plain characters.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export type XmlNode = { [name: string]: XmlValue };
export type XmlValue = string | null | XmlNode | XmlValue[];

const ATTR = '@_';
const TEXT = '#text';

/** Children that are rows of a list and must come back as arrays even when there is one. */
const ROW_NAMES = new Set([
  'ItemGeneralData', 'itemDescriptions', 'OrderLine', 'InvoiceLine', 'StockItem', 'Error', 'Key', 'EntityKeyField',
  'Order_Invoice', 'Order_Dispatch', 'Reference', 'Attachment', 'Description',
]);

const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: false,
  attributeNamePrefix: ATTR,
  textNodeName: TEXT,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  isArray: (name, jPath) => {
    if (ROW_NAMES.has(name)) return true;
    // Every direct child of an ArrayOf* root is a row.
    const path = String(jPath).split('.');
    return path.length === 2 && (path[0] ?? '').startsWith('ArrayOf');
  },
});

export class XmlReadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'XmlReadError';
  }
}

/** Parses a document and returns its root element name and node. Throws XmlReadError on malformed or truncated XML. */
export function parseXml(text: string): { root: string; node: XmlNode } {
  const body = text.trim();
  if (!body.startsWith('<')) throw new XmlReadError('the response is not XML');
  // The parser alone reads `<a><b>1</a></b>` as if it were whole; a closed structure is checked
  // first, so a body mangled in transit is never taken for a shorter, valid page.
  const valid = XMLValidator.validate(body);
  if (valid !== true) throw new XmlReadError(`the XML is not well-formed (${valid.err.msg})`);
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(body) as Record<string, unknown>;
  } catch (error) {
    throw new XmlReadError(`the XML is malformed (${error instanceof Error ? error.message : String(error)})`);
  }
  const roots = Object.keys(doc).filter((name) => !name.startsWith('?') && !name.startsWith('!'));
  const root = roots[0];
  if (!root) throw new XmlReadError('the XML has no root element');
  if (roots.length > 1) throw new XmlReadError(`the XML has ${roots.length} root elements`);
  // A full validation pass costs a fifth of the parse time on big pages; a body cut off in
  // transit is caught just as well by checking that the root element is closed at the end.
  if (!closesRoot(body, root)) throw new XmlReadError('the XML is cut off (the root element is not closed)');
  return { root, node: asNode(doc[root]) };
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

function closesRoot(body: string, root: string): boolean {
  if (body.endsWith('/>')) {
    // Self-closing root: the only element, so the last '<' opens it.
    const start = body.lastIndexOf('<');
    return /^<([\w.-]+:)?[\w.-]+(\s[^<>]*)?\/>$/.test(body.slice(start)) && body.slice(start + 1).replace(/^[\w.-]+:/, '').startsWith(root);
  }
  return new RegExp(`</([\\w.-]+:)?${root.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*>$`).test(body);
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

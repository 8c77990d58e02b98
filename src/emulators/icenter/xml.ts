/**
 * XML in the style of ASP.NET's XmlSerializer, which is what iCenter (an ASP.NET Web API) writes:
 * a utf-8 prolog, xsi/xsd namespace declarations on the root and no default namespace,
 * `<X xsi:nil="true" />` for nulls, `<X />` for empty strings and empty collections, and a
 * self-closing root for an empty list (docs/contracts/icenter.md#xml).
 */
import { XMLParser } from 'fast-xml-parser';

export interface XNode {
  name: string;
  attrs?: Record<string, string>;
  /** null = xsi:nil; undefined with no children = empty element. */
  text?: string | null;
  children?: XNode[];
  /** `text` is already XML (pre-serialised children). */
  raw?: boolean;
}


/** A leaf element; null and undefined become xsi:nil, as XmlSerializer writes nullable fields. */
export function el(name: string, value: string | number | boolean | null | undefined): XNode {
  if (value === null || value === undefined) return { name, text: null };
  return { name, text: String(value) };
}

export function group(name: string, children: XNode[], attrs?: Record<string, string>): XNode {
  return attrs ? { name, children, attrs } : { name, children };
}

const NEEDS_ESCAPE = /[&<>"]/;

export function escapeXml(text: string): string {
  if (!NEEDS_ESCAPE.test(text)) return text;
  return text.replace(/[&<>"]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&quot;'));
}

function attrText(attrs: Record<string, string> | undefined): string {
  if (!attrs) return '';
  let out = '';
  for (const [k, v] of Object.entries(attrs)) out += ` ${k}="${escapeXml(v)}"`;
  return out;
}

// String concatenation (V8 ropes) is the fastest way to build the 10 MB pages of a 5000-item read.
function write(node: XNode): string {
  const attrs = attrText(node.attrs);
  const children = node.children;
  if (children && children.length > 0) {
    let out = `<${node.name}${attrs}>`;
    for (const child of children) out += write(child);
    return `${out}</${node.name}>`;
  }
  if (node.text === null) return `<${node.name}${attrs} xsi:nil="true" />`;
  if (node.text === undefined || node.text === '') return `<${node.name}${attrs} />`;
  return `<${node.name}${attrs}>${node.raw ? node.text : escapeXml(node.text)}</${node.name}>`;
}

/** One element as XML text, without prolog or namespace declarations. */
export const elementXml = (node: XNode): string => write(node);

/** A whole response document: prolog + root carrying the xsi/xsd declarations. */
export function xmlDocument(root: XNode): string {
  const rootAttrs: Record<string, string> = { ...root.attrs, 'xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance', 'xmlns:xsd': 'http://www.w3.org/2001/XMLSchema' };
  return `<?xml version="1.0" encoding="utf-8"?>${write({ ...root, attrs: rootAttrs })}`;
}

/** `ArrayOf<Type>` with one `<Type>` per row; an empty list is a self-closing root. */
export function arrayOf(type: string, rows: XNode[]): string {
  return xmlDocument({ name: `ArrayOf${type}`, children: rows });
}

// ---- parsing request bodies ----------------------------------------------------------------

export type XmlValue = string | XmlObject | XmlValue[];
export interface XmlObject {
  [key: string]: XmlValue;
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  isArray: (name) => ['ItemGeneralData', 'OrderLine', 'Key', 'EntityKeyField', 'Customer'].includes(name),
});

export class BadXmlError extends Error {}

/** Parses a request body. A UTF-8 BOM is stripped; the charset comes from Content-Type (default UTF-8). */
export function parseXmlBody(bytes: Buffer, decode: (b: Buffer) => string): XmlObject {
  let body = bytes;
  if (body.length >= 3 && body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) body = body.subarray(3);
  const text = decode(body).replace(/^\uFEFF/, '');
  if (text.trim() === '') throw new BadXmlError('empty body');
  try {
    return parser.parse(text, true) as XmlObject;
  } catch (err) {
    throw new BadXmlError((err as Error).message);
  }
}

/** The text of a parsed element: null for xsi:nil, '' for an empty element, undefined when absent. */
export function textOf(value: XmlValue | undefined): string | null | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return textOf(value[0]);
  if (value['@_nil'] === 'true') return null;
  const inner = value['#text'];
  return typeof inner === 'string' ? inner : '';
}

export function objOf(value: XmlValue | undefined): XmlObject | undefined {
  if (value === undefined || typeof value === 'string') return undefined;
  if (Array.isArray(value)) return objOf(value[0]);
  return value;
}

export function listOf(value: XmlValue | undefined): XmlObject[] {
  if (value === undefined) return [];
  const arr = Array.isArray(value) ? value : [value];
  return arr.filter((v): v is XmlObject => typeof v === 'object' && !Array.isArray(v));
}

/** Child element names of an object, without attributes and text. */
export function childNames(obj: XmlObject): string[] {
  return Object.keys(obj).filter((k) => !k.startsWith('@_') && k !== '#text');
}

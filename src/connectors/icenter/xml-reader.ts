/**
 * The XML reader behind `parseXml` (xml.ts): saxes, a strict streaming parser, building the
 * same small `XmlNode` trees the mapping code reads (local names, `@_` attributes, `#text`,
 * rows as arrays). A tree-building general parser spent ~300 ms on one 1,000-item page where
 * saxes' events take ~25 ms; the trees built here are only those the mappers read.
 *
 * Being strict, saxes refuses what a lenient parser would half-read: mismatched or unclosed
 * tags, a body cut off in transit, text after the root, an HTML page. Character references
 * (`&#x1F;`, `&#269;`) are decoded, as XmlSerializer means them.
 *
 * Text may be fed in chunks (`write`), so a body can be parsed while it arrives.
 */
import { SaxesParser, type SaxesTagPlain } from 'saxes';

export type XmlNode = { [name: string]: XmlValue };
export type XmlValue = string | null | XmlNode | XmlValue[];

export const ATTR = '@_';
export const TEXT = '#text';

const localName = (name: string): string => {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
};

interface Frame {
  name: string;
  node: XmlNode;
  hasChildren: boolean;
  hasAttributes: boolean;
  text: string;
  /** Children that are rows of a list: always arrays, even when there is one. */
  rowChildren: boolean;
}

export interface XmlReaderOptions {
  /** Element names whose occurrences are always collected as arrays. */
  rowNames: ReadonlySet<string>;
  /** Whether every direct child of a root named `ArrayOf…` is a row. */
  arrayOfRootRows: boolean;
}

export class XmlSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'XmlSyntaxError';
  }
}

/**
 * An incremental reader: `write` text as it comes, then `end` for the root's name and node.
 * Throws XmlSyntaxError on anything that is not one well-formed document.
 */
export function createXmlReader(options: XmlReaderOptions) {
  const parser = new SaxesParser({ position: false, xmlns: false });
  const stack: Frame[] = [];
  let root: { root: string; node: XmlNode } | undefined;
  let failure: Error | undefined;

  parser.on('error', (error) => {
    failure ??= error;
  });

  parser.on('opentag', (tag: SaxesTagPlain) => {
    const name = localName(tag.name);
    const node: XmlNode = {};
    let hasAttributes = false;
    const attributes = tag.attributes;
    for (const attrName in attributes) {
      if (attrName === 'xmlns' || attrName.startsWith('xmlns:')) continue;
      node[ATTR + localName(attrName)] = attributes[attrName]!;
      hasAttributes = true;
    }
    const parent = stack[stack.length - 1];
    if (parent) parent.hasChildren = true;
    stack.push({
      name, node, hasChildren: false, hasAttributes, text: '',
      rowChildren: stack.length === 0 && options.arrayOfRootRows && name.startsWith('ArrayOf'),
    });
  });

  const addText = (text: string): void => {
    const top = stack[stack.length - 1];
    if (top) top.text += text;
  };
  parser.on('text', addText);
  parser.on('cdata', addText);

  parser.on('closetag', () => {
    const frame = stack.pop()!;
    const text = frame.text.trim();
    let value: XmlValue;
    if (!frame.hasChildren && !frame.hasAttributes) {
      value = text;
    } else {
      if (text !== '') frame.node[TEXT] = text;
      value = frame.node;
    }
    const parent = stack[stack.length - 1];
    if (!parent) {
      root = { root: frame.name, node: typeof value === 'string' ? {} : value };
      return;
    }
    const existing = parent.node[frame.name];
    if (existing === undefined) {
      parent.node[frame.name] = parent.rowChildren || options.rowNames.has(frame.name) ? [value] : value;
    } else if (Array.isArray(existing)) {
      existing.push(value);
    } else {
      parent.node[frame.name] = [existing, value];
    }
  });

  return {
    write(chunk: string): void {
      if (failure) return;
      parser.write(chunk);
    },
    end(): { root: string; node: XmlNode } {
      if (!failure) parser.close();
      if (failure) throw new XmlSyntaxError(failure.message);
      if (!root) throw new XmlSyntaxError('the document has no root element');
      return root;
    },
  };
}

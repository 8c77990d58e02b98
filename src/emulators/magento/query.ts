/** Query-string parsing the way PHP's parse_str does it (Magento reads searchCriteria through it). */
import { urlDecode } from './util.js';

export interface QueryPair {
  rawKey: string;
  rawValue: string | undefined;
}

export function splitQuery(query: string): QueryPair[] {
  if (query === '') return [];
  return query.split('&').filter((part) => part !== '').map((part) => {
    const eq = part.indexOf('=');
    return eq < 0 ? { rawKey: part, rawValue: undefined } : { rawKey: part.slice(0, eq), rawValue: part.slice(eq + 1) };
  });
}

export type PhpValue = string | { [key: string]: PhpValue };

/** Nested object from `a[b][0][c]=v` keys; numeric indexes stay object keys (PHP arrays). */
export function parseStr(query: string): Record<string, PhpValue> {
  const root: Record<string, PhpValue> = {};
  for (const { rawKey, rawValue } of splitQuery(query)) {
    const key = urlDecode(rawKey);
    const value = rawValue === undefined ? '' : urlDecode(rawValue);
    const open = key.indexOf('[');
    const base = open > 0 ? key.slice(0, open) : key;
    const path = [base];
    if (open > 0) {
      const re = /\[([^\]]*)\]/g;
      let match: RegExpExecArray | null;
      while ((match = re.exec(key.slice(open))) !== null) path.push(match[1] as string);
    }
    let node: Record<string, PhpValue> = root;
    for (let i = 0; i < path.length; i += 1) {
      let segment = path[i] as string;
      if (segment === '') segment = String(Object.keys(node).length);
      if (i === path.length - 1) {
        node[segment] = value;
      } else {
        const next = node[segment];
        if (typeof next !== 'object') node[segment] = {};
        node = node[segment] as Record<string, PhpValue>;
      }
    }
  }
  return root;
}

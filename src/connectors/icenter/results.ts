/**
 * Write results (docs/contracts/icenter.md#write-results): CreateResult / UpdateResult. Success is HTTP 2xx AND a
 * ResultCode of Ok or Created (or none) AND no Error elements [CAP S1: "HTTP 200 ni dokaz"];
 * the setting `warningsAreSuccess` lets Warning-level errors pass.
 * Keys are read into a name → value map whatever their element is called (`Key` on item
 * creates [CAP], `EntityKeyField` per S2's comment [CODE]); key names are settings.
 */
import { errorsOf, type IcenterErrorEntry } from './errors.js';
import { list, text, type XmlNode } from './xml.js';

export interface WriteResult {
  resultCode?: string;
  errors: IcenterErrorEntry[];
  /** Keys by name; a key without a name is stored under '' (S2 shows only `<Value>`). */
  keys: Map<string, string>;
  ok: boolean;
}

const SUCCESS = new Set(['Ok', 'Created']);

export function readWriteResult(root: string, node: XmlNode, warningsAreSuccess = false): WriteResult {
  const errors = errorsOf(root, node);
  const resultCode = text(node, 'ResultCode');
  const keys = new Map<string, string>();
  const keysNode = node.Keys as XmlNode | undefined;
  for (const name of ['Key', 'EntityKeyField']) {
    for (const key of list(keysNode && typeof keysNode === 'object' ? keysNode : undefined, name)) {
      const value = text(key, 'Value');
      if (value !== undefined) keys.set(text(key, 'Name') ?? '', value);
    }
  }
  const blocking = warningsAreSuccess ? errors.filter((e) => e.level !== 'Warning') : errors;
  const ok = root !== 'ArrayOfError' && (resultCode === undefined || SUCCESS.has(resultCode)) && blocking.length === 0;
  return { ...(resultCode !== undefined ? { resultCode } : {}), errors, keys, ok };
}

/** The key named `name`; when there is no such name but exactly one key, that key's value. */
export function keyValue(keys: Map<string, string>, name: string): string | undefined {
  const named = keys.get(name);
  if (named !== undefined) return named;
  for (const [k, v] of keys) if (k.toLowerCase() === name.toLowerCase()) return v;
  if (keys.size === 1) return keys.values().next().value;
  return undefined;
}

/** Rows of a list answer: children named `row` under the root, or the root itself when it is one `row`. */
export function rowsOf(root: string, node: XmlNode, row: string): XmlNode[] {
  if (root === row) return [node];
  return list(node, row);
}

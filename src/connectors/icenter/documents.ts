/**
 * Document keys. icsync's ErpDocumentKey for an iCenter document is `year/book/number`
 * (`2026/VNK/3495`); iCenter itself addresses documents by those three parts
 * (GetOrder/{y}/{book}/{n}, GetInvoice/{y}/{book}/{n}).
 */
import { asErpKey, type ErpDocumentKey } from '../../core/model.js';

export interface DocKey {
  year: number;
  book: string;
  number: number;
}

export const formatDocKey = (k: DocKey): ErpDocumentKey => asErpKey(`${k.year}/${k.book}/${k.number}`);

/**
 * How icsync names the document to people: the same text as its key (`2026/VNK/3495`), so a
 * number read in a sentence, `icsync status`, the shop comment or a file name is the one
 * `icsync explain` takes. One format everywhere.
 */
export const displayNumber = (k: DocKey): string => formatDocKey(k);

export const docPath = (k: DocKey): string => `${k.year}/${encodeURIComponent(k.book)}/${k.number}`;

export function parseDocKey(key: string): DocKey | undefined {
  const m = /^(\d{4})\/([^/]+)\/(\d+)$/.exec(key.trim());
  if (!m) return undefined;
  return { year: Number(m[1]), book: m[2]!, number: Number(m[3]) };
}

/**
 * A document reference in free text. INF: the formats of `ReferenceInvoice`, `Ref2Invoice`
 * and a single-valued CreateResult key are not public, so the usual shapes are accepted:
 * `2026/VR/12`, `2026-VR-12`, `VR 2026/12`, `VR-2026-12`.
 */
export function parseDocReference(value: string | undefined): DocKey | undefined {
  if (!value) return undefined;
  const t = value.trim();
  let m = /^(\d{4})\s*[/\-\s]\s*([A-Za-z0-9_.]+?)\s*[/\-\s]\s*(\d+)$/.exec(t);
  if (m) return { year: Number(m[1]), book: m[2]!, number: Number(m[3]) };
  m = /^([A-Za-z][A-Za-z0-9_.]*)\s*[/\-\s]\s*(\d{4})\s*[/\-\s]\s*(\d+)$/.exec(t);
  if (m) return { year: Number(m[2]), book: m[1]!, number: Number(m[3]) };
  return undefined;
}

/** Whole positive number text, else undefined (GetOrder answers `0` or empty for a missing document [CAP]). */
export function positiveNumber(value: string | undefined): number | undefined {
  if (!value || !/^\d+$/.test(value.trim())) return undefined;
  const n = Number(value);
  return n > 0 ? n : undefined;
}

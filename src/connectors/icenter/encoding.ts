/**
 * Bytes ↔ text for iCenter.
 *
 * Responses: CAP fixtures are UTF-8, but error texts in S1's queue were windows-1250
 * mojibake, so the decoding order is the one S1 uses: the Content-Type charset, then
 * strict UTF-8, and only when UTF-8 fails on the bytes, windows-1250 (the code page
 * iCenter uses for Slovene). The XML prolog is never trusted alone.
 *
 * Requests go out as UTF-8, but iCenter stores text in windows-1250, so every character
 * outside that code page (emoji and the like) is replaced with '?' and reported as a
 * warning naming the record and field, while every Slovene letter passes unchanged.
 */
import iconv from 'iconv-lite';
import type { PortWarning } from '../../core/ports.js';

// Decoding lives in core, so the shared HTTP layer reads iCenter's error bodies the same way.
export { charsetOf, decodeBody, decodeHeaderText, type DecodedBody } from '../../core/http/remote-message.js';

/** Every character windows-1250 can hold: the 256 byte values decoded once. */
const WINDOWS_1250_CHARS: ReadonlySet<string> = (() => {
  const all = Buffer.alloc(256);
  for (let i = 0; i < 256; i += 1) all[i] = i;
  const chars = new Set<string>();
  for (const ch of iconv.decode(all, 'windows-1250')) if (ch !== '\ufffd') chars.add(ch);
  return chars;
})();

export const REPLACEMENT = '?';

/** Whether windows-1250 can hold this character (one code point). */
export const fitsWindows1250 = (ch: string): boolean => WINDOWS_1250_CHARS.has(ch);

/**
 * Collects warnings while request text is made fit for iCenter's code page.
 * One sanitizer per request: `text(value, field)` returns the value iCenter can store.
 */
export function createTextSanitizer(record: { kind: string; key: string }) {
  const warnings: PortWarning[] = [];
  return {
    warnings,
    text(value: string | undefined | null, field: string): string | undefined {
      if (value === undefined || value === null) return undefined;
      let out = '';
      const lost: string[] = [];
      // for..of walks code points, so an emoji (two UTF-16 units) becomes one '?'.
      for (const ch of value) {
        if (fitsWindows1250(ch)) out += ch;
        else {
          out += REPLACEMENT;
          lost.push(ch);
        }
      }
      if (lost.length > 0) {
        warnings.push({
          record: { ...record, field },
          message: `${record.kind} ${record.key}: ${field} had ${lost.length} character(s) iCenter's code page (windows-1250) cannot hold (${lost.join(' ')}); replaced with "${REPLACEMENT}"`,
        });
      }
      return out;
    },
  };
}

export type TextSanitizer = ReturnType<typeof createTextSanitizer>;

/** Request body bytes: UTF-8, with a BOM when the installation wants one (S3). */
export function encodeRequestBody(xml: string, bom: boolean): Buffer {
  const body = Buffer.from(xml, 'utf-8');
  return bom ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body]) : body;
}

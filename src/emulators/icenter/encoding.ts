/** Byte-level text encoding of requests and responses (docs/contracts/icenter.md#encodings). */
import iconv from 'iconv-lite';
import type { ResponseEncoding } from './settings.js';

/** Request bodies: the Content-Type charset if it names windows-1250, otherwise UTF-8. */
export function decodeRequest(bytes: Buffer, contentType: string): string {
  const charset = /charset=([^;]+)/i.exec(contentType)?.[1]?.trim().replace(/"/g, '').toLowerCase();
  if (charset && charset !== 'utf-8' && charset !== 'utf8' && iconv.encodingExists(charset)) return iconv.decode(bytes, charset);
  return bytes.toString('utf8');
}

export function encodeText(text: string, encoding: ResponseEncoding): Buffer {
  return encoding === 'utf-8' ? Buffer.from(text, 'utf8') : iconv.encode(text, 'windows-1250');
}

/**
 * A header value carrying non-ASCII text: HTTP headers are bytes, so the value is written as the
 * bytes of the response encoding (a client must re-decode it). Node wants such bytes as a latin1 string.
 */
export function headerBytes(text: string, encoding: ResponseEncoding): string {
  return encodeText(text, encoding).toString('latin1');
}

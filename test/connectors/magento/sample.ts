/**
 * Adobe's real sample bodies and the OAuth golden vectors, read fresh for each use from the
 * emulator's copies in src/emulators/magento/data (unmodified copies of public sources, src/emulators/magento/data/README.md), so the
 * tests run in any checkout.
 */
import { readFileSync } from 'node:fs';
import type { Json } from '../../../src/connectors/magento/orders.js';

export const MAGENTO_DATA = new URL('../../../src/emulators/magento/data/', import.meta.url);
const readJson = (name: string): unknown => JSON.parse(readFileSync(new URL(name, MAGENTO_DATA), 'utf8'));

/** GET /V1/orders/3: Adobe's documented Luma order (samples/order.json). */
export const sampleOrder = (): Json => readJson('samples/order.json') as Json;
/** OAuth 1.0a signature vectors (oauth-vectors.json), computed for RFC 5849, Magento 2.4.4–2.4.7 and 2.4.8. */
export const oauthVectors = (): unknown => readJson('oauth-vectors.json');

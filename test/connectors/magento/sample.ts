/**
 * Adobe's real sample bodies and the OAuth golden vectors, read fresh for each use from the
 * emulator's copies in src/emulators/magento/data (unmodified copies of shared/magento), so the
 * tests run in any checkout.
 */
import { readFileSync } from 'node:fs';
import type { Json } from '../../../src/connectors/magento/orders.js';

export const MAGENTO_DATA = new URL('../../../src/emulators/magento/data/', import.meta.url);
const readJson = (name: string): unknown => JSON.parse(readFileSync(new URL(name, MAGENTO_DATA), 'utf8'));

/** GET /V1/orders/3 (shared/magento/samples/orders/get-order-response.json). */
export const sampleOrder = (): Json => readJson('samples/order.json') as Json;
/** shared/magento/oauth-vectors.json. */
export const oauthVectors = (): unknown => readJson('oauth-vectors.json');

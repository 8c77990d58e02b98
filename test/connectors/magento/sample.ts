/** Adobe's real sample order (GET /V1/orders/3), read fresh for each use. */
import { readFileSync } from 'node:fs';
import type { Json } from '../../../src/connectors/magento/orders.js';

export const SHARED_MAGENTO = '/work/shared/magento';
export const sampleOrder = (): Json => JSON.parse(readFileSync(`${SHARED_MAGENTO}/samples/orders/get-order-response.json`, 'utf8')) as Json;

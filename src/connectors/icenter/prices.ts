/** GetPrices (docs/contracts/icenter.md#prices) → ErpPrice. */
import { tryDec } from '../../core/decimal.js';
import { asSku, asUtc, type CurrencyCode, type ErpPrice } from '../../core/model.js';
import { parseIcenterTime } from './time.js';
import { list, text, type XmlNode } from './xml.js';

export const PRICES_PATH = 'api/Price/GetPrices';

export function mapPrices(root: XmlNode, priceList: string, timeZone: string, currency?: CurrencyCode): ErpPrice[] {
  const out: ErpPrice[] = [];
  for (const row of list(root, 'Price')) {
    const sku = text(row, 'ItemCode');
    const price = tryDec(text(row, 'Price'));
    if (!sku || price === undefined) continue;
    const entry: ErpPrice = {
      sku: asSku(sku),
      priceList: text(row, 'PriceListId') ?? priceList,
      price,
      includesVat: text(row, 'VATIncluded')?.toLowerCase() === 'true',
    };
    const vat = tryDec(text(row, 'VATRate'));
    if (vat !== undefined) entry.vatPercent = vat;
    if (currency) entry.currency = currency;
    const modified = parseIcenterTime(text(row, 'InsUpdDate'), timeZone);
    if (modified) entry.modifiedAt = asUtc(modified);
    out.push(entry);
  }
  return out;
}

/** GetPrices (docs/contracts/icenter.md#prices) → ErpPrice. */
import { asSku, asUtc, type CurrencyCode, type ErpPrice } from '../../core/model.js';
import { parseIcenterTime } from './time.js';
import { optionalDecimal, UnreadableRow } from './values.js';
import { list, text, type XmlNode } from './xml.js';

export const PRICES_PATH = 'api/Price/GetPrices';

/** Price rows of a page; a row with an unreadable value is handed back in `unreadable`, the others are read. */
export function mapPrices(root: XmlNode, priceList: string, timeZone: string, currency?: CurrencyCode): { prices: ErpPrice[]; unreadable: UnreadableRow[] } {
  const out: ErpPrice[] = [];
  const unreadable: UnreadableRow[] = [];
  for (const row of list(root, 'Price')) {
    const sku = text(row, 'ItemCode');
    if (!sku) continue;
    const record = { kind: 'product', key: sku, label: `price of item ${sku} in price list ${priceList}` };
    let price;
    let vat;
    try {
      price = optionalDecimal(row, 'Price', record);
      vat = optionalDecimal(row, 'VATRate', record);
    } catch (error) {
      if (!(error instanceof UnreadableRow)) throw error;
      unreadable.push(error);
      continue;
    }
    if (price === undefined) continue;
    const entry: ErpPrice = {
      sku: asSku(sku),
      priceList: text(row, 'PriceListId') ?? priceList,
      price,
      includesVat: text(row, 'VATIncluded')?.toLowerCase() === 'true',
    };
    if (vat !== undefined) entry.vatPercent = vat;
    if (currency) entry.currency = currency;
    const modified = parseIcenterTime(text(row, 'InsUpdDate'), timeZone);
    if (modified) entry.modifiedAt = asUtc(modified);
    out.push(entry);
  }
  return { prices: out, unreadable };
}

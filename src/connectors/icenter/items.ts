/** GetItemsGeneralData rows (docs/contracts/icenter.md#items) → ErpItem. */
import { asSku, asUtc, asVatRate, type ErpItem } from '../../core/model.js';
import { parseIcenterTime } from './time.js';
import { optionalDecimal } from './values.js';
import { child, flatten, list, text, type XmlNode } from './xml.js';

export const ITEMS_PATH = 'api/Item/GetItemsGeneralData';

/** Rows of an ItemsGeneralData page (a self-closing root is an empty page). */
export const itemRows = (root: XmlNode): XmlNode[] => list(root, 'ItemGeneralData');

/**
 * CAP: IsActive is a legacy D/N flag (da/ne). `true`/`false` is accepted as well in case
 * an installation serialises it as a boolean; an absent flag counts as active.
 */
function isActive(sales: XmlNode): boolean {
  const flag = text(sales, 'IsActive')?.toUpperCase();
  return flag === undefined || flag === 'D' || flag === 'TRUE' || flag === 'DA';
}

/**
 * CAP: WebPublish is a legacy D/N flag like IsActive (docs/contracts/icenter.md#items: `WebPublish` `N`); `true`/`false`
 * accepted too. Absent or unreadable: undefined, so the flow does not guess.
 */
function webPublish(general: XmlNode): boolean | undefined {
  const flag = text(general, 'WebPublish')?.toUpperCase();
  if (flag === 'D' || flag === 'DA' || flag === 'TRUE') return true;
  if (flag === 'N' || flag === 'NE' || flag === 'FALSE') return false;
  return undefined;
}

export function mapItem(row: XmlNode, timeZone: string): ErpItem | undefined {
  const id = text(row, 'ItemID');
  if (!id) return undefined;
  const general = child(row, 'GeneralData');
  const sales = child(row, 'SalesData');
  const props = child(row, 'PropertiesData');
  const modified = parseIcenterTime(text(row, 'ItemLastModified'), timeZone);
  const item: ErpItem = {
    sku: asSku(id),
    name: text(row, 'ItemTitle1') ?? text(general, 'ItemTitleShort') ?? id,
    vatRate: asVatRate(text(general, 'VATRateID') ?? ''),
    active: isActive(sales),
    extra: flatten(row),
  };
  const published = webPublish(general);
  if (published !== undefined) item.webPublish = published;
  const description = text(row, 'ItemTitle2');
  if (description) item.description = description;
  const shortName = text(general, 'ItemTitleShort');
  if (shortName) item.shortName = shortName;
  const ean = text(general, 'ItemEANCode');
  if (ean) item.ean = ean;
  const unit = text(general, 'ItemUnitOfMeas');
  if (unit) item.unit = unit;
  const weight = optionalDecimal(props, 'ItemWeightPerUnit', { kind: 'product', key: id, label: `item ${id}` }, 'PropertiesData.ItemWeightPerUnit');
  if (weight !== undefined) item.weight = weight;
  const parent = text(general, 'ParentItemID');
  if (parent) item.parentSku = asSku(parent);
  if (modified) item.modifiedAt = asUtc(modified);
  return item;
}

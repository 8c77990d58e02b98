/** Items: GetItemsGeneralData, AddItemsGeneralData, UpdateItemsGeneralData, GetItemsDescriptions (docs/contracts/icenter.md#items). */
import { toLocalText } from './clock.js';
import { boolQuery, conflict, createResult, modifiedSince, pagedSnapshot, updateResult, xmlReply, aspNetError, badRequest } from './http.js';
import type { Ctx, Reply } from './http.js';
import { ITEM_SECTION_FIELDS, ITEM_TOP_FIELDS, ITEM_TYPES, NIL_WHEN_UNSET } from './item-fields.js';
import { ITEM_SECTIONS } from './model.js';
import type { ItemRecord, ItemSection, OrgState } from './model.js';
import { childNames, el, escapeXml, group, listOf, objOf, parseXmlBody, textOf, xmlDocument } from './xml.js';
import type { XNode, XmlObject } from './xml.js';
import { decodeRequest } from './encoding.js';

// Items are written straight into one parts array (not through XNode trees or `+=` ropes): a 5000-item
// page is ~12 MB, and ropes made garbage collection the main cost.
function leaf(parts: string[], name: string, value: string | null): void {
  if (value === null) parts.push('<', name, ' xsi:nil="true" />');
  else if (value === '') parts.push('<', name, ' />');
  else parts.push('<', name, '>', escapeXml(value), '</', name, '>');
}

function itemParts(parts: string[], item: ItemRecord, zone: string): void {
  parts.push('<ItemGeneralData>');
  leaf(parts, 'ItemID', item.ItemID);
  leaf(parts, 'ItemCreated', toLocalText(item.created, zone));
  leaf(parts, 'ItemLastModified', toLocalText(item.modified, zone));
  leaf(parts, 'ItemTitle1', item.ItemTitle1 ?? '');
  leaf(parts, 'ItemTitle2', item.ItemTitle2 ?? '');
  parts.push('<SuggestFirstFreeCode xsi:nil="true" />');
  for (const section of ITEM_SECTIONS) {
    const values = item.sections[section];
    parts.push('<', section, '>');
    for (const f of ITEM_SECTION_FIELDS[section]) {
      const v = values[f];
      leaf(parts, f, v === undefined ? (NIL_WHEN_UNSET.has(f) ? null : '') : v);
    }
    parts.push('</', section, '>');
  }
  parts.push('</ItemGeneralData>');
}

/** The `<ItemGeneralData>` elements of a page, as XML text. */
export function itemsXml(items: ItemRecord[], zone: string): string {
  return items.map((item) => {
    const parts: string[] = [];
    itemParts(parts, item, zone);
    return parts.join('');
  }).join('');
}

export const isActiveItem = (item: ItemRecord): boolean => (item.sections.SalesData.IsActive ?? 'D').toUpperCase() !== 'N';

export function findItem(org: OrgState, id: string): ItemRecord | undefined {
  const index = org.itemIndex.get(id.toUpperCase());
  return index === undefined ? undefined : org.items[index];
}

const ITEM_FILTERS = ['itemID', 'includeNonActiveItems', 'recordDtModifiedFrom', 'itemType', 'itemGroupID', 'webPublish', 'parentItemID'];

/** The items a query selects, paged (the filtered list is kept for the pages after the first). */
function pagedItems(ctx: Ctx): ItemRecord[] {
  const key = ['items', ...ITEM_FILTERS.map((name) => ctx.query(name) ?? '')].join('|');
  return pagedSnapshot(ctx, key, () => filterItems(ctx));
}

function filterItems(ctx: Ctx): ItemRecord[] {
  const id = ctx.query('itemID');
  if (id) {
    const item = findItem(ctx.org, id);
    return item ? [item] : [];
  }
  const includeInactive = boolQuery(ctx, 'includeNonActiveItems');
  const since = modifiedSince(ctx);
  const type = ctx.query('itemType');
  const groupId = ctx.query('itemGroupID');
  const webPublish = ctx.query('webPublish');
  const parent = ctx.query('parentItemID');
  return ctx.org.items.filter((item) =>
    (includeInactive || isActiveItem(item)) &&
    since(item.modified) &&
    (!type || item.sections.GeneralData.ItemType === type) &&
    (!groupId || item.sections.GeneralData.ItemGroup === groupId) &&
    (!webPublish || item.sections.GeneralData.WebPublish === webPublish) &&
    (!parent || item.sections.GeneralData.ParentItemID === parent));
}

export function getItemsGeneralData(ctx: Ctx): Reply {
  const page = pagedItems(ctx);
  return xmlReply(xmlDocument({ name: 'ItemsGeneralData', text: itemsXml(page, ctx.settings.timeZone), raw: true }));
}

export function getItemsDescriptions(ctx: Ctx): Reply {
  const type = ctx.query('descriptionType');
  const lang = ctx.query('languageID');
  const rows: XNode[] = [];
  for (const item of pagedItems(ctx)) {
    const descriptions = item.descriptions.filter((d) => (!type || d.DescriptionType === type) && (!lang || d.LanguageID === lang));
    if (descriptions.length === 0) continue;
    rows.push(group('itemDescriptions', [
      el('ItemID', item.ItemID),
      group('Descriptions', descriptions.map((d) => group('Description', [
        el('DescriptionType', d.DescriptionType), el('LanguageID', d.LanguageID),
        el('ItemDescription', d.ItemDescription), el('ItemLastModified', toLocalText(d.modified, ctx.settings.timeZone)),
      ]))),
    ]));
  }
  return xmlReply(xmlDocument(group('ItemsDescriptions', rows)));
}

interface ItemWrite {
  id: string;
  top: Partial<Record<'ItemTitle1' | 'ItemTitle2', string | null>>;
  sections: Partial<Record<ItemSection, Record<string, string | null>>>;
}

class UnknownFieldError extends Error {}

function readItemWrites(ctx: Ctx): ItemWrite[] {
  const doc = parseXmlBody(ctx.body, (b) => decodeRequest(b, ctx.contentType));
  const root = objOf(doc.ItemsGeneralData);
  const rows = root ? listOf(root.ItemGeneralData) : listOf(doc.ItemGeneralData);
  return rows.map((row) => {
    const write: ItemWrite = { id: (textOf(row.ItemID) ?? '').trim(), top: {}, sections: {} };
    for (const name of childNames(row)) {
      if ((ITEM_SECTIONS as readonly string[]).includes(name)) {
        const section = name as ItemSection;
        const body = objOf(row[name]) ?? ({} as XmlObject);
        const fields: Record<string, string | null> = {};
        for (const f of childNames(body)) {
          if (!ITEM_SECTION_FIELDS[section].includes(f)) throw new UnknownFieldError(`${section}/${f}`);
          fields[f] = textOf(body[f]) ?? null;
        }
        write.sections[section] = fields;
      } else if (name === 'ItemTitle1' || name === 'ItemTitle2') {
        write.top[name] = textOf(row[name]) ?? null;
      } else if (!ITEM_TOP_FIELDS.includes(name)) {
        throw new UnknownFieldError(name);
      }
    }
    return write;
  });
}

/** Foreign-code checks with iCenter's own messages (docs/contracts/icenter.md#errors [CAP]; the VAT one is [INF]). */
function validateCodes(org: OrgState, w: ItemWrite): string[] {
  const g = w.sections.GeneralData ?? {};
  const s = w.sections.StockData ?? {};
  const out: string[] = [];
  const prefix = `Za naslednje artikle:  ${w.id},`;
  if (g.CustomsTariffNo && org.lookups.customsTariffs.size > 0 && !org.lookups.customsTariffs.has(g.CustomsTariffNo)) out.push(`${prefix} šifra carinske tarife ne obstaja v šifrantu!`);
  if (g.ItemGroup && org.lookups.itemGroups.size > 0 && !org.lookups.itemGroups.has(g.ItemGroup)) out.push(`${prefix} skupina artikla ne obstaja v šifrantu!`);
  if (s.SupplierID && !org.customerIndex.has(s.SupplierID.toUpperCase())) out.push(`${prefix} šifra dobavitelja ne obstaja v šifrantu ali ni aktivna!`);
  if (g.ItemType && !ITEM_TYPES.includes(g.ItemType)) out.push(`${prefix} tip artikla ne obstaja v šifrantu! Dovoljene oznake: A, B, D, I,E, K, M, O, P, S, V.`);
  if (g.VATRateID && !org.lookups.vatRates.some((r) => r.VATRateId === g.VATRateID)) out.push(`${prefix} stopnja DDV ne obstaja v šifrantu!`);
  return out;
}

function applyWrite(item: ItemRecord, w: ItemWrite, stamp: number): void {
  if ('ItemTitle1' in w.top) item.ItemTitle1 = w.top.ItemTitle1 ?? null;
  if ('ItemTitle2' in w.top) item.ItemTitle2 = w.top.ItemTitle2 ?? null;
  // Every field sent overwrites; fields not sent stay (docs/contracts/icenter.md#items [CAP]).
  for (const s of ITEM_SECTIONS) Object.assign(item.sections[s], w.sections[s] ?? {});
  item.modified = stamp;
}

function parseWrites(ctx: Ctx): ItemWrite[] | Reply {
  try {
    const writes = readItemWrites(ctx);
    if (writes.length === 0 || writes.some((w) => !w.id)) return badRequest('The request is invalid.');
    return writes;
  } catch (err) {
    if (err instanceof UnknownFieldError) return aspNetError(500, 'An error has occurred.');
    return badRequest('The request is invalid.');
  }
}

export function addItemsGeneralData(ctx: Ctx): Reply {
  const writes = parseWrites(ctx);
  if (!Array.isArray(writes)) return writes;
  const existing = writes.filter((w) => findItem(ctx.org, w.id)).map((w) => w.id);
  if (existing.length > 0) return conflict([`Zapis/zapisi za artikel/artikle :  ${existing.join(', ')} že obstaja/obstajajo!`]);
  const errors = writes.flatMap((w) => validateCodes(ctx.org, w));
  if (errors.length > 0) return conflict(errors);
  for (const w of writes) {
    const stamp = ctx.state.stamp();
    const item: ItemRecord = {
      ItemID: w.id, ItemTitle1: null, ItemTitle2: null, created: stamp, modified: stamp,
      sections: { GeneralData: {}, SalesData: {}, StockData: {}, PropertiesData: {} }, descriptions: [],
    };
    applyWrite(item, w, stamp);
    ctx.org.itemIndex.set(w.id.toUpperCase(), ctx.org.items.length);
    ctx.org.items.push(item);
  }
  const keyName = ctx.settings.keyNames.item;
  return createResult(writes.map((w) => ({ name: keyName, value: w.id })), ctx.settings.keyElements.item);
}

export function updateItemsGeneralData(ctx: Ctx): Reply {
  const writes = parseWrites(ctx);
  if (!Array.isArray(writes)) return writes;
  const missing = writes.filter((w) => !findItem(ctx.org, w.id));
  if (missing.length > 0) return conflict(missing.map((w) => `šifra artikla  ${w.id} ne obstaja!`));
  const errors = writes.flatMap((w) => validateCodes(ctx.org, w));
  if (errors.length > 0) return conflict(errors);
  for (const w of writes) applyWrite(findItem(ctx.org, w.id) as ItemRecord, w, ctx.state.stamp());
  return updateResult();
}

/**
 * The API routes under `api/orgs/{organisationId}/`, matched case-insensitively
 * (docs/contracts/minimax.md#conventions). Each handler reads a Ctx and returns a JSON Reply; the server does auth, budget,
 * faults and logging around them.
 */
import { dec, isNegative, isZero, type Decimal } from '../../core/decimal.js';
import type { Ctx, Reply } from './http.js';
import { created, fkId, jsonDec, message, notFound, ok, page, staleRowVersion, syncCandidates, text, validation } from './http.js';
import { EmulatorActionError, generatePdf, invoiceFromOrder, issue } from './invoices.js';
import type { Contact, Customer, Item, Order, OrderRow, OrgState } from './model.js';
import { newId, touch } from './model.js';
import { parseWireTime, toWireTime } from './time.js';
import { contactView, customerSearchView, customerView, invoiceSearchView, invoiceView, itemSearchView, itemView, num, orderSearchView, orderView, warehouseView } from './views.js';

type Handler = (ctx: Ctx) => Reply | Promise<Reply>;
interface Route { method: string; pattern: RegExp; handler: Handler }

const ID = '(\\d+)';
const CODE = 'code\\(([^)]*)\\)';
const routes: Route[] = [];
const on = (method: string, path: string, handler: Handler): void => {
  routes.push({ method, pattern: new RegExp(`^${path}/?$`, 'i'), handler });
};

export function matchRoute(method: string, path: string): { handler: Handler; params: string[] } | 'method' | undefined {
  let methodMismatch = false;
  for (const r of routes) {
    const m = r.pattern.exec(path);
    if (!m) continue;
    if (r.method !== method) {
      methodMismatch = true;
      continue;
    }
    return { handler: r.handler, params: m.slice(1).map((p) => decodeURIComponent(p ?? '')) };
  }
  return methodMismatch ? 'method' : undefined;
}

const byCode = <T extends { Code: string }>(rows: Iterable<T>, code: string): T | undefined => {
  for (const r of rows) if (r.Code.toLowerCase() === code.toLowerCase()) return r;
  return undefined;
};
const zone = (ctx: Ctx): string => ctx.settings.timeZone;
const today = (): string => new Date().toISOString().slice(0, 10);

// ---------------------------------------------------------------------------
// Organisation and code lists

on('GET', '', (ctx) => ok({
  OrganisationId: ctx.org.id, Title: ctx.org.title, Address: 'Dunajska cesta 1', PostalCode: '1000', City: 'Ljubljana',
  Country: { ID: ctx.org.homeCountryId, Name: 'Slovenija', ResourceUrl: null }, TaxNumber: ctx.org.taxNumber.slice(2), VATIdentificationNumber: ctx.org.taxNumber,
  Status: 'A', RecordDtModified: toWireTime(Date.now(), zone(ctx)), RowVersion: 'AAAAAAAAAAE=',
}));

const countryView = (c: OrgState['countries'][number]) => ({ CountryId: c.CountryId, Code: c.Code, Name: c.Name, Currency: { ID: c.CurrencyId, Name: null, ResourceUrl: null } });
on('GET', 'countries', (ctx) => page(ctx, ctx.org.countries, countryView));
on('GET', `countries/${CODE}`, (ctx) => {
  const c = byCode(ctx.org.countries, ctx.params[0]!);
  return c ? ok(countryView(c)) : notFound(`Država ${ctx.params[0]}`);
});
on('GET', `countries/${ID}`, (ctx) => {
  const c = ctx.org.countries.find((x) => x.CountryId === Number(ctx.params[0]));
  return c ? ok(countryView(c)) : notFound(`Država ${ctx.params[0]}`);
});
on('GET', 'currencies', (ctx) => page(ctx, ctx.org.currencies, (c) => c));
on('GET', `currencies/${CODE}`, (ctx) => {
  const c = byCode(ctx.org.currencies, ctx.params[0]!);
  return c ? ok(c) : notFound(`Valuta ${ctx.params[0]}`);
});
on('GET', `currencies/${ID}`, (ctx) => {
  const c = ctx.org.currencies.find((x) => x.CurrencyId === Number(ctx.params[0]));
  return c ? ok(c) : notFound(`Valuta ${ctx.params[0]}`);
});

/** VAT rates valid on `date` (default today) for `countryID` (default the home country): rates depend on the date (DOC). */
function vatRatesAt(ctx: Ctx) {
  const date = (ctx.query('date') ?? today()).slice(0, 10);
  const country = Number(ctx.query('countryID') ?? ctx.org.homeCountryId);
  return ctx.org.vatRates.filter((r) => r.CountryId === country && r.validFrom <= date && (r.validTo === null || r.validTo >= date));
}
const vatView = (r: OrgState['vatRates'][number]) => ({ VatRateId: r.VatRateId, Code: r.Code, Percent: num(r.Percent), VatRatePercentage: { ID: r.VatRatePercentageId, Name: `${r.Percent} %`, ResourceUrl: null } });
on('GET', 'vatrates', (ctx) => page(ctx, vatRatesAt(ctx), vatView));
on('GET', `vatrates/${CODE}`, (ctx) => {
  const r = vatRatesAt(ctx).find((x) => x.Code.toLowerCase() === ctx.params[0]!.toLowerCase());
  return r ? ok(vatView(r)) : notFound(`Stopnja DDV ${ctx.params[0]}`);
});
on('GET', `vatrates/${ID}`, (ctx) => {
  const r = ctx.org.vatRates.find((x) => x.VatRateId === Number(ctx.params[0]));
  return r ? ok(vatView(r)) : notFound(`Stopnja DDV ${ctx.params[0]}`);
});
on('GET', 'paymentmethods', (ctx) => page(ctx, ctx.org.paymentMethods, (p) => p));
on('GET', 'issuedinvoices/paymentmethods', (ctx) => page(ctx, ctx.org.paymentMethods, (p) => ({ ...p, Code: p.Type })));
on('GET', 'report-templates', (ctx) => {
  const search = ctx.query('SearchString')?.toLowerCase();
  return page(ctx, ctx.org.reportTemplates.filter((t) => !search || t.Name.toLowerCase().includes(search) || t.DisplayType.toLowerCase() === search), (t) => t);
});
on('GET', 'document-numbering', (ctx) => page(ctx, ctx.org.documentNumbering, (d) => d));

// ---------------------------------------------------------------------------
// Warehouses

on('GET', 'warehouses', (ctx) => {
  const search = ctx.query('SearchString')?.toLowerCase();
  const rows = [...ctx.org.warehouses.values()].filter((w) => !search || w.Code.toLowerCase().includes(search) || w.Name.toLowerCase().includes(search));
  return page(ctx, rows, (w) => warehouseView(w, zone(ctx)));
});
on('GET', 'warehouses/synccandidates', (ctx) => syncCandidates(ctx, ctx.org.warehouses.values(), (w) => w.WarehouseId));
on('GET', `warehouses/${ID}`, (ctx) => {
  const w = ctx.org.warehouses.get(Number(ctx.params[0]));
  return w ? ok(warehouseView(w, zone(ctx))) : notFound(`Skladišče ${ctx.params[0]}`);
});

// ---------------------------------------------------------------------------
// Items

on('GET', 'items', (ctx) => {
  const search = ctx.query('SearchString')?.toLowerCase();
  const rows = [...ctx.org.items.values()].filter((i) => !search || i.Code.toLowerCase().includes(search) || i.Name.toLowerCase().includes(search));
  return page(ctx, rows, (i) => itemSearchView(ctx.org, i));
});
on('GET', 'items/synccandidates', (ctx) => syncCandidates(ctx, ctx.org.items.values(), (i) => i.ItemId));
on('GET', 'items/settings', (ctx) => ok({ PricesIncludeVAT: ctx.settings.pricesIncludeVat }));
on('GET', `items/${CODE}`, (ctx) => {
  const i = byCode(ctx.org.items.values(), ctx.params[0]!);
  return i ? ok(itemView(ctx.org, i, zone(ctx))) : notFound(`Artikel s šifro ${ctx.params[0]}`);
});
on('GET', `items/${ID}`, (ctx) => {
  const i = ctx.org.items.get(Number(ctx.params[0]));
  return i ? ok(itemView(ctx.org, i, zone(ctx))) : notFound(`Artikel ${ctx.params[0]}`);
});

function itemFields(ctx: Ctx, body: Record<string, unknown>, existing?: Item): { item: Omit<Item, 'ItemId' | 'modified' | 'rowVersion'> } | { error: Reply } {
  const problems: { PropertyName: string; Message: string }[] = [];
  const name = text(body.Name) ?? existing?.Name ?? '';
  const code = text(body.Code) ?? existing?.Code ?? '';
  if (!name) problems.push({ PropertyName: 'Name', Message: 'Naziv je obvezen podatek.' });
  if (code.length > 30) problems.push({ PropertyName: 'Code', Message: 'Šifra je lahko dolga največ 30 znakov.' });
  const unit = text(body.UnitOfMeasurement) ?? existing?.UnitOfMeasurement ?? 'kos';
  if (unit.length > 3) problems.push({ PropertyName: 'UnitOfMeasurement', Message: 'Enota mere je lahko dolga največ 3 znake.' });
  const duplicate = code && [...ctx.org.items.values()].find((i) => i.Code === code && i.ItemId !== existing?.ItemId);
  if (duplicate) problems.push({ PropertyName: 'Code', Message: `Artikel s šifro ${code} že obstaja.` });
  const vatRateId = fkId(body.VatRate) ?? existing?.VatRateId ?? vatRatesAtToday(ctx)[0]?.VatRateId;
  if (!ctx.org.vatRates.some((r) => r.VatRateId === vatRateId)) problems.push({ PropertyName: 'VatRate', Message: 'Stopnja DDV ne obstaja.' });
  const price = body.Price === undefined ? existing?.Price : jsonDec(body.Price);
  if (price === undefined) problems.push({ PropertyName: 'Price', Message: 'Cena je obvezen podatek.' });
  if (problems.length > 0) return { error: validation(problems) };
  return {
    item: {
      Name: name, Code: code, EANCode: text(body.EANCode) ?? existing?.EANCode ?? null, Description: text(body.Description) ?? existing?.Description ?? null,
      ItemType: text(body.ItemType) ?? existing?.ItemType ?? 'B', UnitOfMeasurement: unit, MassPerUnit: jsonDec(body.MassPerUnit) ?? existing?.MassPerUnit ?? null,
      VatRateId: vatRateId!, Price: price!, CurrencyId: fkId(body.Currency) ?? existing?.CurrencyId ?? ctx.org.currencies[0]!.CurrencyId, Usage: text(body.Usage) ?? existing?.Usage ?? 'D',
    },
  };
}
const vatRatesAtToday = (ctx: Ctx) => ctx.org.vatRates.filter((r) => r.Code === 'S' && r.validTo === null);

on('POST', 'items', (ctx) => {
  const fields = itemFields(ctx, (ctx.body ?? {}) as Record<string, unknown>);
  if ('error' in fields) return fields.error;
  const item: Item = { ItemId: newId(ctx.org), ...fields.item, modified: 0, rowVersion: '' };
  touch(ctx.state, item);
  ctx.org.items.set(item.ItemId, item);
  return created(ctx, 'items', item.ItemId, itemView(ctx.org, item, zone(ctx)));
});
on('PUT', `items/${ID}`, (ctx) => {
  const item = ctx.org.items.get(Number(ctx.params[0]));
  if (!item) return notFound(`Artikel ${ctx.params[0]}`);
  const body = (ctx.body ?? {}) as Record<string, unknown>;
  const stale = staleRowVersion(ctx, item, text(body.RowVersion) ?? undefined);
  if (stale) return stale;
  const fields = itemFields(ctx, body, item);
  if ('error' in fields) return fields.error;
  Object.assign(item, fields.item);
  touch(ctx.state, item);
  return ok(itemView(ctx.org, item, zone(ctx)));
});

// ---------------------------------------------------------------------------
// Stock (read-only; no warehouse field in the row, docs/contracts/minimax.md#resources-icsync-uses)

function stockRows(ctx: Ctx, itemFilter?: number): { item: Item; qty: Decimal }[] {
  const warehouseId = ctx.query('WarehouseId');
  const warehouses = warehouseId ? [Number(warehouseId)] : [...ctx.org.warehouses.keys()];
  const sums = new Map<number, Decimal>();
  for (const w of warehouses) {
    for (const [itemId, qty] of ctx.org.stock.get(w) ?? []) {
      if (itemFilter !== undefined && itemId !== itemFilter) continue;
      sums.set(itemId, dec(String(Number(sums.get(itemId) ?? '0') + Number(qty))));
    }
  }
  return [...sums].sort((a, b) => a[0] - b[0]).flatMap(([itemId, qty]) => {
    const item = ctx.org.items.get(itemId);
    return item ? [{ item, qty }] : [];
  });
}
const stockView = (ctx: Ctx, r: { item: Item; qty: Decimal }) => ({
  Item: { ID: r.item.ItemId, Name: r.item.Name, ResourceUrl: null }, ItemName: r.item.Name, ItemCode: r.item.Code, ItemEANCode: r.item.EANCode,
  UnitOfMeasurement: r.item.UnitOfMeasurement, AveragePurchasePrice: 0, SellingPrice: num(r.item.Price), Quantity: num(r.qty), Value: 0, BatchNumber: null,
  Currency: { ID: r.item.CurrencyId, Name: 'EUR', ResourceUrl: null },
});
on('GET', 'stocks', (ctx) => {
  const itemId = ctx.query('ItemID');
  return page(ctx, stockRows(ctx, itemId ? Number(itemId) : undefined), (r) => stockView(ctx, r));
});
on('GET', `stocks/${ID}`, (ctx) => {
  const [row] = stockRows(ctx, Number(ctx.params[0]));
  return row ? ok(stockView(ctx, row)) : notFound(`Zaloga artikla ${ctx.params[0]}`);
});

// ---------------------------------------------------------------------------
// Customers and contacts

on('GET', 'customers', (ctx) => {
  const search = ctx.query('SearchString')?.toLowerCase().replace(/\s+/g, '');
  const fields = ctx.settings.customerSearchFields as (keyof Customer)[];
  const rows = [...ctx.org.customers.values()].filter((c) => !search || fields.some((f) => String(c[f] ?? '').toLowerCase().replace(/\s+/g, '').includes(search)));
  return page(ctx, rows, (c) => customerSearchView(ctx.org, c));
});
on('GET', 'customers/synccandidates', (ctx) => syncCandidates(ctx, ctx.org.customers.values(), (c) => c.CustomerId));
on('GET', `customers/${CODE}`, (ctx) => {
  const c = byCode(ctx.org.customers.values(), ctx.params[0]!);
  return c ? ok(customerView(ctx.org, c, zone(ctx))) : notFound(`Stranka s šifro ${ctx.params[0]}`);
});
on('GET', `customers/${ID}`, (ctx) => {
  const c = ctx.org.customers.get(Number(ctx.params[0]));
  return c ? ok(customerView(ctx.org, c, zone(ctx))) : notFound(`Stranka ${ctx.params[0]}`);
});
on('POST', 'customers', (ctx) => {
  const body = (ctx.body ?? {}) as Record<string, unknown>;
  const problems: { PropertyName: string; Message: string }[] = [];
  const code = text(body.Code) ?? '';
  const name = text(body.Name) ?? '';
  if (!name) problems.push({ PropertyName: 'Name', Message: 'Naziv je obvezen podatek.' });
  if (code.length > 10) problems.push({ PropertyName: 'Code', Message: 'Šifra je lahko dolga največ 10 znakov.' });
  if (code && byCode(ctx.org.customers.values(), code)) problems.push({ PropertyName: 'Code', Message: `Stranka s šifro ${code} že obstaja.` });
  const countryId = fkId(body.Country) ?? ctx.org.homeCountryId;
  if (!ctx.org.countries.some((c) => c.CountryId === countryId)) problems.push({ PropertyName: 'Country', Message: 'Država ne obstaja.' });
  const subject = text(body.SubjectToVAT) ?? 'N';
  if (!['D', 'M', 'N'].includes(subject)) problems.push({ PropertyName: 'SubjectToVAT', Message: 'Zavezanec za DDV mora biti D, M ali N.' });
  if (problems.length > 0) return validation(problems);
  const customer: Customer = {
    CustomerId: newId(ctx.org), Code: code || `S${ctx.org.nextId}`, Name: name, Address: text(body.Address), PostalCode: text(body.PostalCode), City: text(body.City),
    CountryId: countryId, CountryName: text(body.CountryName), TaxNumber: text(body.TaxNumber), VATIdentificationNumber: text(body.VATIdentificationNumber),
    RegistrationNumber: text(body.RegistrationNumber), SubjectToVAT: subject, CurrencyId: fkId(body.Currency) ?? ctx.org.currencies[0]!.CurrencyId,
    ExpirationDays: Number(body.ExpirationDays ?? 8) || 0, RebatePercent: jsonDec(body.RebatePercent) ?? dec('0'), EInvoiceIssuing: text(body.EInvoiceIssuing) ?? 'SeNePripravlja',
    Usage: text(body.Usage) ?? 'D', modified: 0, rowVersion: '',
  };
  touch(ctx.state, customer);
  ctx.org.customers.set(customer.CustomerId, customer);
  return created(ctx, 'customers', customer.CustomerId, customerView(ctx.org, customer, zone(ctx)));
});
on('PUT', `customers/${ID}`, (ctx) => {
  const c = ctx.org.customers.get(Number(ctx.params[0]));
  if (!c) return notFound(`Stranka ${ctx.params[0]}`);
  const body = (ctx.body ?? {}) as Record<string, unknown>;
  const stale = staleRowVersion(ctx, c, text(body.RowVersion) ?? undefined);
  if (stale) return stale;
  for (const f of ['Name', 'Address', 'PostalCode', 'City', 'TaxNumber', 'VATIdentificationNumber', 'SubjectToVAT'] as const) if (text(body[f]) !== null) (c as unknown as Record<string, unknown>)[f] = text(body[f]);
  touch(ctx.state, c);
  return ok(customerView(ctx.org, c, zone(ctx)));
});
on('GET', `customers/${ID}/contacts`, (ctx) => {
  const id = Number(ctx.params[0]);
  if (!ctx.org.customers.has(id)) return notFound(`Stranka ${id}`);
  return page(ctx, [...ctx.org.contacts.values()].filter((c) => c.CustomerId === id), (c) => contactView(ctx.org, c, zone(ctx)));
});
on('POST', `customers/${ID}/contacts`, (ctx) => {
  const id = Number(ctx.params[0]);
  if (!ctx.org.customers.has(id)) return notFound(`Stranka ${id}`);
  const body = (ctx.body ?? {}) as Record<string, unknown>;
  const contact: Contact = {
    ContactId: newId(ctx.org), CustomerId: id, FullName: text(body.FullName), Email: text(body.Email), PhoneNumber: text(body.PhoneNumber),
    Default: text(body.Default) ?? 'N', modified: 0, rowVersion: '',
  };
  touch(ctx.state, contact);
  ctx.org.contacts.set(contact.ContactId, contact);
  return created(ctx, `customers/${id}/contacts`, contact.ContactId, contactView(ctx.org, contact, zone(ctx)));
});
on('GET', 'contacts', (ctx) => {
  const email = ctx.query('Email')?.toLowerCase();
  return page(ctx, [...ctx.org.contacts.values()].filter((c) => !email || c.Email?.toLowerCase() === email), (c) => contactView(ctx.org, c, zone(ctx)));
});

// ---------------------------------------------------------------------------
// Orders

on('GET', 'orders', (ctx) => {
  const q = (n: string) => ctx.query(n);
  const from = q('DateFrom') ? parseWireTime(q('DateFrom')!, zone(ctx)) : undefined;
  const to = q('DateTo') ? parseWireTime(q('DateTo')!, zone(ctx)) : undefined;
  const rows = [...ctx.org.orders.values()].filter((o) =>
    (!q('ReceivedIssued') || o.ReceivedIssued === q('ReceivedIssued')) && (q('Reference') === undefined || o.Reference === q('Reference')) &&
    (!q('CustomerID') || o.CustomerId === Number(q('CustomerID'))) && (!q('Status') || o.Status === q('Status')) &&
    (!q('Year') || o.Year === Number(q('Year'))) && (!q('Number') || o.Number === Number(q('Number'))) &&
    (from === undefined || o.Date >= from) && (to === undefined || o.Date <= to + 86_399_999));
  return page(ctx, rows, (o) => orderSearchView(ctx.org, o, zone(ctx)));
});
on('GET', 'orders/synccandidates', (ctx) => syncCandidates(ctx, ctx.org.orders.values(), (o) => o.OrderId));
on('GET', `orders/${ID}`, (ctx) => {
  const o = ctx.org.orders.get(Number(ctx.params[0]));
  return o ? ok(orderView(ctx.org, o, zone(ctx))) : notFound(`Naročilo ${ctx.params[0]}`);
});
on('POST', 'orders', (ctx) => {
  const body = (ctx.body ?? {}) as Record<string, unknown>;
  const problems: { PropertyName: string; Message: string }[] = [];
  const receivedIssued = text(body.ReceivedIssued) ?? '';
  if (!['P', 'I'].includes(receivedIssued)) problems.push({ PropertyName: 'ReceivedIssued', Message: 'Vrsta naročila (ReceivedIssued) mora biti P ali I.' });
  const customer = ctx.org.customers.get(fkId(body.Customer) ?? -1);
  if (!customer) problems.push({ PropertyName: 'Customer', Message: 'Stranka ne obstaja.' });
  const currencyId = fkId(body.Currency) ?? ctx.org.currencies[0]!.CurrencyId;
  if (!ctx.org.currencies.some((c) => c.CurrencyId === currencyId)) problems.push({ PropertyName: 'Currency', Message: 'Valuta ne obstaja.' });
  const date = text(body.Date) ? parseWireTime(text(body.Date)!, zone(ctx)) : Date.now();
  if (date === undefined) problems.push({ PropertyName: 'Date', Message: 'Datum ni v pravilni obliki.' });
  const rowsIn = Array.isArray(body.OrderRows) ? (body.OrderRows as Record<string, unknown>[]) : [];
  if (rowsIn.length === 0) problems.push({ PropertyName: 'OrderRows', Message: 'Naročilo mora imeti vsaj eno vrstico.' });
  const rows: OrderRow[] = [];
  rowsIn.forEach((r, index) => {
    const n = index + 1;
    const item = ctx.org.items.get(fkId(r.Item) ?? -1);
    if (!item) problems.push({ PropertyName: `OrderRows[${index}].Item`, Message: `Vrstica ${n}: artikel ${JSON.stringify(r.Item ?? null)} ne obstaja.` });
    const warehouseId = fkId(r.Warehouse) ?? null;
    if (warehouseId !== null && !ctx.org.warehouses.has(warehouseId)) problems.push({ PropertyName: `OrderRows[${index}].Warehouse`, Message: `Vrstica ${n}: skladišče ne obstaja.` });
    const quantity = jsonDec(r.Quantity);
    if (quantity === undefined || isZero(quantity) || isNegative(quantity)) problems.push({ PropertyName: `OrderRows[${index}].Quantity`, Message: `Vrstica ${n}: količina mora biti večja od 0.` });
    const price = r.Price === undefined || r.Price === null ? item?.Price : jsonDec(r.Price);
    if (price === undefined) problems.push({ PropertyName: `OrderRows[${index}].Price`, Message: `Vrstica ${n}: cena ni veljavna.` });
    if (item && quantity !== undefined && price !== undefined) {
      rows.push({
        OrderRowId: 0, ItemId: item.ItemId, WarehouseId: warehouseId, ItemName: text(r.ItemName) ?? item.Name, ItemCode: item.Code, Description: text(r.Description),
        Quantity: quantity, DiscountPercent: jsonDec(r.DiscountPercent) ?? dec('0'), Price: price, UnitOfMeasurement: text(r.UnitOfMeasurement) ?? item.UnitOfMeasurement,
      });
    }
  });
  const reference = text(body.Reference);
  if (reference !== null && reference.length > 100) problems.push({ PropertyName: 'Reference', Message: 'Sklic je predolg.' });
  if (problems.length > 0) return validation(problems);
  for (const r of rows) r.OrderRowId = newId(ctx.org);
  const year = Number(toWireTime(date!, zone(ctx)).slice(0, 4));
  const number = [...ctx.org.orders.values()].filter((o) => o.Year === year && o.ReceivedIssued === receivedIssued).reduce((m, o) => Math.max(m, o.Number), 0) + 1;
  const order: Order = {
    OrderId: newId(ctx.org), ReceivedIssued: receivedIssued, Year: year, Number: number, Date: date!, CustomerId: customer!.CustomerId,
    CustomerName: text(body.CustomerName) ?? customer!.Name, CustomerAddress: text(body.CustomerAddress) ?? customer!.Address,
    CustomerPostalCode: text(body.CustomerPostalCode) ?? customer!.PostalCode, CustomerCity: text(body.CustomerCity) ?? customer!.City,
    CustomerCountryId: fkId(body.CustomerCountry) ?? customer!.CountryId, Reference: reference, CurrencyId: currencyId, Notes: text(body.Notes), Status: 'O',
    DateConfirmed: null, DateCompleted: null, Rows: rows, modified: 0, rowVersion: '',
  };
  touch(ctx.state, order);
  ctx.org.orders.set(order.OrderId, order);
  ctx.events.orderCreated(ctx.org, order.OrderId);
  return created(ctx, 'orders', order.OrderId, orderView(ctx.org, order, zone(ctx)));
});
on('PUT', `orders/${ID}`, (ctx) => {
  const o = ctx.org.orders.get(Number(ctx.params[0]));
  if (!o) return notFound(`Naročilo ${ctx.params[0]}`);
  const body = (ctx.body ?? {}) as Record<string, unknown>;
  const stale = staleRowVersion(ctx, o, text(body.RowVersion) ?? undefined);
  if (stale) return stale;
  if (o.Status !== 'O') return message(400, 'Potrjenega naročila ni mogoče spreminjati.');
  if (text(body.Notes) !== null) o.Notes = text(body.Notes);
  if (text(body.Reference) !== null) o.Reference = text(body.Reference);
  touch(ctx.state, o);
  return ok(orderView(ctx.org, o, zone(ctx)));
});

const ORDER_ACTIONS: Record<string, { from: Order['Status'][]; to: Order['Status'] }> = {
  confirm: { from: ['O'], to: 'P' },
  cancelconfirmation: { from: ['P'], to: 'O' },
  complete: { from: ['P'], to: 'Z' },
  cancelcompletion: { from: ['Z'], to: 'P' },
  invalidate: { from: ['O', 'P'], to: 'R' },
  cancelinvalidation: { from: ['R'], to: 'O' },
};
on('PUT', `orders/${ID}/actions/([A-Za-z]+)`, (ctx) => {
  const o = ctx.org.orders.get(Number(ctx.params[0]));
  if (!o) return notFound(`Naročilo ${ctx.params[0]}`);
  const stale = staleRowVersion(ctx, o, ctx.query('rowVersion'));
  if (stale) return stale;
  const action = ctx.params[1]!.toLowerCase();
  try {
    if (action === 'createissuedinvoice') {
      invoiceFromOrder(ctx.state, ctx.org, o, ctx.settings);
      return { status: 200 };
    }
    const step = ORDER_ACTIONS[action];
    if (!step) return message(400, `Akcija ${ctx.params[1]} ne obstaja.`);
    if (!step.from.includes(o.Status)) return message(400, `Akcije ${ctx.params[1]} ni mogoče izvesti v statusu ${o.Status}.`);
    o.Status = step.to;
    if (step.to === 'P') o.DateConfirmed ??= Date.now();
    touch(ctx.state, o);
    return { status: 200 };
  } catch (error) {
    if (error instanceof EmulatorActionError) return message(400, error.message);
    throw error;
  }
});

// ---------------------------------------------------------------------------
// Issued invoices and documents

on('GET', 'issuedinvoices', (ctx) => {
  const q = (n: string) => ctx.query(n);
  const type = q('InvoiceType');
  if (type !== 'R' && type !== 'P') return message(400, 'InvoiceType: Mandatory filter value (R or P).');
  const from = q('DateIssuedFrom') ? parseWireTime(q('DateIssuedFrom')!, zone(ctx)) : undefined;
  const to = q('DateIssuedTo') ? parseWireTime(q('DateIssuedTo')!, zone(ctx)) : undefined;
  const rows = [...ctx.org.invoices.values()].filter((i) =>
    i.InvoiceType === type && (!q('CustomerID') || i.CustomerId === Number(q('CustomerID'))) && (!q('Status') || i.Status === q('Status')) &&
    (!q('Year') || i.Year === Number(q('Year'))) && (!q('InvoiceNumber') || i.InvoiceNumber === Number(q('InvoiceNumber'))) &&
    (from === undefined || i.DateIssued >= from) && (to === undefined || i.DateIssued <= to + 86_399_999));
  return page(ctx, rows, (i) => invoiceSearchView(ctx.org, i, zone(ctx)));
});
on('GET', 'issuedinvoices/synccandidates', (ctx) => syncCandidates(ctx, ctx.org.invoices.values(), (i) => i.IssuedInvoiceId));
on('GET', `issuedinvoices/${ID}`, (ctx) => {
  const i = ctx.org.invoices.get(Number(ctx.params[0]));
  return i ? ok(invoiceView(ctx.org, i, zone(ctx))) : notFound(`Račun ${ctx.params[0]}`);
});
on('PUT', `issuedinvoices/${ID}/actions/([A-Za-z]+)`, async (ctx) => {
  const inv = ctx.org.invoices.get(Number(ctx.params[0]));
  if (!inv) return notFound(`Račun ${ctx.params[0]}`);
  const stale = staleRowVersion(ctx, inv, ctx.query('rowVersion'));
  if (stale) return stale;
  const action = ctx.params[1]!.toLowerCase();
  try {
    if (action === 'issue') issue(ctx.state, ctx.org, inv);
    else if (action === 'generatepdf') await generatePdf(ctx.state, ctx.org, inv, ctx.settings);
    else if (action === 'issueandgeneratepdf') {
      issue(ctx.state, ctx.org, inv);
      await generatePdf(ctx.state, ctx.org, inv, ctx.settings);
    } else return message(400, `Akcija ${ctx.params[1]} ne obstaja.`);
  } catch (error) {
    if (error instanceof EmulatorActionError) return message(400, error.message);
    throw error;
  }
  return { status: 200 };
});
on('GET', `documents/${ID}`, (ctx) => {
  const d = ctx.org.documents.get(Number(ctx.params[0]));
  if (!d) return notFound(`Dokument ${ctx.params[0]}`);
  return ok({
    DocumentId: d.DocumentId, Attachments: d.Attachments.map((a) => ({ DocumentAttachmentId: a.DocumentAttachmentId, Description: a.Description, FileName: a.FileName, MimeType: a.MimeType, EntryDate: toWireTime(a.modified, zone(ctx)) })),
    RecordDtModified: toWireTime(d.modified, zone(ctx)), RowVersion: d.rowVersion,
  });
});
on('GET', `documents/${ID}/attachments/${ID}`, (ctx) => {
  const d = ctx.org.documents.get(Number(ctx.params[0]));
  const a = d?.Attachments.find((x) => x.DocumentAttachmentId === Number(ctx.params[1]));
  if (!d || !a) return notFound(`Priponka ${ctx.params[1]}`);
  return ok({
    DocumentAttachmentId: a.DocumentAttachmentId, Document: { ID: d.DocumentId, Name: null, ResourceUrl: null }, Description: a.Description,
    AttachmentData: a.data.toString('base64'), FileName: a.FileName, MimeType: a.MimeType, EntryDate: toWireTime(a.modified, zone(ctx)),
    RecordDtModified: toWireTime(a.modified, zone(ctx)), RowVersion: a.rowVersion,
  });
});

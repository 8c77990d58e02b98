/**
 * CPU cost of reading iCenter pages, old way against new way in one run: one 1,000-item
 * `GetItemsGeneralData` page (every swagger field) and one 1,000-row `GetStocks` page, as the
 * emulator writes them, each parsed many times
 *   - by fast-xml-parser building the whole document tree (the connector's reader before), and
 *   - by the connector's streaming reader (saxes, src/connectors/icenter/xml-reader.ts),
 * and then mapped to ErpItems / StockLevels by the connector's own mappers. Ratios are what to
 * read; the machine is shared and noisy.
 *
 *   npx tsx bench/icenter-parse.ts [rounds]
 */
import { XMLParser } from 'fast-xml-parser';
import { itemRows, ITEMS_PATH, mapItem } from '../src/connectors/icenter/items.js';
import { mapStockPage, STOCK_PATH } from '../src/connectors/icenter/stock.js';
import { parseXml, type XmlNode } from '../src/connectors/icenter/xml.js';
import { asWarehouse } from '../src/core/model.js';
import { startIcenterEmulator } from '../src/emulators/icenter/index.js';

const ROW_NAMES = new Set(['ItemGeneralData', 'itemDescriptions', 'OrderLine', 'InvoiceLine', 'StockItem', 'Error', 'Key', 'EntityKeyField', 'Order_Invoice', 'Order_Dispatch', 'Reference', 'Attachment', 'Description']);

/** fast-xml-parser as the connector configured it before the streaming reader. */
const treeParser = new XMLParser({
  removeNSPrefix: true, ignoreAttributes: false, attributeNamePrefix: '@_', textNodeName: '#text', parseTagValue: false, parseAttributeValue: false,
  trimValues: true, processEntities: true, htmlEntities: false, ignoreDeclaration: true, ignorePiTags: true,
  isArray: (name, jPath) => ROW_NAMES.has(name) || (String(jPath).split('.').length === 2 && String(jPath).startsWith('ArrayOf')),
});
const parseTree = (text: string): XmlNode => {
  const doc = treeParser.parse(text) as Record<string, XmlNode>;
  return doc[Object.keys(doc).find((k) => !k.startsWith('?'))!]!;
};

function cpuMs(rounds: number, work: () => unknown): number {
  work();
  const before = process.cpuUsage();
  for (let i = 0; i < rounds; i++) work();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000 / rounds;
}

async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? 20);
  const emulator = await startIcenterEmulator({ port: 0, seed: { items: 1000, seed: 1, customers: 10, organisations: [1] } });
  const headers = { authorization: `Basic ${Buffer.from(`${emulator.credentials.user}:${emulator.credentials.password}`).toString('base64')}`, organisationid: '1' };
  const fetchText = async (path: string): Promise<string> => {
    const response = await fetch(`${emulator.baseUrl}/${path}`, { headers });
    if (!response.ok) throw new Error(`${path}: ${response.status}`);
    return response.text();
  };
  const items = await fetchText(`${ITEMS_PATH}?searchQuery.page=1&searchQuery.pageSize=1000&searchQuery.includeNonActiveItems=true`);
  const stock = await fetchText(`${STOCK_PATH}?warehouseIdList=0000001&page=1&pageSize=1000&includeZeroQuantities=true`);
  await emulator.close();

  const mapItems = (root: XmlNode) => itemRows(root).map((row) => mapItem(row, 'Europe/Ljubljana'));
  const mapStock = (root: XmlNode) => mapStockPage(root, asWarehouse('0000001'));
  const itemCount = itemRows(parseXml(items).node).length;
  const stockPage = mapStock(parseXml(stock).node);
  const stockCount = stockPage.kind === 'rows' ? stockPage.rows.length : 0;

  const rows = [
    { page: `items (${itemCount} rows, ${(items.length / 1e6).toFixed(2)} MB)`, count: itemCount, tree: cpuMs(rounds, () => mapItems(parseTree(items))), stream: cpuMs(rounds, () => mapItems(parseXml(items).node)) },
    { page: `stock (${stockCount} rows, ${(stock.length / 1e6).toFixed(2)} MB)`, count: stockCount, tree: cpuMs(rounds, () => mapStock(parseTree(stock))), stream: cpuMs(rounds, () => mapStock(parseXml(stock).node)) },
  ];
  console.log(`Node ${process.version}, ${rounds} rounds per cell, CPU ms per page (parse + map)`);
  console.log('| page | fast-xml-parser tree ms | streaming reader ms | ms per row (streaming) | ratio |');
  console.log('|---|---:|---:|---:|---:|');
  for (const r of rows) console.log(`| ${r.page} | ${r.tree.toFixed(1)} | ${r.stream.toFixed(1)} | ${(r.stream / r.count).toFixed(3)} | ${(r.tree / r.stream).toFixed(1)}× |`);
}

await main();

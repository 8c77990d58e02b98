/**
 * The strict streaming XML reader: the node shapes the mappers read, character references
 * decoded, the same result however the body is cut into chunks, and a refusal (never a partial
 * read) for anything that is not one well-formed document.
 */
import { describe, expect, it } from 'vitest';
import { list, parseXml, startXmlRead, text, XmlReadError } from '../../../src/connectors/icenter/xml.js';

const NS = 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"';

describe('XML reader', () => {
  it('reads local names, attributes, nil, mixed text and rows as arrays', () => {
    const { root, node } = parseXml(
      `<?xml version="1.0" encoding="utf-8"?><a:Root xmlns:a="urn:a" ${NS} a:Version="2"><a:Name>  Kava &amp; čaj </a:Name><Empty/><Nil xsi:nil="true" /><R>1</R><R>2</R><Error><Level>W</Level></Error><M>x<!-- no -->y<![CDATA[<z>]]></M></a:Root>`,
    );
    expect(root).toBe('Root');
    expect(node).toEqual({ '@_Version': '2', Name: 'Kava & čaj', Empty: '', Nil: { '@_nil': 'true' }, R: ['1', '2'], Error: [{ Level: 'W' }], M: 'xy<z>' });
    expect(list(parseXml(`<ArrayOfPartner ${NS}><Partner><Code>1</Code></Partner></ArrayOfPartner>`).node, 'Partner')).toEqual([{ Code: '1' }]);
  });

  it('decodes character references as XmlSerializer writes them', () => {
    expect(text(parseXml(`<R><Name>&#x10D;evlji &#269; &#x41;</Name></R>`).node, 'Name')).toBe('čevlji č A');
  });

  it('gives the same nodes however the body is chunked', () => {
    const doc = `<?xml version="1.0"?><ArrayOfStockItem ${NS}>${Array.from({ length: 50 }, (_, i) => `<StockItem><ItemID>${String(i).padStart(7, '0')}</ItemID><Qty>${i}.500</Qty></StockItem>`).join('')}</ArrayOfStockItem>`;
    const whole = parseXml(doc);
    for (const size of [1, 7, 64, 1000]) {
      const read = startXmlRead();
      for (let at = 0; at < doc.length; at += size) read.write(doc.slice(at, at + size));
      expect(read.end()).toEqual(whole);
    }
  });

  it.each([
    ['an empty body', ''],
    ['an HTML login page', '<!DOCTYPE html><html><head><title>Prijava</title></head><body><form><input name="u"></form></body></html>'],
    ['a body cut off in transit', `<ItemsGeneralData ${NS}><ItemGeneralData><ItemID>A</ItemID>`],
    ['mismatched tags', `<ArrayOfStockItem><StockItem><ItemID>A</Qty></StockItem></ArrayOfStockItem>`],
    ['text after the root', `<ArrayOfStockItem></ArrayOfStockItem>trailing`],
    ['two roots', `<A/><B/>`],
    ['JSON', '{"items":[]}'],
    ['an entity the document defines', '<!DOCTYPE r [<!ENTITY big "xxxxxxxx">]><r>&big;&big;</r>'],
  ])('refuses %s', (_what, body) => {
    expect(() => parseXml(body)).toThrow(XmlReadError);
  });
});

/**
 * Line and document amounts, exact (decimal helpers, half-up rounding to cents).
 * Field meaning follows the iCenter header set GrossAmount − DiscountAmount = NetAmount,
 * + VATAmount = PaymentAmount: "gross" is before discount and without VAT [INF from field names].
 */
import { add, div, mul, round, sub, ZERO } from '../../core/decimal.js';
import type { Decimal } from '../../core/decimal.js';
import type { DocLine, DocTotals } from './model.js';

const HUNDRED = '100' as Decimal;
const ONE = '1' as Decimal;

export interface LineInput {
  qty: Decimal;
  price: Decimal;
  priceIncludeVat: boolean;
  /** DiscountPercentage..5, applied one after the other. */
  discounts: Decimal[];
  vatPercent: Decimal;
}

export type LineAmounts = Pick<DocLine, 'price' | 'priceWithVat' | 'grossAmount' | 'discountAmount' | 'netAmount' | 'vatAmount' | 'paymentAmount' | 'discountPercent'>;

export function lineAmounts(input: LineInput): LineAmounts {
  const factor = input.discounts.reduce((f, d) => mul(f, sub(ONE, div(d, HUNDRED, 10))), ONE);
  const vatFactor = add(ONE, div(input.vatPercent, HUNDRED, 10));
  const effectiveDiscount = round(mul(sub(ONE, factor), HUNDRED), 4);
  if (!input.priceIncludeVat) {
    const gross = round(mul(input.qty, input.price), 2);
    const net = round(mul(mul(input.qty, input.price), factor), 2);
    const vat = round(div(mul(net, input.vatPercent), HUNDRED, 10), 2);
    return {
      price: input.price, priceWithVat: round(mul(input.price, vatFactor), 4), discountPercent: effectiveDiscount,
      grossAmount: gross, discountAmount: sub(gross, net), netAmount: net, vatAmount: vat, paymentAmount: add(net, vat),
    };
  }
  const payment = round(mul(mul(input.qty, input.price), factor), 2);
  const net = round(div(payment, vatFactor, 10), 2);
  const gross = round(div(mul(input.qty, input.price), vatFactor, 10), 2);
  return {
    price: round(div(input.price, vatFactor, 10), 4), priceWithVat: input.price, discountPercent: effectiveDiscount,
    grossAmount: gross, discountAmount: sub(gross, net), netAmount: net, vatAmount: sub(payment, net), paymentAmount: payment,
  };
}

export function totalsOf(lines: DocLine[]): DocTotals {
  const sum = (pick: (l: DocLine) => Decimal): Decimal => lines.reduce((s, l) => add(s, pick(l)), ZERO);
  return {
    grossAmount: sum((l) => l.grossAmount),
    discountAmount: sum((l) => l.discountAmount),
    netAmount: sum((l) => l.netAmount),
    vatAmount: sum((l) => l.vatAmount),
    paymentAmount: sum((l) => l.paymentAmount),
  };
}

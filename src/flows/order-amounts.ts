/**
 * The money of an order, line by line, before anything is written to the ERP. Pure.
 *
 * - What the buyer pays for a shop line comes from the shop's row totals (Magento's identity:
 *   row total + tax + discount tax compensation − discount), never from a rounded unit price
 *   times quantity, so cheap items in quantity do not drift by cents.
 * - The shop's tax settings (discount on prices with or without VAT, tax before or after the
 *   discount) say how a line's discount lowers what is paid; a line where they do not add up with
 *   the row totals is named, because then the settings in icsync differ from the shop's.
 * - Each ERP line is priced with VAT at the precision the ERP keeps (ErpOrderArithmetic): the
 *   shelf price and a discount percent where that comes to the cent, else the paid amount as the
 *   price; what the ERP would then charge is computed with its own rounding.
 */
import { abs, add, cmp, div, isZero, mul, round, sub, ZERO, type Decimal } from '../core/decimal.js';
import type { ShopOrder, ShopOrderLine } from '../core/model.js';
import type { ErpOrderArithmetic } from '../core/ports.js';

const HUNDRED = '100' as Decimal;
const ONE = '1' as Decimal;
const CENT = '0.01' as Decimal;

/** The shop's tax calculation settings that decide what a discount takes off (Magento: Stores › Configuration › Sales › Tax › Calculation Settings). */
export interface ShopTaxSettings {
  /** "Apply Discount On Prices": including tax (true) or excluding tax (false, Magento's default). */
  discountIncludesTax: boolean;
  /** "Apply Customer Tax": after discount (true, Magento's default) or before. */
  taxAfterDiscount: boolean;
}

/** Used when the ERP connector does not describe its arithmetic: cents everywhere, one rounding per line. */
export const PLAIN_ARITHMETIC: ErpOrderArithmetic = {
  priceDecimals: 2,
  discountDecimals: 2,
  linePayable: (line) => round(mul(mul(line.quantity, round(line.unitPrice, 2)), sub(ONE, div(round(line.discountPercent, 2), HUNDRED, 12))), 2),
};

/** What the buyer pays for a shop line, from its row totals. */
export function linePaid(line: ShopOrderLine): Decimal {
  return sub(add(line.rowTotal, line.taxAmount, line.discountTaxCompensation ?? ZERO), line.discountAmount);
}

/** What the shop's settings say the line costs: the price with VAT less the discount, taken with or without VAT. */
export function paidBySettings(line: ShopOrderLine, settings: ShopTaxSettings): Decimal {
  const withVat = !settings.discountIncludesTax && settings.taxAfterDiscount;
  const discount = withVat ? mul(line.discountAmount, add(ONE, div(line.taxPercent, HUNDRED, 12))) : line.discountAmount;
  return round(sub(line.rowTotalInclTax, discount), 2);
}

/** What the buyer pays for shipping: shipping + its tax + hidden tax − shipping discount. */
export function shippingPaid(order: ShopOrder): Decimal {
  const t = order.totals;
  const tax = t.shippingTax ?? sub(t.shippingInclTax, t.shipping);
  return sub(add(t.shipping, tax, t.shippingDiscountTaxCompensation ?? ZERO), t.shippingDiscount ?? ZERO);
}

export interface PricedLine {
  unitPrice: Decimal;
  discountPercent: Decimal;
  /** What the ERP will charge for the line (with VAT), by its arithmetic. */
  erpPayable: Decimal;
  /** The discount went into the price, because no percent at the ERP's precision gives the paid amount. */
  discountInPrice: boolean;
}

const step = (decimals: number): Decimal => div(ONE, `1${'0'.repeat(decimals)}` as Decimal, decimals);

/**
 * An ERP line priced with VAT for `quantity` units that the buyer paid `paid` for, before a
 * discount `gross` (the row with VAT), with the shelf price `shelf` per unit.
 */
export function priceLine(quantity: Decimal, gross: Decimal, paid: Decimal, shelf: Decimal, erp: ErpOrderArithmetic): PricedLine {
  const payable = (unitPrice: Decimal, discountPercent: Decimal): Decimal => erp.linePayable({ quantity, unitPrice, discountPercent });
  const fits = (unitPrice: Decimal, discountPercent: Decimal): PricedLine | undefined =>
    cmp(payable(unitPrice, discountPercent), paid) === 0 ? { unitPrice, discountPercent, erpPayable: paid, discountInPrice: false } : undefined;
  const exactUnit = (amount: Decimal): Decimal => round(div(amount, quantity, 12), erp.priceDecimals);
  // The shelf price when it times the quantity is the row, else the row spread over the units.
  const price = cmp(round(mul(shelf, quantity), 2), gross) === 0 ? round(shelf, erp.priceDecimals) : exactUnit(gross);
  if (cmp(paid, gross) === 0 || isZero(gross)) {
    const plain = fits(price, ZERO) ?? fits(exactUnit(paid), ZERO);
    if (plain) return plain;
  } else if (!isZero(price)) {
    const wanted = mul(sub(ONE, div(paid, mul(quantity, price), 12)), HUNDRED);
    const nearest = round(wanted, erp.discountDecimals);
    const unit = step(erp.discountDecimals);
    for (const percent of [nearest, sub(nearest, unit), add(nearest, unit)]) {
      const line = cmp(percent, ZERO) > 0 && cmp(percent, HUNDRED) <= 0 ? fits(price, percent) : undefined;
      if (line) return line;
    }
  }
  const folded = exactUnit(paid);
  return { unitPrice: folded, discountPercent: ZERO, erpPayable: payable(folded, ZERO), discountInPrice: !isZero(sub(gross, paid)) };
}

/** One line of the explanation a person reads when an order is held. */
export interface LineCheck {
  label: string;
  shopPaid: Decimal;
  erpPayable: Decimal;
  /** Set when the line's discount does not add up under the shop tax settings in icsync. */
  settingsPaid?: Decimal;
}

/** True when the shop settings in icsync explain the line's discount (within the shop's per-row rounding). */
export function settingsAgree(line: ShopOrderLine, settings: ShopTaxSettings): { agree: boolean; expected: Decimal } {
  const expected = paidBySettings(line, settings);
  return { agree: isZero(line.discountAmount) || cmp(abs(sub(expected, linePaid(line))), mul(CENT, '2' as Decimal)) <= 0, expected };
}

/** The sentence's body: what differs, line by line. */
export function explainLines(checks: LineCheck[], shopLinesTotal: Decimal, grandTotal: Decimal): string {
  const parts: string[] = [];
  for (const check of checks) {
    if (check.settingsPaid !== undefined) {
      parts.push(`${check.label}: the shop charged ${check.shopPaid}, but with the discount settings in icsync (flows.orders.shopTax) it would be ${check.settingsPaid}`);
    } else if (cmp(check.shopPaid, check.erpPayable) !== 0) {
      parts.push(`${check.label}: shop ${check.shopPaid}, ERP ${check.erpPayable}`);
    }
  }
  if (cmp(shopLinesTotal, grandTotal) !== 0) {
    parts.push(`the shop's lines and shipping add up to ${shopLinesTotal}, but its grand total is ${grandTotal} (a gift card, store credit, fee or a module that changes totals is not in the lines)`);
  }
  return parts.join('; ');
}

/**
 * Settings that parse but cannot work together: found before any record is sent, by
 * `icsync config check` (exit 2), `icsync doctor` (a failed check) and `icsync run` (a warning
 * at start). Each problem names the setting and says what to do.
 */
import type { Config } from './schema.js';

export interface SettingProblem {
  /** Dotted path of the setting, as in icsync.yaml. */
  path: string;
  message: string;
}

export function settingProblems(config: Config): SettingProblem[] {
  const problems: SettingProblem[] = [];
  const orders = config.flows.orders;
  // iCenter refuses an order whose shipping fee is a text line (409 on AddOrder), so without an
  // item every order that charges shipping would stop, one by one, with an answer that does not
  // name the shipping line.
  if (orders.enabled && config.erp.type === 'icenter' && orders.shippingItem === undefined) {
    problems.push({
      path: 'flows.orders.shippingItem',
      message:
        'not set, while the orders flow enters orders into iCenter: iCenter refuses a shipping fee written as a text line, so every order that charges shipping would wait for a person. ' +
        'Set it to the iCenter item (a service, e.g. DOSTAVA) that shipping is invoiced with.',
    });
  }
  return problems;
}

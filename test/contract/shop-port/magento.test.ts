/** The Magento connector passes the ShopPort conformance suite against the emulator over real HTTP (2.4.8, 2.4.3 and 2.3 behaviour). */
import { runShopPortConformance } from './conformance.js';
import { magentoConformanceSetup } from './magento-setup.js';

runShopPortConformance('magento 2.4.8 (OAuth)', () => magentoConformanceSetup());
runShopPortConformance('magento 2.4.3 (laminas OAuth, page size and batch limits)', () => magentoConformanceSetup({ emulator: { version: '2.4.3' } }));
runShopPortConformance('magento 2.3 (last page repeated past the end, laminas OAuth, integration bearer on)', () => magentoConformanceSetup({ emulator: { version: '2.3' } }));

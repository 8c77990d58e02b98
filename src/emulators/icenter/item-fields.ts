/**
 * The item wire shape (swagger `ItemGeneralData` and its four sections, field order kept).
 * A field outside these lists in a write body is rejected with HTTP 500, as iCenter did for
 * `ItemExcludeQtyReservation` (docs/contracts/icenter.md#items [CAP]).
 */
import type { ItemSection } from './model.js';

export const ITEM_SECTION_FIELDS: Record<ItemSection, readonly string[]> = {
  GeneralData: ['ItemTitleShort', 'ItemType', 'ItemUnitOfMeas', 'VATRateID', 'VATRefund', 'ExciseTaxID', 'ExciseConverter',
    'ItemGroup', 'WebPublish', 'ItemFirstPublished', 'VATInvoiceType', 'ItemComparisonCode', 'ItemSearchName',
    'ItemClassification', 'CustomsTariffNo', 'ClassOEEO', 'ItemEANCode', 'ItemDepartment', 'AccountingBookGroupID',
    'ExtraUOM', 'ItemQuantityExtraUOM', 'Priority', 'ParentItemID', 'ParentItemQtyConverter', 'ParentItemPriceConverter'],
  SalesData: ['Warranty', 'DiscountGroup1ID', 'DiscountGroup2ID', 'DiscountGroup3ID', 'DiscountGroup4ID', 'DiscountGroup5ID',
    'CommissionGroupID', 'PeriodicID', 'FastCode', 'MinSalesPrice', 'IsActive', 'ItemStatus', 'SalesPricePercentage',
    'RetailPricePercentage', 'RebateCalculation', 'SalesPriceChange', 'RetailPriceChange', 'MaintainTradeMargin',
    'PlannedPrice', 'AdditionalProperty1ID', 'AdditionalProperty2ID', 'AdditionalProperty3ID', 'AdditionalProperty4ID'],
  StockData: ['ItemHasSeries', 'WarningDays', 'MandatorySampling', 'SerialNo', 'FixedPrice', 'WithoutSharedCosts',
    'SharedCostID', 'UllageID', 'CooperationAddOnID', 'ConsignorID', 'SupplierID', 'ManufacturerID', 'TemplateGroupID'],
  PropertiesData: ['ItemWeightPerUnit', 'ItemVolumePerUnit', 'ItemQuantityOfPackaging', 'ItemQuantityOfPackaging2',
    'PaperWeight', 'ItemGrossWeight', 'ItemUOMPriceList', 'ItemQuantityUOMPriceList', 'Package', 'Voucher',
    'ItemSequenceNumber', 'EnvironmentalTax', 'ItemCountryOfOrigin', 'OriginFromCustomerUser', 'Contribution',
    'ContributionType', 'ItemPackageID', 'ItemPackageUOM', 'ItemLength', 'ItemWidth', 'ItemHeight', 'ItemDimensionUOM', 'ADRID'],
};

/** Fields the captured fixtures show as `xsi:nil` when unset (nullable value types); the rest are empty elements. */
export const NIL_WHEN_UNSET = new Set(['ItemFirstPublished', 'SuggestFirstFreeCode']);

export const ITEM_TOP_FIELDS = ['ItemID', 'ItemCreated', 'ItemLastModified', 'ItemTitle1', 'ItemTitle2', 'SuggestFirstFreeCode'];

/** Item types iCenter accepts (from its own error message, docs/contracts/icenter.md#errors [CAP]). */
export const ITEM_TYPES = ['A', 'B', 'D', 'I', 'E', 'K', 'M', 'O', 'P', 'S', 'V'];

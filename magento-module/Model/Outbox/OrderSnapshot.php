<?php
declare(strict_types=1);

namespace Icsync\ErpSync\Model\Outbox;

/**
 * The arrays OrderEventDetector compares, from an order's data as Magento holds it (origData is
 * the row as loaded, data the row being saved).
 */
final class OrderSnapshot
{
    /**
     * @param array<string, mixed> $order getData() or getOrigData()
     * @param list<mixed> $itemQtyShipped qty_shipped of each item, same side
     */
    public static function of(array $order, array $itemQtyShipped): array
    {
        $snapshot = ['qty_shipped' => self::sum($itemQtyShipped), 'total_invoiced' => self::decimal($order['total_invoiced'] ?? '0')];
        foreach (['state', 'status'] as $field) {
            $snapshot[$field] = isset($order[$field]) ? (string) $order[$field] : null;
        }
        foreach (OrderEventDetector::BUYER_FIELDS as $field) {
            $snapshot[$field] = isset($order[$field]) ? (string) $order[$field] : '';
        }
        return $snapshot;
    }

    /** The order's facts an event carries. */
    public static function facts(array $order, string $storeCode): array
    {
        return [
            'entity_id' => (int) ($order['entity_id'] ?? 0),
            'increment_id' => (string) ($order['increment_id'] ?? ''),
            'store_code' => $storeCode,
            'state' => isset($order['state']) ? (string) $order['state'] : null,
            'status' => isset($order['status']) ? (string) $order['status'] : null,
            'updated_at' => isset($order['updated_at']) ? (string) $order['updated_at'] : null,
            'total_invoiced' => self::decimal($order['total_invoiced'] ?? '0'),
        ];
    }

    /**
     * Magento hands amounts over as "12.3400" strings from the database and as floats once its own
     * arithmetic touched them; both become a 4-place decimal string, only for comparing.
     */
    public static function decimal(mixed $value): string
    {
        if ($value === null || $value === '') {
            return '0';
        }
        return is_float($value) || is_int($value) ? sprintf('%.4F', $value) : trim((string) $value);
    }

    private static function sum(array $quantities): string
    {
        // Quantities in ten-thousandths as integers: exact for Magento's 4-place qty columns.
        $total = 0;
        foreach ($quantities as $qty) {
            [$int, $frac] = array_pad(explode('.', self::decimal($qty), 2), 2, '');
            $total += ((int) $int) * 10000 + (int) str_pad(substr($frac, 0, 4), 4, '0');
        }
        return sprintf('%d.%04d', intdiv($total, 10000), $total % 10000);
    }
}

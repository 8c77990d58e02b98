<?php
declare(strict_types=1);

namespace Icsync\ErpSync\Model\Outbox;

/**
 * Which events one save of an order (or of one of its addresses) means, from the values before
 * and after the save. Pure: the observers turn Magento's models into these arrays.
 *
 * Order snapshot keys: state, status, total_invoiced (decimal string), qty_shipped (decimal
 * string, sum over the items), customer_id, customer_email, customer_firstname,
 * customer_lastname, customer_taxvat.
 */
final class OrderEventDetector
{
    public const BUYER_FIELDS = ['customer_id', 'customer_email', 'customer_firstname', 'customer_lastname', 'customer_taxvat'];
    public const ADDRESS_FIELDS = ['firstname', 'lastname', 'company', 'street', 'city', 'postcode', 'region', 'country_id', 'telephone', 'vat_id', 'email'];

    /**
     * @param array<string, mixed>|null $before null for a new order
     * @return list<array{kind:string, changed?:list<string>}>
     */
    public function forOrder(?array $before, array $after): array
    {
        $events = [];
        if ($before === null) {
            $events[] = ['kind' => EventTypes::PLACED];
            $before = ['total_invoiced' => '0', 'qty_shipped' => '0', 'state' => 'new'];
        }
        if (self::compare($after['total_invoiced'] ?? '0', $before['total_invoiced'] ?? '0') > 0) {
            $events[] = ['kind' => EventTypes::INVOICED];
        }
        if (self::compare($after['qty_shipped'] ?? '0', $before['qty_shipped'] ?? '0') > 0) {
            $events[] = ['kind' => EventTypes::SHIPPED];
        }
        if (($after['state'] ?? null) === 'canceled' && ($before['state'] ?? null) !== 'canceled') {
            $events[] = ['kind' => EventTypes::CANCELED];
        }
        if (array_key_exists('customer_email', $before)) {
            $changed = self::changedFields($before, $after, self::BUYER_FIELDS);
            if ($changed !== []) {
                $events[] = ['kind' => EventTypes::CHANGED, 'changed' => $changed];
            }
        }
        return $events;
    }

    /**
     * An address of an existing order edited: one "changed" event naming it. A new address is
     * part of placing the order, which "placed" covers.
     *
     * @return list<array{kind:string, changed:list<string>}>
     */
    public function forAddress(?array $before, array $after, string $addressType): array
    {
        if ($before === null || self::changedFields($before, $after, self::ADDRESS_FIELDS) === []) {
            return [];
        }
        return [['kind' => EventTypes::CHANGED, 'changed' => [$addressType === 'billing' ? 'billing_address' : 'shipping_address']]];
    }

    /** @return list<string> */
    private static function changedFields(array $before, array $after, array $fields): array
    {
        $changed = [];
        foreach ($fields as $field) {
            if (self::text($before[$field] ?? null) !== self::text($after[$field] ?? null)) {
                $changed[] = $field;
            }
        }
        return $changed;
    }

    private static function text(mixed $value): string
    {
        return is_array($value) ? implode("\n", $value) : trim((string) $value);
    }

    /** Compares two non-negative decimal strings exactly (amounts and quantities are never floats here). */
    public static function compare(mixed $a, mixed $b): int
    {
        [$ai, $af] = self::parts($a);
        [$bi, $bf] = self::parts($b);
        $length = max(strlen($af), strlen($bf));
        $af = str_pad($af, $length, '0');
        $bf = str_pad($bf, $length, '0');
        if (strlen($ai) !== strlen($bi)) {
            return strlen($ai) <=> strlen($bi);
        }
        return strcmp($ai . $af, $bi . $bf) <=> 0;
    }

    /** @return array{0:string,1:string} */
    private static function parts(mixed $value): array
    {
        $text = trim((string) ($value ?? '0'));
        if (preg_match('/^\+?(\d*)(?:\.(\d*))?$/', $text, $m) !== 1) {
            throw new \InvalidArgumentException(sprintf('"%s" is not a non-negative decimal.', $text));
        }
        $integer = ltrim($m[1], '0');
        return [$integer, rtrim($m[2] ?? '', '0')];
    }
}

<?php
declare(strict_types=1);

namespace Icsync\ErpSync\Model\Outbox;

/** The order events, as listed in docs/magento-module-api.md ("Order events"). */
final class EventTypes
{
    public const PREFIX = 'com.icsync.magento.order.';
    public const PLACED = 'placed';
    public const INVOICED = 'invoiced';
    public const SHIPPED = 'shipped';
    public const CANCELED = 'canceled';
    public const CHANGED = 'changed';

    public const ALL = [self::PLACED, self::INVOICED, self::SHIPPED, self::CANCELED, self::CHANGED];

    public static function cloudEventType(string $kind): string
    {
        if (!in_array($kind, self::ALL, true)) {
            throw new \InvalidArgumentException(sprintf('Unknown order event "%s".', $kind));
        }
        return self::PREFIX . $kind;
    }
}

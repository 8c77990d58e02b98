<?php
declare(strict_types=1);

namespace Icsync\ErpSync\Model\Outbox;

/**
 * An order event as a CloudEvents 1.0 structured-mode JSON document (docs/magento-module-api.md,
 * "Order events"). The data carries identifiers and states, not the buyer's personal data:
 * icsync reads the order itself through the REST API.
 */
final class CloudEventFactory
{
    /**
     * @param array{entity_id:int|string,increment_id:string,store_code:string,state:?string,status:?string,updated_at:?string,total_invoiced?:?string} $order
     *        updated_at as Magento stores it: "YYYY-MM-DD HH:MM:SS" in UTC
     * @param list<string> $changed for "changed": what changed
     */
    public function create(string $kind, array $order, string $eventId, string $sourceHost, \DateTimeImmutable $time, array $changed = []): array
    {
        $data = [
            'increment_id' => (string) $order['increment_id'],
            'entity_id' => (int) $order['entity_id'],
            'store_code' => (string) $order['store_code'],
            'state' => $order['state'] ?? null,
            'status' => $order['status'] ?? null,
            'updated_at' => self::isoUtc($order['updated_at'] ?? null, $time),
        ];
        if ($kind === EventTypes::INVOICED) {
            $data['total_invoiced'] = (string) ($order['total_invoiced'] ?? '0');
        }
        if ($kind === EventTypes::CHANGED) {
            $data['changed'] = array_values($changed);
        }
        return [
            'specversion' => '1.0',
            'id' => $eventId,
            'source' => 'magento://' . strtolower($sourceHost) . '/icsync',
            'type' => EventTypes::cloudEventType($kind),
            'subject' => (string) $order['increment_id'],
            'time' => $time->setTimezone(new \DateTimeZone('UTC'))->format('Y-m-d\TH:i:s\Z'),
            'datacontenttype' => 'application/json',
            'data' => $data,
        ];
    }

    public static function encode(array $event): string
    {
        return json_encode($event, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_THROW_ON_ERROR);
    }

    /** A random (version 4) UUID: the event's id, unique per outbox row. */
    public static function newId(): string
    {
        $bytes = random_bytes(16);
        $bytes[6] = chr((ord($bytes[6]) & 0x0f) | 0x40);
        $bytes[8] = chr((ord($bytes[8]) & 0x3f) | 0x80);
        return vsprintf('%s%s-%s-%s-%s-%s%s%s', str_split(bin2hex($bytes), 4));
    }

    private static function isoUtc(?string $magentoUtc, \DateTimeImmutable $fallback): string
    {
        $parsed = $magentoUtc === null ? false : \DateTimeImmutable::createFromFormat('Y-m-d H:i:s', $magentoUtc, new \DateTimeZone('UTC'));
        return ($parsed === false ? $fallback : $parsed)->setTimezone(new \DateTimeZone('UTC'))->format('Y-m-d\TH:i:s\Z');
    }
}

<?php
declare(strict_types=1);

namespace Icsync\ErpSync\Model\Outbox;

use Icsync\ErpSync\Model\Db\Database;

/** The icsync_order_outbox table (etc/db_schema.xml): one row per event, delivered in outbox_id order. */
final class OutboxStore
{
    public const PENDING = 'pending';
    public const DELIVERED = 'delivered';
    public const PARKED = 'parked';

    public function __construct(private Database $db)
    {
    }

    public function append(array $event, int $orderId, string $createdAt): int
    {
        return $this->db->insert($this->table(), [
            'event_id' => $event['id'],
            'event_type' => $event['type'],
            'order_id' => $orderId,
            'increment_id' => $event['subject'],
            'payload' => CloudEventFactory::encode($event),
            'status' => self::PENDING,
            'attempts' => 0,
            'created_at' => $createdAt,
        ]);
    }

    /** The oldest rows not yet delivered nor parked, in delivery order. */
    public function pending(int $limit): array
    {
        return $this->db->fetchAll(
            'SELECT * FROM ' . $this->table() . ' WHERE status = ? ORDER BY outbox_id LIMIT ' . max(1, $limit),
            [self::PENDING]
        );
    }

    public function markDelivered(int $outboxId, string $at): void
    {
        $this->db->execute(
            'UPDATE ' . $this->table() . ' SET status = ?, delivered_at = ?, next_attempt_at = NULL WHERE outbox_id = ?',
            [self::DELIVERED, $at, $outboxId]
        );
    }

    public function markFailed(int $outboxId, int $attempts, string $nextAttemptAt, string $error): void
    {
        $this->db->execute(
            'UPDATE ' . $this->table() . ' SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE outbox_id = ?',
            [$attempts, $nextAttemptAt, $error, $outboxId]
        );
    }

    public function park(int $outboxId, int $attempts, string $error): void
    {
        $this->db->execute(
            'UPDATE ' . $this->table() . ' SET status = ?, attempts = ?, next_attempt_at = NULL, last_error = ? WHERE outbox_id = ?',
            [self::PARKED, $attempts, $error, $outboxId]
        );
    }

    /** Parked rows go back to the queue, in their original place (their outbox_id is kept). */
    public function unpark(): int
    {
        return $this->db->execute(
            'UPDATE ' . $this->table() . ' SET status = ?, attempts = 0, next_attempt_at = NULL WHERE status = ?',
            [self::PENDING, self::PARKED]
        );
    }

    /** @return array{pending:int,delivered:int,parked:int,oldest_pending:?string} */
    public function counts(): array
    {
        $out = ['pending' => 0, 'delivered' => 0, 'parked' => 0, 'oldest_pending' => null];
        foreach ($this->db->fetchAll('SELECT status, COUNT(*) AS n FROM ' . $this->table() . ' GROUP BY status') as $row) {
            $out[(string) $row['status']] = (int) $row['n'];
        }
        $oldest = $this->db->fetchAll('SELECT MIN(created_at) AS t FROM ' . $this->table() . ' WHERE status = ?', [self::PENDING]);
        $out['oldest_pending'] = $oldest[0]['t'] ?? null;
        return $out;
    }

    public function parked(int $limit): array
    {
        return $this->db->fetchAll(
            'SELECT outbox_id, event_id, event_type, increment_id, attempts, last_error, created_at FROM ' . $this->table()
            . ' WHERE status = ? ORDER BY outbox_id LIMIT ' . max(1, $limit),
            [self::PARKED]
        );
    }

    private function table(): string
    {
        return $this->db->table('icsync_order_outbox');
    }
}

<?php
declare(strict_types=1);

namespace Icsync\ErpSync\Model\Db;

use Magento\Framework\App\ResourceConnection;

/**
 * Database over Magento's "sales" connection. Observers write the outbox through this same
 * connection, so their rows join the transaction of the order save that triggered them.
 */
final class MagentoDatabase implements Database
{
    public function __construct(private ResourceConnection $resource)
    {
    }

    public function table(string $name): string
    {
        return $this->resource->getTableName($name, 'sales');
    }

    public function fetchAll(string $sql, array $bind = []): array
    {
        return $this->resource->getConnection('sales')->fetchAll($sql, $this->values($bind));
    }

    public function execute(string $sql, array $bind = []): int
    {
        return $this->resource->getConnection('sales')->query($sql, $this->values($bind))->rowCount();
    }

    public function insert(string $table, array $row): int
    {
        $connection = $this->resource->getConnection('sales');
        $connection->insert($table, array_map(fn ($v) => $v instanceof Blob ? $v->bytes : $v, $row));
        return (int) $connection->lastInsertId($table);
    }

    private function values(array $bind): array
    {
        return array_map(fn ($v) => $v instanceof Blob ? $v->bytes : $v, array_values($bind));
    }
}

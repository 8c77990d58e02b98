<?php
declare(strict_types=1);

namespace Icsync\ErpSync\Model\Db;

/**
 * The little SQL the module needs, so its stores run on Magento's connection (MySQL) and, in the
 * test harness, on PDO SQLite. Placeholders are positional `?`.
 */
interface Database
{
    /** The real table name (Magento may prefix it). */
    public function table(string $name): string;

    /** @return list<array<string, mixed>> */
    public function fetchAll(string $sql, array $bind = []): array;

    public function execute(string $sql, array $bind = []): int;

    /** Inserts one row and returns its identity value. */
    public function insert(string $table, array $row): int;
}

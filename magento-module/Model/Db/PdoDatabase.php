<?php
declare(strict_types=1);

namespace Icsync\ErpSync\Model\Db;

use PDO;

/** Database over PDO: used by the test harness (SQLite) and the unit tests. */
final class PdoDatabase implements Database
{
    public function __construct(private PDO $pdo, private string $prefix = '')
    {
        $this->pdo->setAttribute(PDO::ATTR_ERRMODE, PDO::ERRMODE_EXCEPTION);
    }

    public function pdo(): PDO
    {
        return $this->pdo;
    }

    public function table(string $name): string
    {
        return $this->prefix . $name;
    }

    public function fetchAll(string $sql, array $bind = []): array
    {
        $statement = $this->pdo->prepare($sql);
        $this->bind($statement, $bind);
        $statement->execute();
        return $statement->fetchAll(PDO::FETCH_ASSOC);
    }

    public function execute(string $sql, array $bind = []): int
    {
        $statement = $this->pdo->prepare($sql);
        $this->bind($statement, $bind);
        $statement->execute();
        return $statement->rowCount();
    }

    public function insert(string $table, array $row): int
    {
        $columns = array_keys($row);
        $sql = sprintf(
            'INSERT INTO %s (%s) VALUES (%s)',
            $table,
            implode(', ', $columns),
            implode(', ', array_fill(0, count($columns), '?'))
        );
        $this->execute($sql, array_values($row));
        return (int) $this->pdo->lastInsertId();
    }

    private function bind(\PDOStatement $statement, array $bind): void
    {
        foreach (array_values($bind) as $i => $value) {
            // Document bytes must not pass through as text: SQLite would keep them, but mark them as what they are.
            $type = is_int($value) ? PDO::PARAM_INT : (is_null($value) ? PDO::PARAM_NULL : PDO::PARAM_STR);
            if ($value instanceof Blob) {
                $statement->bindValue($i + 1, $value->bytes, PDO::PARAM_LOB);
                continue;
            }
            $statement->bindValue($i + 1, $value, $type);
        }
    }
}

<?php
declare(strict_types=1);

namespace Icsync\ErpSync\Test\Harness;

/**
 * SQLite tables made from the module's own etc/db_schema.xml, so the harness and the tests run
 * on the columns Magento would create (types mapped to SQLite's), plus the two Magento tables the
 * module reads, cut down to the columns it reads (sales_order, sales_invoice).
 */
final class SqliteSchema
{
    public static function create(\PDO $pdo, string $dbSchemaXml): void
    {
        $pdo->exec('PRAGMA foreign_keys = ON');
        $pdo->exec('CREATE TABLE IF NOT EXISTS sales_order (entity_id INTEGER PRIMARY KEY AUTOINCREMENT, customer_id INTEGER NULL)');
        $pdo->exec('CREATE TABLE IF NOT EXISTS sales_invoice (entity_id INTEGER PRIMARY KEY AUTOINCREMENT, order_id INTEGER NOT NULL REFERENCES sales_order(entity_id))');
        foreach (self::statements($dbSchemaXml) as $sql) {
            $pdo->exec($sql);
        }
    }

    /** @return list<string> */
    public static function statements(string $dbSchemaXml): array
    {
        $xml = simplexml_load_file($dbSchemaXml);
        if ($xml === false) {
            throw new \RuntimeException("cannot read $dbSchemaXml");
        }
        $xsi = 'http://www.w3.org/2001/XMLSchema-instance';
        $statements = [];
        foreach ($xml->table as $table) {
            $name = (string) $table['name'];
            $lines = [];
            $identity = null;
            foreach ($table->column as $column) {
                $type = (string) $column->attributes($xsi)['type'];
                $col = (string) $column['name'];
                if ((string) $column['identity'] === 'true') {
                    $identity = $col;
                    $lines[] = "$col INTEGER PRIMARY KEY AUTOINCREMENT";
                    continue;
                }
                $sqlType = match ($type) {
                    'int', 'smallint', 'bigint', 'tinyint', 'boolean' => 'INTEGER',
                    'blob', 'mediumblob', 'longblob', 'varbinary' => 'BLOB',
                    'decimal', 'float', 'double' => 'NUMERIC',
                    default => 'TEXT',
                };
                $line = "$col $sqlType" . ((string) $column['nullable'] === 'false' ? ' NOT NULL' : '');
                if (isset($column['default'])) {
                    $default = (string) $column['default'];
                    $line .= $default === 'CURRENT_TIMESTAMP' ? ' DEFAULT CURRENT_TIMESTAMP' : ' DEFAULT ' . (is_numeric($default) ? $default : "'" . str_replace("'", "''", $default) . "'");
                }
                $lines[] = $line;
            }
            $indexes = [];
            foreach ($table->constraint as $constraint) {
                $kind = (string) $constraint->attributes($xsi)['type'];
                $columns = [];
                foreach ($constraint->column as $c) {
                    $columns[] = (string) $c['name'];
                }
                if ($kind === 'primary' && $columns !== [$identity]) {
                    $lines[] = 'PRIMARY KEY (' . implode(', ', $columns) . ')';
                } elseif ($kind === 'unique') {
                    $lines[] = 'UNIQUE (' . implode(', ', $columns) . ')';
                } elseif ($kind === 'foreign') {
                    $lines[] = sprintf(
                        'FOREIGN KEY (%s) REFERENCES %s(%s) ON DELETE %s',
                        $constraint['column'],
                        $constraint['referenceTable'],
                        $constraint['referenceColumn'],
                        (string) $constraint['onDelete'] === 'CASCADE' ? 'CASCADE' : 'NO ACTION'
                    );
                }
            }
            foreach ($table->index as $index) {
                $columns = [];
                foreach ($index->column as $c) {
                    $columns[] = (string) $c['name'];
                }
                $indexes[] = sprintf('CREATE INDEX IF NOT EXISTS %s ON %s (%s)', $index['referenceId'], $name, implode(', ', $columns));
            }
            $statements[] = "CREATE TABLE IF NOT EXISTS $name (\n  " . implode(",\n  ", $lines) . "\n)";
            array_push($statements, ...$indexes);
        }
        return $statements;
    }
}

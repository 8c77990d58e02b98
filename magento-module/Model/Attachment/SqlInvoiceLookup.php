<?php
declare(strict_types=1);

namespace Icsync\ErpSync\Model\Attachment;

use Icsync\ErpSync\Model\Db\Database;

/** Reads sales_invoice and sales_order directly: cheaper than loading the invoice model for a yes/no. */
final class SqlInvoiceLookup implements InvoiceLookup
{
    public function __construct(private Database $db)
    {
    }

    public function exists(int $invoiceId): bool
    {
        return $this->db->fetchAll('SELECT entity_id FROM ' . $this->db->table('sales_invoice') . ' WHERE entity_id = ?', [$invoiceId]) !== [];
    }

    public function customerIdOf(int $invoiceId): ?int
    {
        $rows = $this->db->fetchAll(
            'SELECT o.customer_id FROM ' . $this->db->table('sales_invoice') . ' i JOIN ' . $this->db->table('sales_order')
            . ' o ON o.entity_id = i.order_id WHERE i.entity_id = ?',
            [$invoiceId]
        );
        return $rows === [] || $rows[0]['customer_id'] === null ? null : (int) $rows[0]['customer_id'];
    }
}

<?php
declare(strict_types=1);

namespace Icsync\ErpSync\Model\Attachment;

interface InvoiceLookup
{
    public function exists(int $invoiceId): bool;

    /** The customer id of the invoice's order; null for a guest order or an unknown invoice. */
    public function customerIdOf(int $invoiceId): ?int;
}

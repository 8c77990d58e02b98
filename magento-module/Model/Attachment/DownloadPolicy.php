<?php
declare(strict_types=1);

namespace Icsync\ErpSync\Model\Attachment;

/** Who may download an attachment in the storefront: the logged-in customer whose order it is, nobody else. */
final class DownloadPolicy
{
    public function __construct(private InvoiceLookup $invoices)
    {
    }

    public function customerMayDownload(?int $loggedInCustomerId, array $attachment): bool
    {
        if ($loggedInCustomerId === null || $loggedInCustomerId <= 0) {
            return false;
        }
        $owner = $this->invoices->customerIdOf((int) $attachment['invoice_id']);
        return $owner !== null && $owner === $loggedInCustomerId;
    }
}

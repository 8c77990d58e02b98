<?php
declare(strict_types=1);

namespace Icsync\ErpSync\Plugin;

use Icsync\ErpSync\Model\Attachment\PendingInvoiceEmail;
use Magento\Framework\Mail\Template\TransportBuilder;

/**
 * Notes which invoice a mail is for while Magento builds it. Every invoice mail goes through the
 * TransportBuilder with the invoice among its template variables (InvoiceSender for the REST
 * "emails" endpoint, the admin's "Send Email" and notify on creation; copies to the shop's
 * addresses too), so this one hook covers them all.
 */
final class CaptureInvoiceEmail
{
    public function __construct(private PendingInvoiceEmail $pending)
    {
    }

    public function beforeSetTemplateVars(TransportBuilder $subject, $templateVars)
    {
        $this->pending->note(PendingInvoiceEmail::invoiceIdFromTemplateVars(is_array($templateVars) ? $templateVars : []));
        return null;
    }

    /** The message is built inside getTransport(); afterwards the next mail starts clean. */
    public function afterGetTransport(TransportBuilder $subject, $result)
    {
        $this->pending->clear();
        return $result;
    }
}

<?php
declare(strict_types=1);

namespace Icsync\ErpSync\Plugin;

use Icsync\ErpSync\Model\Attachment\MailAttachments;
use Icsync\ErpSync\Model\Attachment\PendingInvoiceEmail;
use Icsync\ErpSync\Model\Attachment\SymfonyMailAttachments;
use Magento\Framework\Mail\Template\TransportBuilder;

/**
 * Notes which invoice a mail is for while Magento builds it. Every invoice mail goes through the
 * TransportBuilder with the invoice among its template variables (InvoiceSender for the REST
 * "emails" endpoint, the admin's "Send Email" and notify on creation; copies to the shop's
 * addresses too), so this one hook covers them all.
 *
 * Up to 2.4.7 AttachInvoicePdfs adds the documents while the MIME message is built. From 2.4.8
 * Magento builds a Symfony Mime message instead; then the documents are added here, to the
 * finished message, before the transport is handed back and sent.
 */
final class CaptureInvoiceEmail
{
    public function __construct(
        private PendingInvoiceEmail $pending,
        private MailAttachments $attachments,
        private SymfonyMailAttachments $symfony
    ) {
    }

    public function beforeSetTemplateVars(TransportBuilder $subject, $templateVars)
    {
        $this->pending->note(PendingInvoiceEmail::invoiceIdFromTemplateVars(is_array($templateVars) ? $templateVars : []));
        return null;
    }

    /** The message is built inside getTransport(); afterwards the next mail starts clean. */
    public function afterGetTransport(TransportBuilder $subject, $transport)
    {
        try {
            $invoiceId = $this->pending->current();
            if ($invoiceId !== null && !$this->pending->attached() && is_object($transport) && method_exists($transport, 'getMessage')) {
                $message = $transport->getMessage();
                if (is_object($message) && method_exists($message, 'getSymfonyMessage')) {
                    $this->symfony->attach($message->getSymfonyMessage(), $this->attachments->forInvoice($invoiceId));
                }
            }
        } finally {
            $this->pending->clear();
        }
        return $transport;
    }
}
